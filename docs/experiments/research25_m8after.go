//go:build ignore

// Experiment for issue #8 target (b) (session 25, m8): the six-draw
// held-out figures re-measured after 56537c2 (patch-prior EM: a dead
// component now splits a live one), K 20 and K 40 patch priors, each with
// a feature filter fitted on them.
//
// This program fits patch priors with chosen options (K, MaxRows, training
// Stride) and a feature filter whose half priors use the same options, and
// saves them in the cache layout of BenchmarkModelSeparationHeldOut's
// STKIT_MODELSEP_PRIORS DIR (patch_prior_<k>.npz, feature_filter_<a>_<b>.npz
// and the .json record of the priors it was fitted with), which the
// benchmark then reads instead of fitting its defaults (its log says
// "feature filter read from"). The benchmark's own env knobs set only the
// priors' P and Stride, not K nor MaxRows.
//
// It also separates the benchmark's held-out mixtures itself (-sep DIR):
// each mixture once with the patch prior alone (SeparateWithModels,
// FeatureFilter "off"), then the filter applied to that estimate
// (FeatureFilter.Apply; component a its map 0, b = data − a, as
// SeparateWithModels's "auto" assembles them), so one pass gives both
// methods; the estimates are cached in DIR (prior_est_<seed>_n<n>.npy) and
// a later pass with a filter beside them reuses them. Checked against the
// benchmark (STKIT_MODELSEP_FILTER=1, MIXSEED 7, K 20 DIR): the 30
// per-mixture filter lines agree to the 4 printed decimals, and the prior
// alone gives session 24's 0.774 / 0.802 (seed 7) and 0.728 / 0.767
// (seed 8).
//
// models2 (/work/stkit-try is gone): rebuilt by the README's held-out
// chain as it was when models2 was made, plain cuts (no --window moisan)
// and --val-split random, stkit built at 874d450:
//
//	stkit patches dust_train.npy quijote_train.npy -o ds2
//	stkit train ds2 -o run2 --clusters 2 --drop '^C11' --epochs 200 --val-split random
//	stkit clusters run2 ds2 -o a2.csv --labels 'dust|quijote'   # 154 | 11 / 0 | 196, accuracy 0.9695
//	stkit export run2 -o models2
//
// (dust 154 patches, Quijote 207: the earlier models2's counts; the K 20
// and K 40 priors reproduce session 24's figures above to the last digit.
// The chain as the README builds it now, --window moisan and --val-split
// blocks, clusters 165 / 196 exactly: other patches, other priors.)
//
// Commands (library at 874d450; each run alone under nice -n 10 on 2 cores
// shared with other sessions, load 4–10):
//
//	# K 20 (FitPatchPrior's defaults) priors and filter, cached in K20:
//	STKIT_MODELSEP_FILTER=1 STKIT_MODELSEP_PRIORS=K20 STKIT_MODELSEP_BINS=1 \
//	  STKIT_MODELSEP_MIXSEED=7 STKIT_MODELSEP_MODELS=models2 \
//	  go test ./infer -run '^$' -bench ModelSeparationHeldOut -benchtime 1x -timeout 0 -v
//	go run docs/experiments/research25_m8after.go -models models2 -sep K20        # both methods, MIXSEED 7–12
//	# K 40 on ≤ 90000 rows at training stride 2 (research24_k40.go's):
//	go run docs/experiments/research25_m8after.go -models models2 -out K40 -filter=false
//	go run docs/experiments/research25_m8after.go -models models2 -sep K40        # prior alone (no filter yet)
//	# the K 20 filter on the K 40 estimates (not refitted): K40X = links to
//	# K40's patch_prior_*.npz and prior_est_*.npy and K20's feature_filter_0_1.npz
//	go run docs/experiments/research25_m8after.go -models models2 -sep K40X
//	# a filter fitted on the K 40 priors (half priors K 40 too):
//	go run docs/experiments/research25_m8after.go -models models2 -out K40
//
// Mean worst-bin r over the bins where the component holds ≥ 30 % of the
// power (dust / Quijote), pixel correlation, mixtures with both worst-bin
// r ≥ 0.8; 30 mixtures per draw, 180 in all (± standard error of the mean):
//
//	MIXSEED   K 20 prior     K 20 + filter   K 40 prior     K 40 + K 20's filter   K 40 + its filter
//	 7        0.774 0.802    0.807 0.793     0.790 0.813    0.815 0.802            0.814 0.803
//	 8        0.728 0.767    0.783 0.813     0.743 0.781    0.794 0.809            0.794 0.810
//	 9        0.712 0.773    0.750 0.777     0.723 0.780    0.751 0.780            0.756 0.782
//	10        0.755 0.756    0.784 0.783     0.763 0.770    0.788 0.788            0.792 0.798
//	11        0.710 0.709    0.730 0.731     0.717 0.722    0.724 0.733            0.726 0.732
//	12        0.673 0.757    0.699 0.751     0.687 0.777    0.706 0.767            0.713 0.770
//	all 180   0.725 0.761    0.759 0.775     0.737 0.774    0.763 0.780            0.766 0.783
//	  s.e.    0.016 0.010    0.015 0.012     0.015 0.010    0.015 0.011            0.015 0.011
//	pixel     0.732 0.924    0.765 0.935     0.742 0.929    0.772 0.938            0.773 0.938
//	both ≥ 0.8   46             68              54             71                     67
//	(dust, Quijote ≥ 0.8: 68, 88; 89, 101; 73, 95; 91, 103; 90, 97)
//
// Paired differences over the 180 mixtures (mean ± s.e.; better in how
// many, dust / Quijote):
//
//	K 20 filter − K 20 prior            +0.034 ± 0.005 / +0.014 ± 0.007 (142 / 118)
//	K 40 prior − K 20 prior             +0.012 ± 0.002 / +0.013 ± 0.003 (137 / 130);
//	                                    per draw +0.007 to +0.016 / +0.007 to +0.020
//	K 40 + K 20's filter − K 20 filter  +0.004 ± 0.002 / +0.005 ± 0.004 (122 / 103);
//	                                    pixel +0.007 ± 0.001 / +0.003 ± 0.0004
//	K 40 + K 20's filter − K 40 prior   +0.026 ± 0.006 / +0.006 ± 0.006
//	K 40 + its filter − K 20 + filter   +0.007 ± 0.002 / +0.008 ± 0.004 (117 / 113);
//	                                    pixel +0.008 ± 0.001 / +0.003 ± 0.0004
//	K 40 + its filter − K 40 + K 20's   +0.003 ± 0.002 / +0.003 ± 0.002
//	K 40 + its filter − K 40 prior      +0.029 ± 0.005 / +0.009 ± 0.005
//
// Before 56537c2 (research23_robust.go, research24_k40.go, the same
// draws on the models2 this one reproduces): K 20 prior 0.725 / 0.762, filter 0.760 / 0.778 (both ≥ 0.8
// in 47 and 63), K 40 prior (31 and 38 of 40 Gaussians kept) 0.736 /
// 0.774, +0.010 ± 0.002 / +0.012 ± 0.003 over K 20 (both 54). After it
// every 180-mixture mean is within 0.003 of those; the K 20 fit keeps 20
// and 20 Gaussians, the K 40 fit 40 and 40. The refitted K 20 filter (α 0,
// held-aside r 0.719 / 0.733; c69c3d5's α 0.001, 0.725 / 0.741) gives
// 0.807 / 0.793 on seed 7 (0.808 / 0.805 before): Quijote below 0.8 on the
// draw of record.
//
// Cost (wall at load 4–10): K 20 priors 15.9 + 52.5 s, the filter 1024 s
// (half priors 133 s, 240 training estimates 880 s; the benchmark run 563 s
// of CPU in all); K 40 priors 43.9 + 291.1 s (260 s of CPU); separations
// (patch prior, the filter's Apply adds < 0.1 s) 74–77 s per 30 mixtures
// at K 20 (350 s of CPU for 180), 221–338 s at K 40 (1159 s of CPU, ×3.3).
// The filter on the K 40 priors (half priors K 40, 90000 rows, stride 2):
// 1854 s wall at load 2–6 (half priors 524 s, 240 estimates 1329 s), 2007 s
// of CPU, ×1.8 the K 20 filter's wall; α 0.001, held-aside r 0.723 / 0.748.
//
// What it says. The split reseeding changes none of the six-draw figures
// beyond their noise. K 40 priors gain on the prior alone as before
// (+0.012 / +0.013), but with a filter on top only +0.004 / +0.005 (K 20's
// filter) or +0.007 / +0.008 (one refitted on the K 40 priors, for ×1.8
// its fit and ×3.3 the separation): the filter takes most of what the
// larger prior adds. Both ≥ 0.8: 68 (K 20 + filter), 67 (K 40 + its
// filter) of 180. Target (b) is not met on average (0.766 / 0.783 at
// best), and no longer on seed 7 for Quijote with the refitted K 20
// filter (0.807 / 0.793; K 40 + its filter 0.814 / 0.803). Defaults
// unchanged.
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

func main() {
	models := flag.String("models", "", "model folder (required)")
	out := flag.String("out", "", "output folder (required)")
	K := flag.Int("K", 40, "mixture components")
	maxRows := flag.Int("maxrows", 90000, "training rows")
	stride := flag.Int("stride", 2, "training stride")
	filter := flag.Bool("filter", true, "also fit the feature filter of the pair on these priors")
	comps := flag.String("comps", "0,1", "components a,b (the filter refines a)")
	sep := flag.String("sep", "", "separate: read the priors and filter in this folder (fitted with -out) and separate the held-out mixtures of -seeds")
	seeds := flag.String("seeds", "7,8,9,10,11,12", "mixture draws (STKIT_MODELSEP_MIXSEED) for -sep")
	nmix := flag.Int("n", 30, "mixtures per draw for -sep")
	data := flag.String("data", "/work/shared/data", "the shared data folder, for -sep")
	flag.Parse()
	if *sep != "" && *models != "" {
		separateHeldOut(*models, *sep, *seeds, *nmix, *data, *comps)
		return
	}
	if *out == "" || *models == "" {
		log.Fatal("-models DIR -out DIR, or -models DIR -sep DIR")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	ms, err := infer.LoadModels(*models)
	if err != nil {
		log.Fatal(err)
	}
	var a, b int
	if _, err := fmt.Sscanf(*comps, "%d,%d", &a, &b); err != nil {
		log.Fatalf("-comps %q: %v", *comps, err)
	}
	po := infer.PatchPriorOptions{K: *K, MaxRows: *maxRows, Stride: *stride}
	var tr [2]*stlayer.Maps
	var pps [2]*infer.PatchPrior
	var rec []infer.ModelFeatureFilterPrior
	for i, k := range []int{a, b} {
		if tr[i], err = ms.ClusterPatches(k, "", 0); err != nil {
			log.Fatal(err)
		}
		path := filepath.Join(*out, fmt.Sprintf("patch_prior_%d.npz", k))
		if pps[i], err = infer.LoadPatchPrior(path); err == nil {
			fmt.Printf("component %d: read %s (K %d)\n", k, path, pps[i].K)
		} else {
			t := time.Now()
			if pps[i], err = infer.FitPatchPrior(tr[i], po); err != nil {
				log.Fatal(err)
			}
			if err := pps[i].Save(path); err != nil {
				log.Fatal(err)
			}
			fmt.Printf("component %d: %d patches, K %d (asked %d), %.1f s, saved %s\n", k, tr[i].B, pps[i].K, *K, time.Since(t).Seconds(), path)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		sum := sha256.Sum256(raw)
		rec = append(rec, infer.ModelFeatureFilterPrior{Component: k, K: pps[i].K, P: pps[i].P, SHA256: hex.EncodeToString(sum[:])})
	}
	if !*filter {
		return
	}
	t := time.Now()
	last := ""
	f, err := infer.FitFeatureFilter(tr[0], tr[1], pps[0], pps[1], infer.FeatureFilterOptions{PatchPrior: po,
		Progress: func(s infer.FeatureFilterStep) {
			if s.Stage != last || s.Done == s.Total || s.Done%40 == 0 {
				fmt.Printf("feature filter: %s %d/%d (%.0f s)\n", s.Stage, s.Done, s.Total, time.Since(t).Seconds())
				last = s.Stage
			}
		}})
	if err != nil {
		log.Fatal(err)
	}
	f.A, f.B = a, b
	path := filepath.Join(*out, fmt.Sprintf("feature_filter_%d_%d.npz", a, b))
	if err := f.Save(path); err != nil {
		log.Fatal(err)
	}
	js, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(strings.TrimSuffix(path, ".npz")+".json", append(js, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("feature filter fitted in %.1f s: %v; held-aside worst-bin r %.3f/%.3f; saved %s\n", time.Since(t).Seconds(), f, f.HeldAside[0], f.HeldAside[1], path)
}

// separateHeldOut separates BenchmarkModelSeparationHeldOut's mixtures
// (heldOutMixtures, copied) of each draw with the priors and the filter in
// dir: the patch prior alone (SeparateWithModels, FeatureFilter "off") and
// the filter applied to that estimate (FeatureFilter.Apply, component a =
// its map 0, b = data − a: what SeparateWithModels's "auto" returns), and
// prints each mixture's worst-bin r and pixel correlation for both, in
// the benchmark's order.
func separateHeldOut(models, dir, seeds string, n int, data, comps string) {
	ms, err := infer.LoadModels(models)
	if err != nil {
		log.Fatal(err)
	}
	var a, b int
	if _, err := fmt.Sscanf(comps, "%d,%d", &a, &b); err != nil {
		log.Fatal(err)
	}
	pps := make([]*infer.PatchPrior, len(ms.Components))
	rec := &infer.ModelPatchPriors{Files: make([]string, len(ms.Components))}
	for _, k := range []int{a, b} {
		name := fmt.Sprintf("patch_prior_%d.npz", k)
		if pps[k], err = infer.LoadPatchPrior(filepath.Join(dir, name)); err != nil {
			log.Fatal(err)
		}
		rec.Files[k] = name
		fmt.Printf("prior %d: K %d, P %d\n", k, pps[k].K, pps[k].P)
	}
	ms.PatchPriors, ms.Manifest.PatchPriors = pps, rec
	f, err := infer.LoadFeatureFilter(filepath.Join(dir, fmt.Sprintf("feature_filter_%d_%d.npz", a, b)))
	if err != nil {
		fmt.Printf("no filter (%v): the patch prior alone\n", err)
		f = nil
	} else {
		fmt.Printf("filter: %v\n", f)
	}
	var sc []infer.SepComponent
	for _, k := range []int{a, b} {
		c, err := ms.Component(k)
		if err != nil {
			log.Fatal(err)
		}
		sc = append(sc, infer.SepComponent{Name: fmt.Sprint(k), Model: c})
	}
	eng := cpu.New()
	names := []string{"dust", "quijote"}
	for _, s := range strings.Split(seeds, ",") {
		var seed uint64
		if _, err := fmt.Sscanf(s, "%d", &seed); err != nil {
			log.Fatal(err)
		}
		t := time.Now()
		ds, ts := heldOutMixtures(data, seed, n, 64)
		// the patch-prior estimates of a, cached: the filter's pass reuses them
		cache := filepath.Join(dir, fmt.Sprintf("prior_est_%d_n%d.npy", seed, n))
		ests, err := datasets.ReadMaps(cache)
		cached := err == nil && ests.B == n
		if !cached {
			ests = stlayer.NewMaps(n, 64, 64)
		}
		method := "patch prior (cached)"
		for i := range ds {
			if !cached {
				res, err := infer.SeparateWithModels(context.Background(), eng, ms, ds[i], sc, infer.ModelSepOptions{PatchPrior: "auto", FeatureFilter: "off"})
				if err != nil {
					log.Fatal(err)
				}
				copy(ests.Map(i), res.Components.Map(0))
				method = res.Method
			}
			// the components as SeparateWithModels assembles them: a, data − a
			pc := stlayer.NewMaps(2, 64, 64)
			copy(pc.Map(0), ests.Map(i))
			for j, v := range ds[i].Data {
				pc.Map(1)[j] = v - ests.Map(i)[j]
			}
			m0, err := infer.EvaluateModelSeparation(pc, ts[i], names)
			if err != nil {
				log.Fatal(err)
			}
			if f == nil {
				fmt.Printf("seed %d mixture %d: prior worst-bin r %.4f %.4f pixel corr %.4f %.4f (%s)\n",
					seed, i, m0[0].RMinDominant, m0[1].RMinDominant, m0[0].PixelCorr, m0[1].PixelCorr, method)
				continue
			}
			est := &stlayer.Maps{B: 1, M: 64, N: 64, Data: ests.Map(i)}
			out, err := f.Apply(ds[i], est)
			if err != nil {
				log.Fatal(err)
			}
			fc := stlayer.NewMaps(2, 64, 64)
			copy(fc.Map(0), out.Map(0))
			for j, v := range ds[i].Data {
				fc.Map(1)[j] = v - out.Map(0)[j]
			}
			m1, err := infer.EvaluateModelSeparation(fc, ts[i], names)
			if err != nil {
				log.Fatal(err)
			}
			fmt.Printf("seed %d mixture %d: prior worst-bin r %.4f %.4f pixel corr %.4f %.4f filter worst-bin r %.4f %.4f pixel corr %.4f %.4f (%s)\n",
				seed, i, m0[0].RMinDominant, m0[1].RMinDominant, m0[0].PixelCorr, m0[1].PixelCorr,
				m1[0].RMinDominant, m1[1].RMinDominant, m1[0].PixelCorr, m1[1].PixelCorr, method)
		}
		if !cached {
			if err := datasets.WriteMaps(cache, ests); err != nil {
				log.Fatal(err)
			}
		}
		fmt.Printf("seed %d: %d mixtures, %.1f s\n", seed, n, time.Since(t).Seconds())
	}
}

// heldOutMixtures is infer/modelsep_heldout_test.go's (seed = its
// STKIT_MODELSEP_MIXSEED): p² mixtures of a dust I_1 × 10 patch from
// columns 384–511 and a patch of one of Quijote maps 04–19, and their
// truths [2, p, p].
func heldOutMixtures(dir string, seed uint64, n, p int) (data, truth []*stlayer.Maps) {
	dust, err := datasets.ReadMaps(filepath.Join(dir, "dust/I_1.npy"))
	if err != nil {
		log.Fatal(err)
	}
	qs := map[int]*stlayer.Maps{}
	rng := rand.New(rand.NewPCG(seed, 0x5e9))
	for i := 0; i < n; i++ {
		dr, dc := rng.IntN(dust.M-p+1), 384+rng.IntN(512-384-p+1)
		q := 4 + rng.IntN(16)
		qr, qc := rng.IntN(256-p+1), rng.IntN(256-p+1)
		if qs[q] == nil {
			if qs[q], err = datasets.ReadMaps(filepath.Join(dir, fmt.Sprintf("quijote/logdensity_%02d.npy", q))); err != nil {
				log.Fatal(err)
			}
		}
		tr := stlayer.NewMaps(2, p, p)
		cropInto(tr.Map(0), dust, dr, dc, p, 10)
		cropInto(tr.Map(1), qs[q], qr, qc, p, 1)
		d := stlayer.NewMaps(1, p, p)
		for j := range d.Data {
			d.Data[j] = tr.Data[j] + tr.Data[p*p+j]
		}
		data, truth = append(data, d), append(truth, tr)
	}
	return data, truth
}

// cropInto writes scale × the p×p crop of src's first map at row r0,
// column c0 into dst.
func cropInto(dst []float64, src *stlayer.Maps, r0, c0, p int, scale float64) {
	for y := 0; y < p; y++ {
		row := src.Data[(r0+y)*src.N+c0 : (r0+y)*src.N+c0+p]
		for x, v := range row {
			dst[y*p+x] = scale * v
		}
	}
}
