package infer_test

import (
	"fmt"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// ExampleCompareSets is the library's `stkit stats A.npy --compare B.npy
// --kind spectra -J 3 --permutations 200`: the statistic of both sets with
// one operator, its reference over A and B together (so a change of
// amplitude is not normalised away), then CompareSets coefficient by
// coefficient and Permute for a calibrated p-value. Here B's 6 maps are
// those of A's process ×1.3: P00 and S1 see it (χ²/dof ≈ 50).
func ExampleCompareSets() {
	const nA, nB, size = 6, 6, 32
	union := stlayer.NewMaps(nA+nB, size, size) // A's maps, then B's
	for i := range nA + nB {
		x, err := datasets.LogNormalField(size, size, -2.5, 0.8, uint64(i+1))
		if err != nil {
			panic(err)
		}
		for p, v := range x {
			if i >= nA {
				v *= 1.3
			}
			union.Map(i)[p] = v
		}
	}
	eng := cpu.New()
	spec := stats.Spec{Kind: stats.Spectra, J: 3}.WithDefaults(size, size)
	op, err := stats.BuildWithRef(spec, eng, union)
	if err != nil {
		panic(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), union)
	if err != nil {
		panic(err)
	}
	r, err := infer.CompareSets(c, op.Labels(), nA, nB, infer.CompareOptions{
		RTol:     infer.CompareRoundoff(eng.Name()),
		ZeroMean: infer.ZeroMeanMaps(union), // the maps' mean rows hold round-off
	})
	if err != nil {
		panic(err)
	}
	if err := r.Permute(c, 200, 1); err != nil {
		panic(err)
	}
	fmt.Printf("χ²/dof = %.3g over %d dof (ν = %d), sd_A/sd_B = %.2f\n", r.Chi2, r.Dof, r.Nu, r.SdRatio)
	fmt.Printf("largest |z| at %s\n", r.Max.Label)
	for _, cl := range r.Classes {
		fmt.Printf("%s: %d dof, χ²/dof %.3g\n", cl.Class, cl.Dof, cl.Chi2)
	}
	fmt.Printf("permutation p = %.3g (%d splits, exact %v)\n", r.PermP, r.Perms, r.PermExact)
	// Output:
	// χ²/dof = 5.02 over 184 dof (ν = 10), sd_A/sd_B = 0.53
	// largest |z| at S1(j=2)
	// P00: 3 dof, χ²/dof 54.7
	// S1: 3 dof, χ²/dof 52.5
	// C01: 24 dof, χ²/dof 4.03
	// C11: 154 dof, χ²/dof 3.28
	// permutation p = 0.0149 (200 splits, exact false)
}
