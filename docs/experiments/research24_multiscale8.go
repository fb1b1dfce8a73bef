//go:build ignore

// Experiment for issue #8 target (b) (session 24, msp8): does a MULTI-SCALE
// patch prior lift the held-out learned-model separation
// (BenchmarkModelSeparationHeldOut, infer/modelsep_heldout_test.go) — the
// dust component's worst dominant bin is bin 1 or 2 (|k| 1.4–2.8 cycles per
// 64² map, wavelengths 23–45 px) in half the mixtures, scales a 6×6 patch
// cannot see (research23_robust.go)? ANSWER: no. No coarse level, no blend
// of one, and no joint fine + context prior gains; every one loses on
// both components, at the low-|k| bins it was meant to fix. Oracle-free:
// every prior is fitted on the training patches (ClusterPatches of
// /work/stkit-try/models2), never on a mixture or its truth.
//
// Commands (from the repository root; everything is cached in -cache, so a
// rerun only prints; the wall times below are at load 2–14 on 2 shared
// cores, nice 10):
//
//	go build -o /tmp/ms8 docs/experiments/research24_multiscale8.go
//	/tmp/ms8 -seeds 7,8 -levels 2:6,2:4,3:4,3:6,1:6,1:8 -alphas 1,0.5,0.25 \
//	    -joint 5:20,3:20,5:20:1:90000 -hybrid 2:1.41:2.83,2:2:4 -bins
//	/tmp/ms8 -seeds 7,8 -levels "" -joint 5:20:1:90000,5:20:1:200000 -hybrid 1:1.41:2.83 -bins
//	/tmp/ms8 -seeds 7 -levels 2:6 -oracle   # check of the band combination
//
// The mixtures are heldOutMixtures' (copied: dust I_1 × 10 from columns
// 384–511 + one of Quijote maps 04–19, 64², PCG(MIXSEED, 0x5e9)); the
// metrics are EvaluateModelSeparation's, as the benchmark prints them
// (worst r over the half-octave bins where the component holds ≥ 30 % of
// the power; pixel correlation). Baseline: SeparateWithPatchPriors with
// priors fitted by FitPatchPrior's defaults (6×6, K 20, stride 4, 8
// dihedral copies, 30000 rows) on ClusterPatches(0) and (1) (154 and 207
// patches), as heldOutPatchPriors fits them, here at e84afa7 (K 16 and 16
// after dead components were dropped; 54 s each). It reproduces the
// benchmark exactly: 0.776 / 0.805 (pixel 0.715 / 0.930) on seed 7,
// 0.728 / 0.766 on seed 8 — research23_robust.go's figures to the third
// decimal.
//
// Variants (one dust estimate a per mixture, Quijote = d − a as in
// SeparateWithPatchPriors):
//
// A. Coarse level q:P. Priors fitted (P×P, K 20, stride max(1, 4>>q),
// 8 copies) on the 2^q × 2^q block means of the same training patches (32²,
// 16², 8²); SeparateWithPatchPriors on the block means of the mixture;
// combined by Fourier band replacement: a = a_f + α·W(|k|)·s²·F⁻¹[(Ĉ −
// D̂a_f)/(G(k_x)G(k_y))], C the coarse estimate, D the block mean, G its
// transfer function, W 1 below k1, cos² to 0 at k2 (cycles per map) — the
// coarse level owns the low annulus (α = 1) or is blended in (α 0.5,
// 0.25). Check: with C the block means of the true dust (-oracle, not a
// result) the dust r is 1.000 in every bin below k1 (seed 7, q 2, 2–4:
// bins 0–2 0.895/0.812/0.709 → 1.000), so the combination is exact.
//
// B. Joint fine + context prior g:K. Each vector is a 6×6 patch and the
// g×g means of the 6×6 blocks centred on it (5×5: a 30×30 px window; 3×3:
// 18×18), zero-padded to a square and fitted with FitPatchPrior (NoAugment,
// the 8 copies made by hand on both parts; the maps padded by symmetric
// reflection at their edges, training and mixtures alike); separated with
// SeparateWithPatchPriors on the stacked vectors (Stride = the square's
// side: every vector its own patch), the 6×6 parts averaged per pixel.
// g = 1 (the patch's own mean: nothing new) gives the baseline back
// (+0.003 ± 0.010 / −0.000 ± 0.007, seed 7, 10 mixtures).
//
// C. Hybrid: the baseline below k1, joint prior 5:20 (90000 rows) above k2.
//
// Seeds 7 and 8, 60 mixtures: mean worst-bin r dust / Quijote (s.e.),
// pixel correlation, paired difference with the baseline (mean ± s.e.):
//
//	variant                       worst-bin r                   pixel          paired Δ worst-bin r
//	baseline 6×6 K 20             0.752 ± 0.017  0.785 ± 0.014  0.716 0.929
//	A q2 P6 band 2–4       α 1    0.673 ± 0.026  0.661 ± 0.034  0.692 0.923    −0.078 ± 0.016 / −0.125 ± 0.027
//	                       α 0.5  0.720          0.744          0.707 0.927    −0.032 ± 0.008 / −0.041 ± 0.012
//	                       α 0.25 0.739          0.772          0.712 0.929    −0.013 ± 0.003 / −0.013 ± 0.004
//	A q2 P6 band 4–8       α 1    0.662          0.643          0.682 0.918    −0.090 ± 0.016 / −0.143 ± 0.027
//	A q2 P4 band 2–4       α 1    0.679          0.673          0.690 0.923    −0.073 ± 0.013 / −0.112 ± 0.024
//	                       α 0.25 0.740          0.774          0.711 0.928    −0.012 ± 0.003 / −0.012 ± 0.003
//	A q3 P4 band 1.41–2.83 α 1    0.681          0.660          0.695 0.923    −0.071 ± 0.019 / −0.125 ± 0.032
//	A q3 P6 band 1.41–2.83 α 1    0.672          0.673          0.694 0.924    −0.080 ± 0.023 / −0.112 ± 0.028
//	                       α 0.25 0.745          0.768          0.712 0.929    −0.007 ± 0.002 / −0.018 ± 0.006
//	A q1 P6 band 4–8       α 1    0.669          0.672          0.685 0.919    −0.083 ± 0.015 / −0.113 ± 0.020
//	                       α 0.25 0.739          0.775          0.711 0.928    −0.013 ± 0.002 / −0.011 ± 0.003
//	A q1 P8 band 4–8       α 1    0.641          0.614          0.669 0.914    −0.111 ± 0.018 / −0.172 ± 0.031
//	B 5×5 K 20, 30000 rows        0.693 ± 0.023  0.693 ± 0.027  0.711 0.924    −0.059 ± 0.018 / −0.092 ± 0.024
//	B 3×3 K 20, 30000 rows        0.695 ± 0.023  0.695 ± 0.029  0.712 0.926    −0.057 ± 0.016 / −0.090 ± 0.025
//	B 5×5 K 20, 90000 rows        0.719 ± 0.021  0.731 ± 0.025  0.725 0.930    −0.032 ± 0.015 / −0.054 ± 0.021
//	B 5×5 K 20, 200000 rows       0.712 ± 0.021  0.715 ± 0.026  0.726 0.929    −0.040 ± 0.015 / −0.071 ± 0.022
//	C base < 1.41, B above 2.83   0.755 ± 0.017  0.779 ± 0.014  0.731 0.929    +0.003 ± 0.004 / −0.007 ± 0.003
//	C base < 2, B above 4         0.753 ± 0.017  0.781 ± 0.014  0.728 0.929    +0.001 ± 0.002 / −0.004 ± 0.002
//	C as the first, B 200000 rows 0.752 ± 0.017  0.777 ± 0.014  0.731 0.928    +0.000 ± 0.004 / −0.008 ± 0.003
//
// (the other bands of each level, α 1: within 0.02 of the rows shown, the
// band reaching higher |k| losing more; the command above prints them all.) No variant reaches the +0.015 on
// dust with Quijote not lower that would have sent it to seeds 9–12.
//
// Per bin (dust mean r, bins 0–5, |k| from 1, 1.41, 2, 2.83, 4, 5.66
// cycles per map; mean power fraction 0.68 0.57 0.44 0.34 0.25 0.19):
//
//	baseline                 0.893 0.804 0.714 0.669 0.622 0.568
//	A q2 P6 2–4, α 1         0.845 0.734 0.670 0.656 0.622 0.568
//	A q3 P6 1.41–2.83, α 1   0.846 0.722 0.692 0.669 0.622 0.568
//	B 5×5, 90000 rows        0.879 0.769 0.715 0.680 0.639 0.577
//	C base < 1.41, B > 2.83  0.893 0.804 0.721 0.680 0.639 0.577
//
// (Quijote, same order, bins 0–3: baseline 0.559 0.732 0.845 0.893; A q2
// 0.411 0.600 0.798 0.881; B 0.548 0.658 0.834 0.882; C 0.559 0.732 0.845
// 0.882.)
//
// What it says. A patch prior on block means separates the low |k| WORSE
// than the 6×6 prior at full resolution (dust bin 1: 0.72–0.75 against
// 0.804), and blending it in loses monotonically as its weight grows: the
// fine prior's large-scale estimate is not a blind spot but comes from the
// fine texture (which mixture components hold a patch decides how its
// mean is split), and averaging 2^q × 2^q blocks throws away exactly the
// small-scale Quijote texture that tells the two apart. Giving the 6×6
// patch its large-scale context inside one prior (B) loses too on these
// training sets: 61 dimensions fitted on 30000 rows keep K 8–9 of 20
// (dead components dropped); 90000 rows keep 17–19 and halve the loss
// (200000 rows, K 19 and 17, do not do better: −0.040 / −0.071), and
// help the dust at bins 3–5 (+0.009 to +0.017) and its pixel correlation
// (+0.010) but still lose its bins 0–1 and Quijote's bins 0–4. The hybrid
// C keeps the baseline's low bins and B's dust gains at bins 2–5, but B's
// Quijote loss at bin 3 comes with them: +0.003 ± 0.004 dust, −0.007 ±
// 0.003 Quijote (pixel +0.016 / 0.000). Not worth a library option: a
// joint prior is a 64-dim GMM (3.5–7.5 min to fit per component at 90000
// rows, against 54 s), its separation 3–4× the baseline's (114–152 s per
// 30 mixtures against 36–40 s).
//
// Wall times (load 2–14): coarse priors 16–20 s (8², 16² with 4×4), 36–51
// s (16², 32² with 6×6), 79–87 s (32² with 8×8; Quijote's kept K 2 of 20);
// joint priors 33 s (3×3), 144–148 s (5×5, 30000 rows), 207–448 s (90000
// rows), 498–564 s (200000 rows); separations per 30 mixtures: 6×6
// baseline 36–40 s, all six coarse levels 13–17 s, joint 42–52 s (3×3),
// 16–18 s (5×5, K 8–9), 114–152 s (5×5, 90000 rows), 70–81 s (200000 rows,
// at lower load).
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

var (
	flagModels = flag.String("models", "/work/stkit-try/models2", "exported model folder (its dataset gives the training patches)")
	flagData   = flag.String("data", "/work/shared/data", "shared data folder (dust/I_1.npy, quijote/)")
	flagCache  = flag.String("cache", "/tmp/s24/msp8/cache", "cache of priors and separations")
	flagSeeds  = flag.String("seeds", "7,8", "mixture draws (STKIT_MODELSEP_MIXSEED)")
	flagN      = flag.Int("n", 30, "mixtures per draw")
	flagLevels = flag.String("levels", "2:6", "coarse levels q:P (block mean 2^q, P×P priors), comma-separated")
	flagBands  = flag.String("bands", "", "low bands k1:k2 (cycles per map) for every level; default per level")
	flagBins   = flag.Bool("bins", false, "print mean r per bin")
	flagAlpha  = flag.String("alphas", "1,0.5", "weights of the coarse correction")
	flagHybrid = flag.String("hybrid", "", "hybrids i:k1:k2 (comma-separated): the baseline below k1 (cos² to k2), joint prior i (0-based in -joint) above")
	flagJoint  = flag.String("joint", "", "joint fine+context priors g:K[:stride[:rows]] (6×6 pixels + g×g means of 6×6 blocks centred on them; stride of the separation, default 1; training rows, default 30000), comma-separated")
	flagOracle = flag.Bool("oracle", false, "check only: the coarse estimate replaced by the block means of the true dust")
)

const p = 64 // mixture size

func main() {
	flag.Parse()
	if err := os.MkdirAll(*flagCache, 0o755); err != nil {
		fail(err)
	}
	ms, err := infer.LoadModels(*flagModels)
	fail(err)
	var tr [2]*stlayer.Maps
	for k := 0; k < 2; k++ {
		tr[k], err = ms.ClusterPatches(k, "", 0)
		fail(err)
	}
	type level struct{ q, P int }
	levels := []level{}
	for _, s := range strings.Split(*flagLevels, ",") {
		if s == "" {
			continue
		}
		var l level
		_, err := fmt.Sscanf(s, "%d:%d", &l.q, &l.P)
		fail(err)
		levels = append(levels, l)
	}
	// priors: level 0 = the benchmark's (FitPatchPrior's defaults on
	// ClusterPatches), coarse levels on the block means of the same patches
	prior := func(q, P int) [2]*infer.PatchPrior {
		var out [2]*infer.PatchPrior
		for k := 0; k < 2; k++ {
			path := filepath.Join(*flagCache, fmt.Sprintf("pp_q%d_P%d_c%d.npz", q, P, k))
			if pp, err := infer.LoadPatchPrior(path); err == nil {
				out[k] = pp
				continue
			}
			opt := infer.PatchPriorOptions{}
			if q > 0 {
				opt = infer.PatchPriorOptions{P: P, Stride: max(1, 4>>q)}
			}
			t := time.Now()
			pp, err := infer.FitPatchPrior(blockMean(tr[k], q), opt)
			fail(err)
			fmt.Printf("prior q=%d P=%d component %d: %d maps of %d², K %d, %.1f s\n", q, P, k, tr[k].B, p>>q, pp.K, time.Since(t).Seconds())
			fail(pp.Save(path))
			out[k] = pp
		}
		return out
	}
	base := prior(0, 6)
	coarse := make([][2]*infer.PatchPrior, len(levels))
	for i, l := range levels {
		coarse[i] = prior(l.q, l.P)
	}
	dust, err := datasets.ReadMaps(filepath.Join(*flagData, "dust/I_1.npy"))
	fail(err)
	qmaps := map[int]*stlayer.Maps{}
	quijote := func(q int) *stlayer.Maps {
		if qmaps[q] == nil {
			m, err := datasets.ReadMaps(filepath.Join(*flagData, fmt.Sprintf("quijote/logdensity_%02d.npy", q)))
			fail(err)
			qmaps[q] = m
		}
		return qmaps[q]
	}
	// variants: name → per mixture dust estimate
	type variant struct {
		name  string
		level int // index into levels, −1 baseline
		k1    float64
		k2    float64
		alpha float64
	}
	vars := []variant{{name: "baseline q0 P6", level: -1}}
	for i, l := range levels {
		bands := defaultBands(l.q)
		if *flagBands != "" {
			bands = nil
			for _, s := range strings.Split(*flagBands, ",") {
				var a, b float64
				_, err := fmt.Sscanf(s, "%g:%g", &a, &b)
				fail(err)
				bands = append(bands, [2]float64{a, b})
			}
		}
		for _, b := range bands {
			for _, as := range strings.Split(*flagAlpha, ",") {
				al, err := strconv.ParseFloat(as, 64)
				fail(err)
				vars = append(vars, variant{name: fmt.Sprintf("q%d P%d %.2f–%.2f α%.2f", l.q, l.P, b[0], b[1], al), level: i, k1: b[0], k2: b[1], alpha: al})
			}
		}
	}
	type jspec struct{ g, K, stride, rows int }
	var joints []jspec
	for _, js := range strings.Split(*flagJoint, ",") {
		if js == "" {
			continue
		}
		j := jspec{stride: 1, rows: 30000}
		f := strings.Split(js, ":")
		j.g, _ = strconv.Atoi(f[0])
		j.K, _ = strconv.Atoi(f[1])
		if len(f) > 2 {
			j.stride, _ = strconv.Atoi(f[2])
		}
		if len(f) > 3 {
			j.rows, _ = strconv.Atoi(f[3])
		}
		joints = append(joints, j)
		vars = append(vars, variant{name: fmt.Sprintf("joint 6x6+%dx%d K%d s%d r%dk", j.g, j.g, j.K, j.stride, j.rows/1000), level: -2 - (len(joints) - 1)})
	}
	type hspec struct {
		j      int
		k1, k2 float64
	}
	var hybrids []hspec
	for _, hs := range strings.Split(*flagHybrid, ",") {
		if hs == "" {
			continue
		}
		var h hspec
		_, err := fmt.Sscanf(strings.ReplaceAll(hs, ":", " "), "%d %g %g", &h.j, &h.k1, &h.k2)
		fail(err)
		hybrids = append(hybrids, h)
		vars = append(vars, variant{name: fmt.Sprintf("hybrid %.2f–%.2f joint %d", h.k1, h.k2, h.j), level: -1000 - (len(hybrids) - 1)})
	}
	jpriors := make([][2]*infer.PatchPrior, len(joints))
	for i, j := range joints {
		for k := 0; k < 2; k++ {
			path := filepath.Join(*flagCache, jointName("pp_joint", j.g, j.K, j.rows)+fmt.Sprintf("_c%d.npz", k))
			if pp, err := infer.LoadPatchPrior(path); err == nil {
				jpriors[i][k] = pp
				continue
			}
			t := time.Now()
			rows := jointTrainingRows(tr[k], j.g, j.rows, 1)
			pp, err := infer.FitPatchPrior(rows, infer.PatchPriorOptions{P: rows.M, K: j.K, NoAugment: true, MaxRows: j.rows})
			fail(err)
			fmt.Printf("joint prior g=%d K=%d component %d: %d rows of %d dims, K %d, %.1f s\n", j.g, j.K, k, rows.B, rows.M*rows.M, pp.K, time.Since(t).Seconds())
			fail(pp.Save(path))
			jpriors[i][k] = pp
		}
	}
	nv := len(vars)
	// per variant, per component: worst-bin r and pixel corr per mixture (all seeds)
	wr := make([][2][]float64, nv)
	pc := make([][2][]float64, nv)
	var binR [][2][]float64
	binR = make([][2][]float64, nv)
	var binF [2][]float64
	nmix := 0
	for _, ss := range strings.Split(*flagSeeds, ",") {
		seed, err := strconv.Atoi(ss)
		fail(err)
		datas, truths := mixtures(dust, quijote, *flagN, seed)
		t0 := time.Now()
		fine := cachedSeps(fmt.Sprintf("sep_s%d_n%d_q0_P6.bin", seed, *flagN), datas, 0, base)
		tf := time.Since(t0)
		co := make([][][]float64, len(levels))
		for i, l := range levels {
			co[i] = cachedSeps(fmt.Sprintf("sep_s%d_n%d_q%d_P%d.bin", seed, *flagN, l.q, l.P), datas, l.q, coarse[i])
		}
		jo := make([][][]float64, len(joints))
		for i, j := range joints {
			tj := time.Now()
			jo[i] = cachedJointSeps(fmt.Sprintf("sepjoint_s%d_n%d_st%d_", seed, *flagN, j.stride)+jointName("", j.g, j.K, j.rows)+".bin", datas, j.g, j.stride, jpriors[i])
			fmt.Printf("seed %d: joint g=%d K=%d separations %.1f s\n", seed, j.g, j.K, time.Since(tj).Seconds())
		}
		fmt.Printf("seed %d: separations %.1f s (fine), %.1f s (all)\n", seed, tf.Seconds(), time.Since(t0).Seconds())
		sw := make([][2]float64, nv)
		for i := range datas {
			for v, va := range vars {
				a := fine[i]
				if va.level <= -1000 {
					h := hybrids[-1000-va.level]
					a = lowpassMix(jo[h.j][i], fine[i], h.k1, h.k2)
				} else if va.level <= -2 {
					a = jo[-2-va.level][i]
				} else if va.level >= 0 && *flagOracle {
					a = combine(fine[i], blockMean(&stlayer.Maps{B: 1, M: p, N: p, Data: truths[i].Map(0)}, levels[va.level].q).Data, levels[va.level].q, va.k1, va.k2, va.alpha)
				} else if va.level >= 0 {
					a = combine(fine[i], co[va.level][i], levels[va.level].q, va.k1, va.k2, va.alpha)
				}
				est := stlayer.NewMaps(2, p, p)
				copy(est.Map(0), a)
				for j := range a {
					est.Data[p*p+j] = datas[i].Data[j] - a[j]
				}
				m, err := infer.EvaluateModelSeparation(est, truths[i], []string{"dust", "quijote"})
				fail(err)
				for c := 0; c < 2; c++ {
					wr[v][c] = append(wr[v][c], m[c].RMinDominant)
					pc[v][c] = append(pc[v][c], m[c].PixelCorr)
					sw[v][c] += m[c].RMinDominant / float64(len(datas))
					if binR[v][c] == nil {
						binR[v][c] = make([]float64, len(m[c].R))
						if v == 0 {
							binF[c] = make([]float64, len(m[c].R))
						}
					}
					for b := range m[c].R {
						binR[v][c][b] += m[c].R[b]
						if v == 0 {
							binF[c][b] += m[c].PowerFraction[b]
						}
					}
				}
			}
		}
		nmix += len(datas)
		for v, va := range vars {
			fmt.Printf("seed %d  %-30s worst-bin r %.3f %.3f\n", seed, va.name, sw[v][0], sw[v][1])
		}
	}
	fmt.Printf("\nall %d mixtures (seeds %s): mean worst-bin r dust, Quijote (s.e.); pixel corr; paired difference with the baseline (mean ± s.e.)\n", nmix, *flagSeeds)
	for v, va := range vars {
		fmt.Printf("%-30s %.3f ± %.3f  %.3f ± %.3f   pix %.3f %.3f", va.name, mean(wr[v][0]), se(wr[v][0]), mean(wr[v][1]), se(wr[v][1]), mean(pc[v][0]), mean(pc[v][1]))
		if v > 0 {
			d0, d1 := diff(wr[v][0], wr[0][0]), diff(wr[v][1], wr[0][1])
			fmt.Printf("   Δ %+.3f ± %.3f / %+.3f ± %.3f  (pix %+.3f %+.3f)", mean(d0), se(d0), mean(d1), se(d1), mean(diff(pc[v][0], pc[0][0])), mean(diff(pc[v][1], pc[0][1])))
		}
		fmt.Println()
	}
	if *flagBins {
		for c, name := range []string{"dust", "quijote"} {
			fmt.Printf("\n%s per bin (mean power fraction; mean r per variant)\n", name)
			for b := range binF[c] {
				fmt.Printf("bin %d  f %.2f ", b, binF[c][b]/float64(nmix))
				for v := range vars {
					fmt.Printf(" %.3f", binR[v][c][b]/float64(nmix))
				}
				fmt.Println()
			}
		}
	}
}

func defaultBands(q int) [][2]float64 {
	switch q {
	case 1:
		return [][2]float64{{4, 8}, {5.66, 11.31}, {8, 16}}
	case 2:
		return [][2]float64{{2, 4}, {2.83, 5.66}, {4, 8}}
	default:
		return [][2]float64{{1.41, 2.83}, {2, 4}}
	}
}

// mixtures reproduces heldOutMixtures (infer/modelsep_heldout_test.go) for
// 64² mixtures and draw seed.
func mixtures(dust *stlayer.Maps, quijote func(int) *stlayer.Maps, n, seed int) (data, truth []*stlayer.Maps) {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5e9))
	for i := 0; i < n; i++ {
		dr, dc := rng.IntN(dust.M-p+1), 384+rng.IntN(512-384-p+1)
		q := 4 + rng.IntN(16)
		qr, qc := rng.IntN(256-p+1), rng.IntN(256-p+1)
		tr := stlayer.NewMaps(2, p, p)
		cropInto(tr.Map(0), dust, dr, dc, p, 10)
		cropInto(tr.Map(1), quijote(q), qr, qc, p, 1)
		d := stlayer.NewMaps(1, p, p)
		for j := range d.Data {
			d.Data[j] = tr.Data[j] + tr.Data[p*p+j]
		}
		data, truth = append(data, d), append(truth, tr)
	}
	return data, truth
}

func cropInto(dst []float64, src *stlayer.Maps, r0, c0, p int, scale float64) {
	for y := 0; y < p; y++ {
		row := src.Data[(r0+y)*src.N+c0 : (r0+y)*src.N+c0+p]
		for x, v := range row {
			dst[y*p+x] = scale * v
		}
	}
}

// blockMean returns the means of the 2^q × 2^q blocks of every map.
func blockMean(m *stlayer.Maps, q int) *stlayer.Maps {
	if q == 0 {
		return m
	}
	s := 1 << q
	out := stlayer.NewMaps(m.B, m.M/s, m.N/s)
	for b := 0; b < m.B; b++ {
		src, dst := m.Map(b), out.Map(b)
		for i := 0; i < out.M*s; i++ {
			for j := 0; j < out.N*s; j++ {
				dst[(i/s)*out.N+j/s] += src[i*m.N+j] / float64(s*s)
			}
		}
	}
	return out
}

// cachedSeps returns the dust estimate (map 0 of SeparateWithPatchPriors
// on the block means at level q) of every mixture, cached in name.
func cachedSeps(name string, datas []*stlayer.Maps, q int, pp [2]*infer.PatchPrior) [][]float64 {
	m := p >> q
	path := filepath.Join(*flagCache, name)
	out := make([][]float64, len(datas))
	if b, err := os.ReadFile(path); err == nil && len(b) == 8*m*m*len(datas) {
		for i := range out {
			out[i] = make([]float64, m*m)
			for j := range out[i] {
				out[i][j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*(i*m*m+j):]))
			}
		}
		return out
	}
	buf := make([]byte, 0, 8*m*m*len(datas))
	for i, d := range datas {
		est, err := infer.SeparateWithPatchPriors(blockMean(d, q), pp[0], pp[1], infer.PatchSepOptions{})
		fail(err)
		out[i] = append([]float64(nil), est.Map(0)...)
		for _, v := range out[i] {
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
		}
	}
	fail(os.WriteFile(path, buf, 0o644))
	return out
}

// combine returns a_f + the correction of its low band from the coarse
// estimate a_c (level q): in Fourier, s²·(Ĉ − D̂a_f)(k)/(G(k_x)G(k_y))·W(|k|),
// G the block mean's transfer function, W 1 below k1, cos² to 0 at k2.
func combine(af, ac []float64, q int, k1, k2, alpha float64) []float64 {
	s := 1 << q
	nc := p / s
	dc := blockMean(&stlayer.Maps{B: 1, M: p, N: p, Data: af}, q).Data
	diffc := make([]float64, nc*nc)
	for i := range diffc {
		diffc[i] = ac[i] - dc[i]
	}
	F := dft2(diffc, nc, -1)
	G := func(k int) complex128 {
		var g complex128
		for j := 0; j < s; j++ {
			g += cmplx.Exp(complex(0, 2*math.Pi*float64(k*j)/float64(p)))
		}
		return g / complex(float64(s), 0)
	}
	full := make([]complex128, p*p)
	for u := 0; u < nc; u++ {
		ku := freq(u, nc)
		for v := 0; v < nc; v++ {
			kv := freq(v, nc)
			if 2*abs(ku) >= nc || 2*abs(kv) >= nc {
				continue // Nyquist: left out
			}
			k := math.Hypot(float64(ku), float64(kv))
			w := 0.0
			switch {
			case k <= k1:
				w = 1
			case k < k2:
				c := math.Cos(0.5 * math.Pi * (k - k1) / (k2 - k1))
				w = c * c
			}
			if w == 0 {
				continue
			}
			full[((ku+p)%p)*p+(kv+p)%p] = F[u*nc+v] * complex(alpha*w*float64(s*s), 0) / (G(ku) * G(kv))
		}
	}
	x := dft2c(full, p, +1)
	out := make([]float64, p*p)
	for i := range out {
		out[i] = af[i] + real(x[i])/float64(p*p)
	}
	return out
}

func freq(i, n int) int {
	if i < (n+1)/2 {
		return i
	}
	return i - n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func dft2(x []float64, n int, sign float64) []complex128 {
	c := make([]complex128, len(x))
	for i, v := range x {
		c[i] = complex(v, 0)
	}
	return dft2c(c, n, sign)
}

// dft2c is the unnormalised n×n DFT with exp(sign·2πi…).
func dft2c(x []complex128, n int, sign float64) []complex128 {
	w := make([]complex128, n)
	for i := range w {
		w[i] = cmplx.Exp(complex(0, sign*2*math.Pi*float64(i)/float64(n)))
	}
	tmp := make([]complex128, n*n)
	for r := 0; r < n; r++ {
		for k := 0; k < n; k++ {
			var s complex128
			for j := 0; j < n; j++ {
				s += x[r*n+j] * w[(k*j)%n]
			}
			tmp[r*n+k] = s
		}
	}
	out := make([]complex128, n*n)
	for c := 0; c < n; c++ {
		for k := 0; k < n; k++ {
			var s complex128
			for j := 0; j < n; j++ {
				s += tmp[j*n+c] * w[(k*j)%n]
			}
			out[k*n+c] = s
		}
	}
	return out
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func se(x []float64) float64 {
	m := mean(x)
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	n := float64(len(x))
	return math.Sqrt(ss / (n - 1) / n)
}

func diff(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

func fail(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// jointSide is the side of the square "map" holding a packed joint vector
// (36 pixels + g² block means, zero-padded).
func jointSide(g int) int {
	d := 36 + g*g
	s := int(math.Ceil(math.Sqrt(float64(d))))
	return s
}

// padSym pads the n×n map x by w on every side (symmetric reflection).
func padSym(x []float64, n, w int) []float64 {
	m := n + 2*w
	out := make([]float64, m*m)
	ref := func(i int) int {
		for i < 0 || i >= n {
			if i < 0 {
				i = -i - 1
			}
			if i >= n {
				i = 2*n - i - 1
			}
		}
		return i
	}
	for i := 0; i < m; i++ {
		for j := 0; j < m; j++ {
			out[i*m+j] = x[ref(i-w)*n+ref(j-w)]
		}
	}
	return out
}

// jointVector packs the 6×6 patch at (r, c) of the padded map xp (side m,
// padding w = 6·(g/2)) and the g×g means of the 6×6 blocks centred on it,
// under the dihedral transform t, into dst (side² values, zero-padded).
func jointVector(xp []float64, m, r, c, g, t int, dst []float64) {
	w := 6 * (g / 2)
	for i := range dst {
		dst[i] = 0
	}
	fine := make([]float64, 36)
	for i := 0; i < 6; i++ {
		for j := 0; j < 6; j++ {
			fine[i*6+j] = xp[(r+w+i)*m+c+w+j]
		}
	}
	co := make([]float64, g*g)
	for bi := 0; bi < g; bi++ {
		for bj := 0; bj < g; bj++ {
			s := 0.0
			for i := 0; i < 6; i++ {
				for j := 0; j < 6; j++ {
					s += xp[(r+6*bi+i)*m+c+6*bj+j]
				}
			}
			co[bi*g+bj] = s / 36
		}
	}
	copy(dst, dihedral(fine, 6, t))
	copy(dst[36:], dihedral(co, g, t))
}

// dihedral is infer's dihedralPatch (the t-th rotation/flip of a p×p patch).
func dihedral(x []float64, p, t int) []float64 {
	out := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			a, b := i, j
			if t&4 != 0 {
				b = p - 1 - b
			}
			switch t & 3 {
			case 1:
				a, b = b, p-1-a
			case 2:
				a, b = p-1-a, p-1-b
			case 3:
				a, b = p-1-b, a
			}
			out[i*p+j] = x[a*p+b]
		}
	}
	return out
}

// jointTrainingRows cuts the joint vectors of every training map (6×6
// patches at stride 4, the last flush with the edge, 8 dihedral copies), a
// seeded random subset of maxN, as maps of side×side.
func jointTrainingRows(maps *stlayer.Maps, g, maxN int, seed uint64) *stlayer.Maps {
	var or []int
	for v := 0; v+6 <= maps.M; v += 4 {
		or = append(or, v)
	}
	if or[len(or)-1] != maps.M-6 {
		or = append(or, maps.M-6)
	}
	per := len(or) * len(or) * 8
	total := maps.B * per
	idx := rand.New(rand.NewPCG(seed, 0x7a1)).Perm(total)
	if len(idx) > maxN {
		idx = idx[:maxN]
	}
	side := jointSide(g)
	w := 6 * (g / 2)
	padded := make([][]float64, maps.B)
	out := stlayer.NewMaps(len(idx), side, side)
	for i, r := range idx {
		b, rest := r/per, r%per
		o, t := rest/8, rest%8
		if padded[b] == nil {
			padded[b] = padSym(maps.Map(b), maps.M, w)
		}
		jointVector(padded[b], maps.M+2*w, or[o/len(or)], or[o%len(or)], g, t, out.Map(i))
	}
	return out
}

// cachedJointSeps separates every mixture with the joint priors: the
// posterior means of the packed vectors at every 6×6 patch (stride), their
// 6×6 parts averaged per pixel (the dust estimate), cached in name.
func cachedJointSeps(name string, datas []*stlayer.Maps, g, stride int, pp [2]*infer.PatchPrior) [][]float64 {
	path := filepath.Join(*flagCache, name)
	out := make([][]float64, len(datas))
	if b, err := os.ReadFile(path); err == nil && len(b) == 8*p*p*len(datas) {
		for i := range out {
			out[i] = make([]float64, p*p)
			for j := range out[i] {
				out[i][j] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*(i*p*p+j):]))
			}
		}
		return out
	}
	side := jointSide(g)
	w := 6 * (g / 2)
	var or []int
	for v := 0; v+6 <= p; v += stride {
		or = append(or, v)
	}
	if or[len(or)-1] != p-6 {
		or = append(or, p-6)
	}
	buf := make([]byte, 0, 8*p*p*len(datas))
	for i, d := range datas {
		xp := padSym(d.Data, p, w)
		np := len(or) * len(or)
		tall := stlayer.NewMaps(1, np*side, side)
		for a, r := range or {
			for b, c := range or {
				jointVector(xp, p+2*w, r, c, g, 0, tall.Data[(a*len(or)+b)*side*side:(a*len(or)+b+1)*side*side])
			}
		}
		est, err := infer.SeparateWithPatchPriors(tall, pp[0], pp[1], infer.PatchSepOptions{Stride: side})
		fail(err)
		sum, cnt := make([]float64, p*p), make([]float64, p*p)
		for a, r := range or {
			for b, c := range or {
				v := est.Data[(a*len(or)+b)*side*side:]
				for u := 0; u < 6; u++ {
					for x := 0; x < 6; x++ {
						sum[(r+u)*p+c+x] += v[u*6+x]
						cnt[(r+u)*p+c+x]++
					}
				}
			}
		}
		out[i] = make([]float64, p*p)
		for j := range sum {
			out[i][j] = sum[j] / cnt[j]
			buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(out[i][j]))
		}
	}
	fail(os.WriteFile(path, buf, 0o644))
	return out
}

// jointName names a joint prior's cache files (rows 30000: the names of
// the first runs).
func jointName(pre string, g, K, rows int) string {
	s := fmt.Sprintf("%s_g%d_K%d", pre, g, K)
	if rows != 30000 {
		s += fmt.Sprintf("_r%d", rows)
	}
	return s
}

// lowpassMix returns hi + L(lo − hi): lo's Fourier modes below k1 (cycles
// per map), hi's above k2, a cos² between.
func lowpassMix(hi, lo []float64, k1, k2 float64) []float64 {
	d := make([]float64, p*p)
	for i := range d {
		d[i] = lo[i] - hi[i]
	}
	F := dft2(d, p, -1)
	for u := 0; u < p; u++ {
		for v := 0; v < p; v++ {
			k := math.Hypot(float64(freq(u, p)), float64(freq(v, p)))
			w := 0.0
			switch {
			case k <= k1:
				w = 1
			case k < k2:
				c := math.Cos(0.5 * math.Pi * (k - k1) / (k2 - k1))
				w = c * c
			}
			F[u*p+v] *= complex(w/float64(p*p), 0)
		}
	}
	x := dft2c(F, p, +1)
	out := make([]float64, p*p)
	for i := range out {
		out[i] = hi[i] + real(x[i])
	}
	return out
}
