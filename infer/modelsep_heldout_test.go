package infer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// BenchmarkModelSeparationHeldOut measures learned-model separation on
// held-out 64² mixtures of dust I (× 10) and Quijote patches (the per-component
// model issue's target (b)), for models trained as the README Examples'
// held-out chain does (dust I × 10 columns 0–383 and Quijote maps 00–03):
//
//	STKIT_MODELSEP_MODELS=DIR  the exported models (required; else skipped)
//	STKIT_MODELSEP_COMPS=a,b   the dust and Quijote clusters (default 0,1)
//	STKIT_MODELSEP_N=30        mixtures: a dust patch from columns 384–511
//	                           and a patch of one of Quijote maps 04–19, at
//	                           random positions (seed 7)
//	STKIT_MODELSEP_GP=F        ModelSepOptions.GaussPrior (default: the
//	                           default; −1: none)
//
// It prints, per component, the mean over the mixtures of the worst r(k)
// over the bins where the component holds ≥ 30 % of the power and of the
// pixel correlation with the truth, for the separation and its Wiener start.
//
// e.g. (after the README's held-out chain in ../stkit-try)
// STKIT_MODELSEP_MODELS=$PWD/../stkit-try/models2 go test ./infer -run '^$' -bench ModelSeparationHeldOut -benchtime 1x -v
func BenchmarkModelSeparationHeldOut(b *testing.B) {
	dir := os.Getenv("STKIT_MODELSEP_MODELS")
	if dir == "" {
		b.Skip("STKIT_MODELSEP_MODELS (an exported model folder) not set")
	}
	ms, err := LoadModels(dir)
	if err != nil {
		b.Fatal(err)
	}
	var ca, cb int
	if _, err := fmt.Sscanf(envOr("STKIT_MODELSEP_COMPS", "0,1"), "%d,%d", &ca, &cb); err != nil {
		b.Fatalf("STKIT_MODELSEP_COMPS: %v", err)
	}
	gp := 0.0
	if v := os.Getenv("STKIT_MODELSEP_GP"); v != "" {
		if gp, err = strconv.ParseFloat(v, 64); err != nil {
			b.Fatal(err)
		}
	}
	var comps []SepComponent
	for _, k := range []int{ca, cb} {
		c, err := ms.Component(k)
		if err != nil {
			b.Fatal(err)
		}
		comps = append(comps, SepComponent{Name: fmt.Sprint(k), Model: c})
	}
	dust, err := datasets.ReadMaps(testutil.DataFile(b, "dust/I_1.npy"))
	if err != nil {
		b.Fatal(err)
	}
	quij := map[int]*stlayer.Maps{}
	const p = 64
	n := envInt(b, "STKIT_MODELSEP_N", 30)
	rng := rand.New(rand.NewPCG(7, 0x5e9))
	eng := cpu.New()
	var r, r0, pc, pc0 [2]float64
	for i := 0; i < n; i++ {
		dr, dc := rng.IntN(dust.M-p+1), 384+rng.IntN(512-384-p+1)
		q := 4 + rng.IntN(16)
		qr, qc := rng.IntN(256-p+1), rng.IntN(256-p+1)
		if quij[q] == nil {
			if quij[q], err = datasets.ReadMaps(testutil.DataFile(b, fmt.Sprintf("quijote/logdensity_%02d.npy", q))); err != nil {
				b.Fatal(err)
			}
		}
		truth := stlayer.NewMaps(2, p, p)
		data := stlayer.NewMaps(1, p, p)
		for y := 0; y < p; y++ {
			for x := 0; x < p; x++ {
				s := 10 * dust.Data[(dr+y)*dust.N+dc+x]
				c := quij[q].Data[(qr+y)*quij[q].N+qc+x]
				truth.Data[y*p+x], truth.Data[p*p+y*p+x] = s, c
				data.Data[y*p+x] = s + c
			}
		}
		res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{GaussPrior: gp})
		if err != nil {
			b.Fatal(err)
		}
		m, err := EvaluateModelSeparation(res.Components, truth, []string{"dust", "quijote"})
		if err != nil {
			b.Fatal(err)
		}
		m0, _ := EvaluateModelSeparation(res.Init, truth, []string{"dust", "quijote"})
		for c := 0; c < 2; c++ {
			r[c] += m[c].RMinDominant / float64(n)
			r0[c] += m0[c].RMinDominant / float64(n)
			pc[c] += m[c].PixelCorr / float64(n)
			pc0[c] += m0[c].PixelCorr / float64(n)
		}
	}
	if gp == 0 {
		gp = DefaultGaussPrior
	}
	b.Logf("%d mixtures, GaussPrior %g: mean worst-bin r (≥ 30 %% of the power) dust %.3f, Quijote %.3f (Wiener start %.3f, %.3f); mean pixel correlation %.3f, %.3f (start %.3f, %.3f)",
		n, gp, r[0], r[1], r0[0], r0[1], pc[0], pc[1], pc0[0], pc0[1])
}
