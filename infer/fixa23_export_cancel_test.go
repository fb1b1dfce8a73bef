package infer

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// TestFixa23ExportCancel: ExportOptions.Context stops an export during its
// patch-prior fit (cancelled after the first EM iteration of component 0:
// no second iteration, no second prior), during its feature-filter fit
// (cancelled after the first training estimate, one worker: no further
// stage) and before it begins; each error wraps context.Canceled, is no
// input error and names where it stopped, and nothing is written: an
// earlier export in the folder is left as it was, a new folder is not
// made, and no temporary folder is left beside it. Fails on the old code
// (ExportOptions had no Context: the fits ran to the end and the export
// was written).
func TestFixa23ExportCancel(t *testing.T) {
	fx := tinyRun(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "models")
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	before := testutil.DirFiles(dir)
	pp := &PatchPriorOptions{K: 3, MaxRows: 1500, Iters: 15}
	stopped := func(what string, err error, want string) {
		t.Helper()
		if err == nil || !errors.Is(err, context.Canceled) || errors.Is(err, ErrModelInput) || err.Error() != want {
			t.Errorf("%s: error %v\nwant %s", what, err, want)
		}
		if !maps.Equal(testutil.DirFiles(dir), before) {
			t.Errorf("%s: the earlier export in %s changed", what, dir)
		}
		if ents, _ := os.ReadDir(parent); len(ents) != 1 {
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			t.Errorf("%s: beside the models: %v (want the model folder alone)", what, names)
		}
	}

	// during the patch priors
	ctx, cancel := context.WithCancel(context.Background())
	var steps []string
	_, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Context: ctx, PatchPrior: pp,
		PatchPriorProgress: func(s PatchPriorStep) {
			steps = append(steps, fmtStep(s))
			if s.Iter == 1 {
				cancel()
			}
		}})
	cancel()
	stopped("patch priors", err, "export: stopped during the patch priors: patch prior of component 0: patch prior: stopped after 1 of at most 15 EM iterations: context canceled")
	if !slices.Equal(steps, []string{"0:1", "0:done"}) {
		t.Errorf("patch-prior steps %v, want [0:1 0:done] (component 0, one EM iteration)", steps)
	}

	// during the feature filter's training estimates
	ctx, cancel = context.WithCancel(context.Background())
	var stages []string
	fo := FeatureFilterOptions{Mixtures: 8, Features: "d,pp,du", Stride: 3, J: 2, Workers: 1,
		Progress: func(s FeatureFilterStep) {
			stages = append(stages, s.Stage)
			if s.Stage == "training estimates" && s.Done == 1 {
				cancel()
			}
		}}
	_, err = ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Context: ctx, PatchPrior: pp,
		FeatureFilter: [][2]int{{0, 1}}, FeatureFilterOptions: fo})
	cancel()
	stopped("feature filter", err, "export: stopped during the feature filters: feature filter of components 0, 1: feature filter: training estimates: context canceled")
	if i := slices.Index(stages, "training estimates"); i < 0 || len(stages) != i+2 {
		t.Errorf("feature-filter stages %v: want it stopped after the first training estimate", stages)
	}

	// before it began: a new folder is not made
	parent = t.TempDir()
	dir = filepath.Join(parent, "new")
	_, err = ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Context: ctx})
	if err == nil || !errors.Is(err, context.Canceled) || err.Error() != "export: stopped before it began: context canceled" {
		t.Errorf("cancelled before: %v", err)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 0 {
		t.Errorf("a cancelled export made %d entries", len(ents))
	}
}

// fmtStep abbreviates a PatchPriorStep: "k:iter" or "k:done".
func fmtStep(s PatchPriorStep) string {
	if s.Done {
		return fmt.Sprintf("%d:done", s.Component)
	}
	return fmt.Sprintf("%d:%d", s.Component, s.Iter)
}
