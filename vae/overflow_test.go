package vae

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// A finite input row large enough for the encoder to overflow float32 (features ~3e38) gave NaN
// logits, and Assign turned them into cluster 0 with confidence NaN and no error (Encode returned
// NaN means). Both now refuse such a row, naming it, its largest feature and the z-scoring the
// model expects; the other rows and ordinary inputs are unaffected.
func TestAssignRefusesOverflowingRows(t *testing.T) {
	b := gomlxtest.Backend(t)
	cfg := SmallConfig(3, 4)
	cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
	m, err := New(b, cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	const s = 3e38
	x := []float32{0.1, 0.2, 0.3, 0.4, s, -s, s, 0.5 * s, 1, -1, 0.5, 0}
	want := []string{"input row 1 include NaN", "largest |x| = 3e+38, column 0", "z-scored"}
	testutil.Refused(t, "Assign", func() error { _, _, _, err := m.Assign(x); return err }, append([]string{"q(y|x) logits"}, want...)...)
	testutil.Refused(t, "Encode", func() error { _, err := m.Encode(x); return err }, want...)

	// Without the overflowing row: finite results, as before.
	ok := append(append([]float32(nil), x[:4]...), x[8:]...)
	labels, conf, _, err := m.Assign(ok)
	if err != nil || len(labels) != 2 {
		t.Fatalf("Assign of finite rows: %v %v", labels, err)
	}
	for i, c := range conf {
		if !(c > 0 && c <= 1) {
			t.Errorf("row %d confidence %g", i, c)
		}
	}
	if _, err := m.Encode(ok); err != nil {
		t.Fatal(err)
	}

	// A model with a NaN weight (not saved by train, which stops on a NaN loss, but a checkpoint
	// can be edited) gets the same refusal for ordinary rows, which names that possibility.
	var w *context.Variable
	for v := range m.Ctx.IterVariables() {
		if v.Name() == "weights" && v.Scope() == "/vae/qyx/logits/dense" {
			w = v
		}
	}
	if w == nil {
		t.Fatal("no q(y|x) logits weights")
	}
	vals := tensors.MustCopyFlatData[float32](w.MustValue())
	vals[0] = float32(math.NaN())
	if err := w.SetValue(tensors.FromFlatDataAndDimensions(vals, w.Shape().Dimensions...)); err != nil {
		t.Fatal(err)
	}
	testutil.Refused(t, "Assign, NaN weight", func() error { _, _, _, err := m.Assign(ok); return err },
		"q(y|x) logits of input row 0 include NaN", "largest |x| = 0.4, column 3", "or its weights are not finite")
}
