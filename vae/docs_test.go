package vae

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// The documented edge cases: empty input gives empty results, except for RecomputeBNStats, which
// needs a batch of 2 rows; SamplePrior refuses more than 2³¹−1 output values.
func TestDocumentedEdges(t *testing.T) {
	cfg := tinyCfg()
	m, err := New(gomlxtest.Backend(t), cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	if ev, err := m.Evaluate(nil, 0); err != nil || len(ev.Logits) != 0 || len(ev.Rec) != 0 {
		t.Errorf("Evaluate(empty) = %+v, %v; want empty results", ev, err)
	}
	if xr, err := m.Decode(nil); err != nil || len(xr) != 0 {
		t.Errorf("Decode(empty) = %v, %v; want empty results", xr, err)
	}
	if _, err := m.RecomputeBNStats(nil, 8, 0); err == nil || !strings.Contains(err.Error(), "at least 2 rows") {
		t.Errorf("RecomputeBNStats(empty): %v, want an error asking for 2 rows", err)
	}
	w := max(cfg.Z, cfg.InputDim())
	if _, _, err := m.SamplePrior(0, (1<<31-1)/w+1, 1); err == nil || !strings.Contains(err.Error(), "above 2³¹−1 = math.MaxInt32") {
		t.Errorf("SamplePrior above 2³¹−1 values: %v", err)
	}
}
