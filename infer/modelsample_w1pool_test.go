package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestReportW1PoolYardstick: the sample report compared each sample with the pooled training
// patches (W1) but gave as yardstick the W1 between two single patches — measured on 118 patches
// of one cluster, 0.599 σ between two patches against 0.475 σ for a patch against the pool of the
// others. W1Pool is the like-for-like yardstick: the mean over the maps of W1(map i, pool of the
// other maps), equal to Wasserstein1 on the concatenated others, and below the pair figure for
// smooth fields whose maps differ in mean and spread (here 6 GRF maps of 32²).
func TestReportW1PoolYardstick(t *testing.T) {
	const n, nm = 32, 6
	maps := make([][]float64, nm)
	ref := stlayer.NewMaps(nm, n, n)
	for b := range maps {
		x, _ := smoothGRF(n, 3, uint64(70+b))
		maps[b] = x
		copy(ref.Map(b), x)
	}
	want := 0.0
	for i := range maps {
		var others []float64
		for j, x := range maps {
			if j != i {
				others = append(others, x...)
			}
		}
		want += Wasserstein1(maps[i], others) / nm
	}
	if got := leaveOneOutW1(maps, 64); math.Abs(got-want) > 1e-12*math.Max(1, want) {
		t.Errorf("leaveOneOutW1 %g, want %g (direct)", got, want)
	}
	// maxMaps 3 of 6: maps 0, 2, 4
	want3 := 0.0
	for _, i := range []int{0, 2, 4} {
		var others []float64
		for j, x := range maps {
			if j != i {
				others = append(others, x...)
			}
		}
		want3 += Wasserstein1(maps[i], others) / 3
	}
	if got := leaveOneOutW1(maps, 3); math.Abs(got-want3) > 1e-12*math.Max(1, want3) {
		t.Errorf("leaveOneOutW1 over 3 maps %g, want %g", got, want3)
	}
	y, _ := smoothGRF(n, 3, 99)
	synth := &stlayer.Maps{B: 1, M: n, N: n, Data: y}
	vm, err := ValidateWith(ref, synth, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, sd, _, _ := Moments(ref.Data)
	if math.Abs(vm.W1Pool-want/sd) > 1e-9 {
		t.Errorf("metrics W1Pool %g, want %g σ", vm.W1Pool, want/sd)
	}
	if !(vm.W1Pool > 0 && vm.W1Pool < vm.W1Ref) {
		t.Errorf("one map vs the pool of the others %g σ, between two maps %g σ: want 0 < pool < pair", vm.W1Pool, vm.W1Ref)
	}
	t.Logf("W1 sample vs pool %.3f σ, map vs the others %.3f σ, between two maps %.3f σ", vm.W1Mean, vm.W1Pool, vm.W1Ref)
}
