package main

import (
	"encoding/json"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestRev3PatchRefineSettingDefaults: metrics.json's settings.patch_refine
// records the options RefineWithPatchPriors runs with
// (PatchRefineOptions.WithDefaults), all of the prior's, not numbers
// written by hand: P 6, K 20, training stride 4, 30000 rows, augmented,
// Reg 1e-3, 40 EM iterations, seed 1, separation stride 1, 1 round.
func TestRev3PatchRefineSettingDefaults(t *testing.T) {
	o := infer.PatchRefineOptions{}.WithDefaults()
	if o.Prior.P != 6 || o.Prior.K != 20 || o.Prior.Stride != 4 || o.Prior.MaxRows != 30000 || o.Prior.Reg != 1e-3 || o.Prior.Iters != 40 || o.Prior.Seed != 1 || o.Stride != 1 || o.Rounds != 1 {
		t.Errorf("WithDefaults %+v", o)
	}
	for _, r := range []*patchRefineRun{nil, {opt: infer.PatchRefineOptions{Prior: infer.PatchPriorOptions{K: 7, Seed: 3}, Rounds: 2}}} {
		b, err := json.Marshal(patchRefineSetting(r))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		k, seed, rounds := 20.0, 1.0, 1.0
		if r != nil {
			k, seed, rounds = 7, 3, 2
		}
		for name, v := range map[string]any{"p": 6.0, "k": k, "train_stride": 4.0, "max_rows": 30000.0, "augment": true, "reg": 1e-3, "iters": 40.0, "seed": seed, "stride": 1.0, "rounds": rounds, "applied": r != nil} {
			if m[name] != v {
				t.Errorf("run %v: settings.patch_refine.%s = %v, want %v (%s)", r != nil, name, m[name], v, b)
			}
		}
	}
}
