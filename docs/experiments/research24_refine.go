//go:build ignore

// Experiment for issue #6 (session 24, refx): two questions on stkit
// separate --patch-refine (infer.RefineWithPatchPriors).
//
// Maps: BenchmarkSeparationQuality's cases (infer/separate_quality_test.go,
// sepQualityCase) at -size 64 or 128: s = I_1 subsampled (or -dust
// crop:ROW,COL, a native crop), d = s + white noise of σ_s (-case noise,
// PCG streams (i, 77 + -nseed), 20 samples) or + Quijote map -qmap scaled
// to σ_s (-case quijote, the 19 others as samples); -off adds a constant to
// d and every sample. The ST separation is `stkit separate d --noise|
// --contaminant samples -o o.npy [--pad crop]` (defaults; the binary
// -stkit), the refinement is done here step by step as
// RefineWithPatchPriors does it (6×6 priors, K 20, one refit round), before
// its final mean shift (refx24), in the variants (-variants):
//
//	full   the priors on the whole of s̃ and MatchBinnedSpectrum on the
//	       whole maps (RefineWithPatchPriors)
//	pI     the s priors on the interior window of s̃ (and of the round-1
//	       map) only (--pad crop's window, ⌊0.5·2^J⌋ pixels cut per side)
//	pIsI   pI, and the binned spectrum imposed on the interior window only
//	       (MatchBinnedSpectrum of the crops, pasted back; border as ŝ)
//
// Figures: infer.EvaluateSeparationWith (Interior = the cut with -pad crop):
// min r where P_c ≤ P_s, pixel correlation; the means (whole maps).
//
// Run from the repository root (/work/shared beside it):
//
//	go build -o /tmp/stkit ./cmd/stkit
//	go run docs/experiments/research24_refine.go -stkit /tmp/stkit -case noise -size 64 [-nseed 1] [-off 0.1]
//	go run docs/experiments/research24_refine.go -stkit /tmp/stkit -case quijote -size 128 [-qmap 1]
//	go run docs/experiments/research24_refine.go -stkit /tmp/stkit -case noise -size 128 -pad crop -dust crop:0,0 -variants full,pI,pIsI
//
// 1. The refined map's mean: |mean(refined) − mean(s)| against
// |mean(d) − m − mean(s)| (m the samples' mean pixel value, the plain
// separation's rule; variant full):
//
//	case                      refined    mean(d) − m
//	64² noise, nseed 0        0.000264   0.000362
//	64² noise, nseed 1        0.000777   0.000809
//	64² noise, off +0.1       0.000247   0.000362
//	64² Quijote map 00        0.00262    0.00287
//	64² Quijote map 01        0.00257    0.00144
//	64² Quijote, off +0.1     0.00262    0.00287
//	128² noise, nseed 0       0.000217   0.000485
//	128² noise, nseed 1       0.000498   0.00047
//	128² Quijote map 00       0.00225    0.00256
//	128² Quijote map 01       0.00185    0.00137
//	16² paired-noise test     0.0104     0.00023   (TestFixe23PatchRefinePairedNoise's case, truth mean 0)
//
// Over the eight distinct 64²/128² draws mean 0.0014 against 0.0013 (the
// patch map closer on five by ≤ 0.0003, the rule on three by up to 0.0011),
// and the rule far closer on the 16² case: RefineWithPatchPriors now ends
// with s̃'s mean (r and the pixel correlation are unchanged by the shift,
// measured identical to 4 decimals). On the four 128² crops below the patch
// map's was closer (0.000121/0.000133/0.000153/0.000337 against
// 0.000276/0.000267/0.000374/0.000404, by 0.00007–0.00022): over all
// twelve draws the mean error is 0.00098 against 0.00097.
//
// 2. --pad crop: priors and spectrum on the interior window (128² native
// crops of I_1 + white noise, cut 16, interior 96²; ST → full / pI / pIsI,
// min r on the interior, pixel correlation in brackets):
//
//	crop 0,0, nseed 0      0.904 → 0.9176 / 0.9175 / 0.9175  (0.975 / 0.975 / 0.975)
//	crop 0,0, nseed 1      0.854 → 0.8782 / 0.8774 / 0.8669  (0.971 / 0.970 / 0.971)
//	crop 256,256, nseed 0  0.860 → 0.8248 / 0.8331 / 0.8369  (0.966 / 0.967 / 0.963)
//	crop 0,256, nseed 1    0.908 → 0.9097 / 0.9095 / 0.9086  (0.956 / 0.954 / 0.952)
//
// The interior variants are better on one draw of four (crop 256,256, where
// every variant is below ST's min r), equal or worse on three: the
// refinement keeps fitting the whole of s̃. (Machine: the shared 2-core
// one, load 2–10; a 128² case 1–3 minutes.)

package main

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func shrink(x []float64, from, to int) []float64 {
	f := from / to
	out := make([]float64, to*to)
	for i := 0; i < to; i++ {
		for j := 0; j < to; j++ {
			out[i*to+j] = x[(i*f)*from+j*f]
		}
	}
	return out
}

func mapsOf(n int, xs ...[]float64) *stlayer.Maps {
	m := stlayer.NewMaps(len(xs), n, n)
	for i, x := range xs {
		copy(m.Map(i), x)
	}
	return m
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

func crop(x []float64, m, n, c int) []float64 {
	out := make([]float64, 0, (m-2*c)*(n-2*c))
	for i := c; i < m-c; i++ {
		out = append(out, x[i*n+c:i*n+n-c]...)
	}
	return out
}

func paste(x, in []float64, m, n, c int) {
	w := n - 2*c
	for i := c; i < m-c; i++ {
		copy(x[i*n+c:i*n+n-c], in[(i-c)*w:(i-c+1)*w])
	}
}

func main() {
	cs := flag.String("case", "noise", "noise or quijote")
	size := flag.Int("size", 64, "")
	off := flag.Float64("off", 0, "offset added to d and every sample")
	nseed := flag.Int("nseed", 0, "")
	qmap := flag.Int("qmap", 0, "")
	dust := flag.String("dust", "sub", "sub or crop:ROW,COL")
	pad := flag.String("pad", "", "'' or crop")
	variants := flag.String("variants", "full", "full,pI,pIsI")
	shared := flag.String("shared", "../shared", "the shared/ folder")
	stkit := flag.String("stkit", "/tmp/stkit", "the stkit binary (go build -o /tmp/stkit ./cmd/stkit)")
	flag.Parse()
	n := *size
	sh := *shared
	dm, err := datasets.ReadMaps(filepath.Join(sh, "data", "dust", "I_1.npy"))
	must(err)
	sv := shrink(dm.Map(0), 512, n)
	if strings.HasPrefix(*dust, "crop") {
		var y0, x0 int
		if _, xy, ok := strings.Cut(*dust, ":"); ok {
			fmt.Sscanf(xy, "%d,%d", &y0, &x0)
		}
		sv = make([]float64, n*n)
		for i := 0; i < n; i++ {
			copy(sv[i*n:(i+1)*n], dm.Map(0)[(y0+i)*512+x0:(y0+i)*512+x0+n])
		}
	}
	_, sdS, _, _ := infer.Moments(sv)
	var dv []float64
	var samp [][]float64
	switch *cs {
	case "quijote":
		var qs [][]float64
		for i := 0; i < 20; i++ {
			q, err := datasets.ReadMaps(filepath.Join(sh, "data", "quijote", fmt.Sprintf("logdensity_%02d.npy", i)))
			must(err)
			qs = append(qs, shrink(q.Map(0), 256, n))
		}
		_, sdQ, _, _ := infer.Moments(qs[*qmap])
		a := sdS / sdQ
		for _, q := range qs {
			for i := range q {
				q[i] *= a
			}
		}
		dv = make([]float64, n*n)
		for i := range dv {
			dv[i] = sv[i] + qs[*qmap][i]
		}
		samp = append(append([][]float64{}, qs[:*qmap]...), qs[*qmap+1:]...)
	case "noise":
		stream := 77 + uint64(*nseed)
		noise := func(seed uint64) []float64 {
			rng := rand.New(rand.NewPCG(seed, stream))
			x := make([]float64, n*n)
			for i := range x {
				x[i] = sdS * rng.NormFloat64()
			}
			return x
		}
		nv := noise(0)
		dv = make([]float64, n*n)
		for i := range dv {
			dv[i] = sv[i] + nv[i]
		}
		for i := 1; i <= 20; i++ {
			samp = append(samp, noise(uint64(i)))
		}
	}
	for i := range dv {
		dv[i] += *off
	}
	for _, x := range samp {
		for i := range x {
			x[i] += *off
		}
	}
	d, s, smp := mapsOf(n, dv), mapsOf(n, sv), mapsOf(n, samp...)
	dir, _ := os.MkdirTemp("", "refx")
	defer os.RemoveAll(dir)
	dp, spth, tp, op := filepath.Join(dir, "d.npy"), filepath.Join(dir, "c.npy"), filepath.Join(dir, "s.npy"), filepath.Join(dir, "o.npy")
	must(datasets.WriteMaps(dp, d))
	must(datasets.WriteMaps(spth, smp))
	must(datasets.WriteMaps(tp, s))
	flagName := "--contaminant"
	if *cs == "noise" {
		flagName = "--noise"
	}
	args := []string{"separate", dp, flagName, spth, "-o", op}
	if *pad != "" {
		args = append(args, "--pad", *pad)
	}
	exe := *stkit
	t0 := time.Now()
	cmd := exec.Command(exe, args...)
	outb, err := cmd.CombinedOutput()
	if err != nil {
		fmt.Println(string(outb))
		panic(err)
	}
	plain, err := datasets.ReadMaps(op)
	must(err)
	st := &stlayer.Maps{B: 1, M: n, N: n, Data: append([]float64(nil), plain.Map(0)...)}
	cut := 0
	if *pad == "crop" {
		j := 0
		for 1<<(j+1) <= n {
			j++
		}
		cut = int(math.Floor(0.5 * float64(int(1)<<(j-2))))
	}
	eo := infer.SepReportOptions{Interior: cut}
	m0, err := infer.EvaluateSeparationWith(d, st, smp, s, eo)
	must(err)
	md := mean(d.Data)
	mm := infer.SampleMean(smp)
	ms := mean(sv)
	fmt.Printf("case %s size %d off %g nseed %d qmap %d dust %s pad %q cut %d: sep %.1fs\n", *cs, n, *off, *nseed, *qmap, *dust, *pad, cut, time.Since(t0).Seconds())
	fmt.Printf("  ST: minr %.4f pix %.4f  mean(s) %.6g mean(st) %.6g mean(d)-m %.6g\n", m0.RMin, m0.PixelCorr, ms, mean(st.Data), md-mm)
	cp, err := infer.FitPatchPrior(smp, infer.PatchPriorOptions{})
	must(err)
	for _, v := range strings.Split(*variants, ",") {
		t1 := time.Now()
		var s1 []float64
		pi, si := v == "pI" || v == "pIsI", v == "pIsI"
		fitS := func(x []float64) *infer.PatchPrior {
			mp := &stlayer.Maps{B: 1, M: n, N: n, Data: x}
			if pi && cut > 0 {
				mp = &stlayer.Maps{B: 1, M: n - 2*cut, N: n - 2*cut, Data: crop(x, n, n, cut)}
			}
			p, err := infer.FitPatchPrior(mp, infer.PatchPriorOptions{})
			must(err)
			return p
		}
		sep := func(a *infer.PatchPrior) []float64 {
			o, err := infer.SeparateWithPatchPriors(d, a, cp, infer.PatchSepOptions{Stride: 1})
			must(err)
			x := o.Map(0)
			if si && cut > 0 {
				w := n - 2*cut
				y, err := infer.MatchBinnedSpectrum(crop(x, n, n, cut), crop(st.Data, n, n, cut), w, w)
				must(err)
				r := append([]float64(nil), x...)
				paste(r, y, n, n, cut)
				return r
			}
			y, err := infer.MatchBinnedSpectrum(x, st.Data, n, n)
			must(err)
			return y
		}
		s1 = sep(fitS(st.Data))
		s1 = sep(fitS(s1))
		rm := &stlayer.Maps{B: 1, M: n, N: n, Data: s1}
		m1, err := infer.EvaluateSeparationWith(d, rm, smp, s, eo)
		must(err)
		mr := mean(s1)
		// the same map shifted to mean(d) − m
		sh := make([]float64, len(s1))
		for i := range s1 {
			sh[i] = s1[i] - mr + md - mm
		}
		m2, err := infer.EvaluateSeparationWith(d, &stlayer.Maps{B: 1, M: n, N: n, Data: sh}, smp, s, eo)
		must(err)
		rmsErr := func(x []float64) float64 {
			e := 0.0
			for i := range x {
				e += (x[i] - sv[i]) * (x[i] - sv[i])
			}
			return math.Sqrt(e/float64(len(x))) / sdS
		}
		fmt.Printf("  %-5s minr %.4f pix %.4f (shifted: minr %.4f pix %.4f) mean(ref) %.6g |mean(ref)-mean(s)| %.3g |mean(d)-m-mean(s)| %.3g  rms/sd ref %.4f shifted %.4f  %.1fs\n",
			v, m1.RMin, m1.PixelCorr, m2.RMin, m2.PixelCorr, mr, math.Abs(mr-ms), math.Abs(md-mm-ms), rmsErr(s1), rmsErr(sh), time.Since(t1).Seconds())
	}
}
