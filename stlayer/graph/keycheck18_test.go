package graph

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// A key already compiled for one statistic is refused for another one
// (Forward after Forward, LossGrad after Forward, Forward after LossGrad)
// instead of answering with the first one's graph; a statistic that builds
// the same operations under another function (a wrapper, stats' size-checked
// view of the raw scov operator under its key) is accepted with the same
// values.
func TestKeySharedByTwoStatsRefused18(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	x := stlayer.NewMaps(1, 16, 16)
	for i := range x.Data {
		x.Data[i] = float64(i%7) - 3
	}
	mean := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(x) }
	meanSq := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Mean(p.Pow(x, 2)) }
	wrapped := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return mean(p, x) }
	refused := func(what string, err error, out string) {
		t.Helper()
		var es *stlayer.ErrShape
		if !errors.As(err, &es) || !strings.Contains(err.Error(), "names another statistic") || !strings.Contains(err.Error(), out) {
			t.Errorf("%s: err %v, want an ErrShape saying the key names another statistic (%s)", what, err, out)
		}
	}
	c1, err := e.Forward("k", mean, x)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Forward("k", meanSq, x)
	refused("Forward after Forward", err, "from other operations")
	_, _, err = e.LossGrad("k", meanSq, x, stlayer.SumAbs2)
	refused("LossGrad after Forward", err, "from other operations")
	_, err = e.Forward("k", func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.Channels(p.Concat(x, x), []int{0, 1}) }, x)
	refused("Forward of another shape", err, "[1 1 1 1], this statistic [1 2 16 16]")
	c2, err := e.Forward("k", wrapped, x)
	if err != nil || c2.Data[0] != c1.Data[0] {
		t.Errorf("wrapper of the same statistic: %v, %v want %v", err, c2, c1.Data[0])
	}
	if _, _, err := e.LossGrad("g", meanSq, x, stlayer.SumAbs2); err != nil {
		t.Fatal(err)
	}
	_, err = e.Forward("g", mean, x)
	refused("Forward after LossGrad", err, "from other operations")

	view, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	raw, _, _ := stats.SCovOp(view)
	if raw.Key() != view.Key() {
		t.Fatalf("keys %q and %q: the test wants one key", raw.Key(), view.Key())
	}
	a, err := e.Forward(view.Key(), view.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.Forward(raw.Key(), raw.Stat(), x)
	if err != nil || b.K != a.K || b.Data[3] != a.Data[3] {
		t.Errorf("raw scov under its view's key: %v", err)
	}
}
