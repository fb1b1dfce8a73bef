package checkpoints

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil"
)

// Checkpoint.Tensor returned nil both for an absent variable and for a saved value whose conversion
// into a tensor failed, silently (a nil checkpoint panicked). ReadTensor now returns the error:
// the conversion failure with its cause, or the missing variable, naming the file; Tensor keeps its
// documented nil for both and returns ReadTensor's tensor otherwise.
func TestReadTensorReportsFailures(t *testing.T) {
	m, _ := Open(t.TempDir(), 1)
	if _, err := m.Save(testContext(2), State{Step: 1}, nil, nil); err != nil {
		t.Fatal(err)
	}
	ck, _, err := m.Latest()
	if err != nil {
		t.Fatal(err)
	}
	raw := func(tt *tensors.Tensor) []byte {
		var b []byte
		tt.ConstBytes(func(x []byte) { b = append(b, x...) })
		return b
	}
	// A present variable: both accessors give the saved bytes.
	want := testContext(2).In("model").In("dense").GetVariable("weights").MustValue()
	got, err := ck.ReadTensor("/model/dense", "weights")
	if err != nil || got == nil || !got.Shape().Equal(want.Shape()) || !bytes.Equal(raw(got), raw(want)) {
		t.Fatalf("ReadTensor(/model/dense, weights) = %v, %v; want %v", got, err, want)
	}
	if tt := ck.Tensor("/model/dense", "weights"); tt == nil || !bytes.Equal(raw(tt), raw(want)) {
		t.Fatalf("Tensor(/model/dense, weights) = %v", tt)
	}

	testutil.Refused(t, "ReadTensor of an absent variable", func() error { _, err := ck.ReadTensor("/model", "nope"); return err },
		ck.Path, "no variable /model/nope", "VariableNames")
	if tt := ck.Tensor("/model", "nope"); tt != nil {
		t.Errorf("Tensor of an absent variable = %v, want nil", tt)
	}

	orig := newTensor
	defer func() { newTensor = orig }()
	newTensor = func(*Checkpoint, varRecord) (*tensors.Tensor, error) {
		return nil, errors.New("injected conversion failure")
	}
	testutil.Refused(t, "ReadTensor with a failing conversion", func() error { _, err := ck.ReadTensor("/model", "bias"); return err },
		ck.Path, "converting the saved value of /model/bias", "injected conversion failure")
	if tt := ck.Tensor("/model", "bias"); tt != nil {
		t.Errorf("Tensor with a failing conversion = %v, want nil (documented)", tt)
	}
	newTensor = orig

	var nilCk *Checkpoint
	testutil.Refused(t, "ReadTensor of a nil checkpoint", func() error { _, err := nilCk.ReadTensor("/model", "bias"); return err },
		"nil checkpoint")
	if tt := nilCk.Tensor("/model", "bias"); tt != nil {
		t.Errorf("Tensor of a nil checkpoint = %v", tt)
	}
}
