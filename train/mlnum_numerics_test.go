package train

import (
	"bytes"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// With every loss weight 0 the training graph's total (vae.Loss, which now leaves out terms of
// weight 0) is the constant 0: Run trains without error, reports a training and validation Loss of
// exactly 0, and Adam's zero gradients leave every trainable variable as it was.
func TestRunAllWeightsZero(t *testing.T) {
	data, _ := blobs(2, 12, 3, 4, 1)
	cfg := vae.SmallConfig(2, 3)
	cfg.Z, cfg.H, cfg.Layers = 2, 8, 1
	cfg.WRec, cfg.WGauss, cfg.WCat, cfg.WBalance = 0, 0, 0, 0
	m, err := vae.New(gomlxtest.Backend(t), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(m)
	res, err := Run(m, data, Options{Epochs: 1, BatchSize: 8, Seed: 1, ValFraction: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	em := res.History[0]
	if em.Train.Loss != 0 || em.Val == nil || em.Val.Loss != 0 {
		t.Errorf("all weights 0: training Loss %g, validation %+v; want 0 and 0", em.Train.Loss, em.Val)
	}
	n, after := 0, snapshot(m)
	for v := range m.Ctx.IterVariables() {
		if b, ok := before[v.ScopeAndName()]; ok && v.Trainable {
			n++
			if !bytes.Equal(b, after[v.ScopeAndName()]) {
				t.Errorf("all weights 0: trainable %s changed", v.ScopeAndName())
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d trainable variables compared", n)
	}
}
