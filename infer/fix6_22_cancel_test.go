package infer

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

// fix6TripCtx is a context that reports cancellation from its (left+1)-th
// call of Err on: a cancel arriving after that many checks, at a point no
// callback reaches (inside FitFeatureFilter's half priors).
type fix6TripCtx struct {
	context.Context
	mu   sync.Mutex
	left int
	done chan struct{}
}

func (c *fix6TripCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.left > 0 {
		c.left--
		return nil
	}
	select {
	case <-c.done:
	default:
		close(c.done)
	}
	return context.Canceled
}

func (c *fix6TripCtx) Done() <-chan struct{} { return c.done }

// TestFix6PatchPriorCancel: a context cancelled after the first EM
// iteration (from the progress callback) stops FitPatchPrior before the
// second with an error wrapping context.Canceled; a fit under a live
// context is bit-identical to one without. Fails on the old code
// (PatchPriorOptions had no Context: the fit ran its iterations).
func TestFix6PatchPriorCancel(t *testing.T) {
	a, _ := ffTextures(40, 16, 1)
	opt := ffQuickOptions().PatchPrior
	ref, err := FitPatchPrior(a, opt)
	if err != nil {
		t.Fatal(err)
	}
	live := opt
	live.Context = context.Background()
	if pp, err := FitPatchPrior(a, live); err != nil || pp.K != ref.K || !slices.Equal(pp.Weights, ref.Weights) || !slices.Equal(pp.Means, ref.Means) || !slices.Equal(pp.Covs, ref.Covs) {
		t.Errorf("under a live context the fit differs (err %v)", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var iters []int
	opt.Context = ctx
	opt.Progress = func(it, its int) {
		iters = append(iters, it)
		if it == 1 {
			cancel()
		}
	}
	pp, err := FitPatchPrior(a, opt)
	want := "patch prior: stopped after 1 of at most 10 EM iterations: context canceled"
	if pp != nil || err == nil || !errors.Is(err, context.Canceled) || errors.Is(err, ErrModelInput) || err.Error() != want {
		t.Errorf("cancelled fit: %v, %v; want the error %q", pp, err, want)
	}
	if !slices.Equal(iters, []int{1}) {
		t.Errorf("EM iterations reported %v, want [1]", iters)
	}
}

// TestFix6FeatureFilterCancel: FitFeatureFilter's context reaches the half
// priors (a cancel during the first half prior stops it there: no half
// prior finishes) and the choice of α (a cancel after the first α stops
// before the second); a fit under a live context is bit-identical to one
// without. Fails on the old code (the four half priors ran to the end and
// it stopped only at the training estimates; the α loop ran to the end and
// returned a filter).
func TestFix6FeatureFilterCancel(t *testing.T) {
	a, b := ffTextures(40, 16, 1)
	opt := ffQuickOptions()
	pa, err := FitPatchPrior(a, opt.PatchPrior)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := FitPatchPrior(b, opt.PatchPrior)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := FitFeatureFilter(a, b, pa, pb, opt)
	if err != nil {
		t.Fatal(err)
	}
	live := opt
	live.Context = context.Background()
	if f, err := FitFeatureFilter(a, b, pa, pb, live); err != nil || !slices.Equal(f.Weights, ref.Weights) || f.Alpha != ref.Alpha || f.HeldAside != ref.HeldAside {
		t.Errorf("under a live context the filter differs (err %v)", err)
	}

	// cancelled inside the first half prior: one worker, four checks pass
	// (the start of half prior 0 and its first three EM iterations)
	trip := opt
	trip.Workers = 1
	trip.Context = &fix6TripCtx{Context: context.Background(), left: 4, done: make(chan struct{})}
	maxDone := 0
	trip.Progress = func(s FeatureFilterStep) {
		if s.Stage != "half priors" {
			t.Errorf("progress reached stage %q", s.Stage)
		}
		maxDone = max(maxDone, s.Done)
	}
	f, err := FitFeatureFilter(a, b, pa, pb, trip)
	want := "feature filter: half prior of component 0, half 0 (20 patches): patch prior: stopped after 3 of at most 10 EM iterations: context canceled"
	if f != nil || err == nil || !errors.Is(err, context.Canceled) || err.Error() != want {
		t.Errorf("cancelled in the half priors: %v\nwant %s", err, want)
	}
	if maxDone != 0 {
		t.Errorf("%d half priors finished after the cancel, want 0", maxDone)
	}

	// cancelled after the first α
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	alpha := opt
	alpha.Context = ctx
	alpha.Progress = func(s FeatureFilterStep) {
		if s.Stage == "filter" && s.Done == 1 {
			cancel()
		}
	}
	f, err = FitFeatureFilter(a, b, pa, pb, alpha)
	want = "feature filter: stopped choosing α after 1 of 5 candidates: context canceled"
	if f != nil || err == nil || !errors.Is(err, context.Canceled) || err.Error() != want {
		t.Errorf("cancelled after the first α: %v, %v\nwant %s", f, err, want)
	}
}
