package infer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// SampleCheck is one check of a sample report (SampleReport) against the
// component's training patches: Name says what is compared, Value the
// samples' figure, Limit the bound a perfect sampler of the cluster stays
// within, Pass whether the figure is within it, Fitted whether a term of
// the sampling loss matched the figure (its agreement is then no
// independent validation) and Detail the figures in words.
type SampleCheck struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Limit  float64 `json:"limit"`
	Pass   bool    `json:"pass"`
	Fitted bool    `json:"fitted,omitempty"`
	Detail string  `json:"detail"`
}

// SampleChecks is every check of a sample report with the overall verdict
// (metrics.json settings.sample_checks): Within is true when every check
// passes, Verdict says it in words ("within the sampling noise on all 9
// checks" or "outside: 2 of 9 checks fail (Minkowski functionals,
// skewness)"), Advice what to try when a check fails and Notes what the
// checks leave out (the samples' pixel range against the patches').
//
// The checks, each against what as many real training patches score (the
// tiles are compared with the pooled patches):
//   - the spectrum in the bins k ≥ 2, arithmetic and geometric mean
//     (settings ps_verdict, PSVerdict);
//   - the spectrum in the bins below k = 2 that those leave out (4 modes
//     each on a square patch): max |ratio − 1| of the mean spectra against
//     the 90th percentile of that of n real patches against the others;
//   - W1 of the tiles' histograms against the pooled patches, against the
//     90th percentile of the mean W1 of n real patches (each against the
//     pool of the others);
//   - the mean, std, skewness and excess kurtosis of each tile against the
//     5–95 % range of the patches': failed when so many tiles lie beyond
//     the range on one side that n real patches would do so with a
//     probability below 1 % (binomial, 5 % a side: 2 of 2, 3 of 4, 3 of 8;
//     one tile cannot fail it), or when, with ≥ 40 patches, the tiles lie
//     in a gap of the patches' values (at most 1 % of the patches, or one,
//     within 10 % of the 5–95 % range of them, ≥ 20 % on either side:
//     personavae's mixed cluster, tiles' mean 0.032, 35 patches
//     below 0.021, 16 above 0.045, one between);
//   - the Minkowski functionals' largest deviation in standard errors
//     (ValidationMetrics.MFMaxStdErr) against its 90th percentile for n
//     real patches against the others.
//
// Before, stkit sample's verdict was that of the spectrum alone: "within
// the sampling noise" for samples whose skewness lay below 95 % of the
// patches' and whose Minkowski functionals were 8.8 or 16.6 standard
// errors off (personavae's report, items 3 and 4).
type SampleChecks struct {
	Checks  []SampleCheck `json:"checks"`
	Within  bool          `json:"within"`
	Verdict string        `json:"verdict"`
	Advice  []string      `json:"advice,omitempty"`
	Notes   []string      `json:"notes,omitempty"`
}

// Failed returns the names of the checks that fail.
func (c SampleChecks) Failed() []string {
	var out []string
	for _, k := range c.Checks {
		if !k.Pass {
			out = append(out, k.Name)
		}
	}
	return out
}

// Lines returns the checks as lines for a terminal: one per check ("pass"
// or "FAIL", the figures), the notes, then "verdict: …" and, when a check
// fails, one "try: …" line per advice.
func (c SampleChecks) Lines() []string {
	var out []string
	for _, k := range c.Checks {
		mark := "pass"
		if !k.Pass {
			mark = "FAIL"
		}
		fit := ""
		if k.Fitted {
			fit = " (fitted: a term of the loss matched it)"
		}
		out = append(out, fmt.Sprintf("check %s: %s: %s%s", k.Name, mark, k.Detail, fit))
	}
	for _, n := range c.Notes {
		out = append(out, "note: "+n)
	}
	out = append(out, "verdict: "+c.Verdict)
	for _, a := range c.Advice {
		out = append(out, "try: "+a)
	}
	return out
}

// sampleCheckDraws is the number of random draws of each yardstick.
const sampleCheckDraws = 200

// newSampleChecks computes the SampleChecks of the tiles against the
// training patches from the report's ValidationMetrics vm and settings
// (ps_verdict, box). interior is ValidateOptions.Interior (the pixel
// figures' window).
func newSampleChecks(vm *ValidationMetrics, tiles, patches *stlayer.Maps, interior int, settings map[string]any) SampleChecks {
	var sc SampleChecks
	nt, np := tiles.B, patches.B
	psFitted := vm.Checks != nil && vm.Checks.PowerSpectrum == CheckFitted
	rng := rand.New(rand.NewPCG(1, 0x5a3c))
	what := fmt.Sprintf("%d real patches", nt)
	if nt == 1 {
		what = "one real patch"
	}
	// 1. the spectrum, bins k ≥ 2 (ps_verdict)
	if v, ok := settings["ps_verdict"].(map[string]PSVerdict); ok {
		for _, kind := range []struct{ key, name string }{{"arithmetic_mean", "spectrum k ≥ 2, mean PS"}, {"geometric_mean", "spectrum k ≥ 2, geometric-mean PS"}} {
			pv, ok := v[kind.key]
			if !ok {
				continue
			}
			sc.Checks = append(sc.Checks, SampleCheck{Name: kind.name, Value: pv.Value, Limit: pv.P90, Pass: pv.Within, Fitted: psFitted,
				Detail: fmt.Sprintf("max |ratio−1| %.3g vs %.3g, the 90th percentile of %s against the others", pv.Value, pv.P90, what)})
		}
	}
	// 2. the bins below k = 2
	if c, ok := lowBinCheck(vm, patches, nt, what, rng); ok {
		c.Fitted = psFitted
		sc.Checks = append(sc.Checks, c)
	}
	// the pixel figures' maps: the window of a --pad crop statistic
	win, err := interiorWindow(interior, patches.M, patches.N, "interior")
	if err != nil {
		win = nil
	}
	tpx, spx := cropMaps(patches, win), cropMaps(tiles, win)
	mu, sd, _, _ := Moments(tpx.Data)
	// 3. W1
	if nt >= 1 && np >= 2 && sd > 0 {
		loo := leaveOneOutW1Each(sampleMapSlices(tpx), 64)
		for i := range loo {
			loo[i] /= sd
		}
		p90 := meanOfDrawsP90(loo, nt, rng)
		sc.Checks = append(sc.Checks, SampleCheck{Name: "W1 of the histograms", Value: vm.W1Mean, Limit: p90, Pass: vm.W1Mean <= p90,
			Detail: fmt.Sprintf("mean W1 %.3g σ of the tiles against the pooled patches vs %.3g σ, the 90th percentile of the mean of %s against the pool of the others", vm.W1Mean, p90, what)})
	}
	// 4. the moments of each tile against the patches' 5–95 % range
	if len(vm.Moments) == nt && len(vm.MomentsTgt) >= 2 {
		need := binomialTailCount(nt, 0.05, 0.01)
		for m, name := range []string{"pixel mean", "pixel std", "skewness", "excess kurtosis"} {
			var tv, pv []float64
			for _, x := range vm.Moments {
				tv = append(tv, x[m])
			}
			for _, x := range vm.MomentsTgt {
				pv = append(pv, x[m])
			}
			sort.Float64s(pv)
			lo, hi, med := quantileSorted(pv, 0.05), quantileSorted(pv, 0.95), quantileSorted(pv, 0.5)
			below, above := 0, 0
			for _, v := range tv {
				if v < lo {
					below++
				} else if v > hi {
					above++
				}
			}
			out := max(below, above)
			side := "below"
			if above > below {
				side = "above"
			}
			pass := need > nt || out < need
			rule := fmt.Sprintf("fails at %d of %d on one side", need, nt)
			if need > nt {
				rule = fmt.Sprintf("%d tile(s) cannot fail this check", nt)
			}
			tmin, tmax := slices.Min(tv), slices.Max(tv)
			d := fmt.Sprintf("tiles %.3g to %.3g vs the patches' 5–95 %% range %.3g to %.3g (median %.3g): %d of %d %s it (%s)",
				tmin, tmax, lo, hi, med, out, nt, side, rule)
			// a gap: inside the range, but where no patch is (a cluster of
			// two populations, the samples between them)
			if pass && len(pv) >= 40 && hi > lo {
				w := 0.1 * (hi - lo)
				nb, na, nin := 0, 0, 0
				for _, x := range pv {
					switch {
					case x < tmin-w:
						nb++
					case x > tmax+w:
						na++
					default:
						nin++
					}
				}
				if nin <= max(1, len(pv)/100) && nb*5 >= len(pv) && na*5 >= len(pv) {
					pass = false
					d += fmt.Sprintf("; but in a gap of the patches' values: %d of the %d patches lie below %.3g, %d above %.3g, %d between (a cluster of two populations, the samples between them)",
						nb, len(pv), tmin-w, na, tmax+w, nin)
				}
			}
			v := tmin
			if side == "above" {
				v = tmax
			}
			lim := lo
			if side == "above" {
				lim = hi
			}
			sc.Checks = append(sc.Checks, SampleCheck{Name: name, Value: v, Limit: lim, Pass: pass, Detail: d})
		}
	}
	// 5. the Minkowski functionals
	if p90, ok := minkowskiNullP90(tpx, nt, mu, sd, win == nil, rng); ok && vm.MFSyntheses == nt {
		sc.Checks = append(sc.Checks, SampleCheck{Name: "Minkowski functionals", Value: vm.MFMaxStdErr, Limit: p90, Pass: vm.MFMaxStdErr <= p90,
			Detail: fmt.Sprintf("largest deviation %.3g standard errors vs %.3g, the 90th percentile of %s against the others", vm.MFMaxStdErr, p90, what)})
	}
	// the pixel range (a note, with --box advice)
	pmin, pmax := slices.Min(tpx.Data), slices.Max(tpx.Data)
	smin, smax := slices.Min(spx.Data), slices.Max(spx.Data)
	box, _ := settings["box"].(string)
	noBox := box == "" || box == "none"
	if smin < pmin || smax > pmax {
		sc.Notes = append(sc.Notes, fmt.Sprintf("the tiles' pixels reach %.4g to %.4g, the training patches' %.4g to %.4g", smin, smax, pmin, pmax))
	}
	// the verdict
	failed := sc.Failed()
	sc.Within = len(failed) == 0
	if sc.Within {
		sc.Verdict = fmt.Sprintf("within the sampling noise of %s on all %d checks", what, len(sc.Checks))
	} else {
		sc.Verdict = fmt.Sprintf("outside: %d of %d checks fail (%s)", len(failed), len(sc.Checks), strings.Join(failed, ", "))
	}
	pixelFail, psFail := false, false
	for _, k := range sc.Checks {
		if !k.Pass && strings.HasPrefix(k.Name, "spectrum") {
			psFail = true
		} else if !k.Pass {
			pixelFail = true
		}
	}
	if pixelFail {
		sc.Advice = append(sc.Advice, "the samples' pixel distribution or morphology is not the training patches': the cluster may mix sources or families (see the sources of each cluster in the `stkit clusters run RUN DATASET` table, and training_spectrum_outliers), and one model of a mixture draws maps between them; train with more clusters, or on one source's patches. If the cluster is one source's, the statistic does not constrain this figure (out-of-sample): the samples are not the field's in this respect")
	}
	if psFail {
		sc.Advice = append(sc.Advice, "the spectrum is off: more --steps (the optimisation may not have reached it), or more maps (-n) when few tiles are compared")
	}
	if noBox && smin < pmin && pmin >= -0.5*sd && mu > 0 {
		sc.Advice = append(sc.Advice, fmt.Sprintf("the samples go below every training patch (%.4g < %.4g): keep them in the patches' range with --box %.4g,inf, or --box positive for a positive field", smin, pmin, pmin))
	} else if noBox && (smin < pmin || smax > pmax) && !sc.Within {
		sc.Advice = append(sc.Advice, fmt.Sprintf("the samples leave the training patches' pixel range: --box %.4g,%.4g keeps them in it", pmin, pmax))
	}
	return sc
}

// lowBinCheck compares the bins below k = 2 (lower edge < 2 cycles per
// patch, with modes and target power) that ValidationMetrics.PSMaxDev and
// the two PSVerdict figures leave out: max |ratio − 1| of the arithmetic-mean spectra
// (vm.PSRatio) against the 90th percentile of that of n real patches
// against the others (what: "4 real patches", for the detail). ok is false
// without such a bin or with fewer than n + 2 patches.
func lowBinCheck(vm *ValidationMetrics, patches *stlayer.Maps, n int, what string, rng *rand.Rand) (SampleCheck, bool) {
	var bins []int
	for i := 0; i+1 < len(vm.PSEdges) && i < len(vm.PSRatio); i++ {
		if vm.PSEdges[i] < 2 && vm.PSRatio[i] >= 0 {
			bins = append(bins, i)
		}
	}
	B := patches.B
	if len(bins) == 0 || n+2 > B || vm.PSMean != PSMeanArithmetic {
		return SampleCheck{}, false
	}
	p := make([][]float64, B)
	for b := range p {
		p[b] = IsoPowerSpectrum(patches.Map(b), patches.M, patches.N).P
	}
	value, at := 0.0, bins[0]
	for _, i := range bins {
		if d := math.Abs(vm.PSRatio[i] - 1); d > value {
			value, at = d, i
		}
	}
	var null []float64
	in := make([]bool, B)
	for d := 0; d < sampleCheckDraws; d++ {
		clear(in)
		for _, i := range rng.Perm(B)[:n] {
			in[i] = true
		}
		mx := 0.0
		for _, i := range bins {
			var sa, ca float64
			for b := 0; b < B; b++ {
				if in[b] {
					sa += p[b][i]
				} else {
					ca += p[b][i]
				}
			}
			if ca > 0 {
				mx = math.Max(mx, math.Abs(sa/float64(n)/(ca/float64(B-n))-1))
			}
		}
		null = append(null, mx)
	}
	sort.Float64s(null)
	p90 := quantileSorted(null, 0.9)
	var rs []string
	for _, i := range bins {
		rs = append(rs, fmt.Sprintf("%.3g at k %.3g–%.3g", vm.PSRatio[i], vm.PSEdges[i], vm.PSEdges[i+1]))
	}
	return SampleCheck{Name: "spectrum k < 2", Value: value, Limit: p90, Pass: value <= p90,
		Detail: fmt.Sprintf("the bins the k ≥ 2 checks leave out (few modes each: their ratio scatters most): ratio %s; max |ratio−1| %.3g (k %.3g–%.3g) vs %.3g, the 90th percentile of %s against the others",
			strings.Join(rs, ", "), value, vm.PSEdges[at], vm.PSEdges[at+1], p90, what)}, true
}

// leaveOneOutW1Each returns, for at most maxMaps of the maps (evenly
// spaced, as leaveOneOutW1), the W1 distance of each to the pool of the
// others.
func leaveOneOutW1Each(maps [][]float64, maxMaps int) []float64 {
	nm := len(maps)
	if nm < 2 {
		return nil
	}
	var pool []float64
	for _, x := range maps {
		pool = append(pool, x...)
	}
	sort.Float64s(pool)
	use := min(nm, max(1, maxMaps))
	rest := make([]float64, 0, len(pool))
	out := make([]float64, 0, use)
	for u := 0; u < use; u++ {
		own := slices.Clone(maps[u*nm/use])
		sort.Float64s(own)
		rest = rest[:0]
		j := 0
		for _, v := range pool {
			if j < len(own) && v == own[j] {
				j++
				continue
			}
			rest = append(rest, v)
		}
		out = append(out, w1Sorted(own, rest))
	}
	return out
}

// meanOfDrawsP90 returns the 90th percentile, over sampleCheckDraws draws,
// of the mean of n values of v drawn at random (without replacement when v
// has more than n values, else with it).
func meanOfDrawsP90(v []float64, n int, rng *rand.Rand) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	var null []float64
	for d := 0; d < sampleCheckDraws; d++ {
		s := 0.0
		if len(v) > n {
			for _, i := range rng.Perm(len(v))[:n] {
				s += v[i]
			}
		} else {
			for k := 0; k < n; k++ {
				s += v[rng.IntN(len(v))]
			}
		}
		null = append(null, s/float64(n))
	}
	sort.Float64s(null)
	return quantileSorted(null, 0.9)
}

// minkowskiNullP90 returns the 90th percentile of the largest |deviation|
// in standard errors of the Minkowski functionals (as
// ValidationMetrics.MFMaxStdErr) of n real patches against the others, over
// sampleCheckDraws draws; ok is false with fewer than n + 2 patches.
func minkowskiNullP90(patches *stlayer.Maps, n int, mu, sd float64, periodic bool, rng *rand.Rand) (float64, bool) {
	B := patches.B
	if n < 1 || n+2 > B || !(sd > 0) {
		return 0, false
	}
	nu := MinkowskiThresholds
	all := make([][3][]float64, B)
	for b := range all {
		mk := minkowski(patches.Map(b), patches.M, patches.N, mu, sd, nu, periodic)
		all[b] = [3][]float64{mk.V0, mk.V1, mk.V2}
	}
	var std [3][]float64
	for f := 0; f < 3; f++ {
		std[f] = make([]float64, len(nu))
		for t := range nu {
			m, s := 0.0, 0.0
			for b := range all {
				m += all[b][f][t]
			}
			m /= float64(B)
			for b := range all {
				s += (all[b][f][t] - m) * (all[b][f][t] - m)
			}
			std[f][t] = math.Sqrt(s / float64(B-1))
		}
	}
	se := math.Sqrt(1/float64(n) + 1/float64(B-n))
	tiny := 1e-6 / float64(patches.M*patches.N)
	var null []float64
	in := make([]bool, B)
	for d := 0; d < sampleCheckDraws; d++ {
		clear(in)
		for _, i := range rng.Perm(B)[:n] {
			in[i] = true
		}
		mx := 0.0
		for f := 0; f < 3; f++ {
			for t := range nu {
				if std[f][t] <= tiny {
					continue
				}
				var sa, ca float64
				for b := range all {
					if in[b] {
						sa += all[b][f][t]
					} else {
						ca += all[b][f][t]
					}
				}
				mx = math.Max(mx, math.Abs(sa/float64(n)-ca/float64(B-n))/(std[f][t]*se))
			}
		}
		null = append(null, mx)
	}
	sort.Float64s(null)
	return quantileSorted(null, 0.9), true
}

// binomialTailCount is the smallest k with P(Binomial(n, p) ≥ k) < alpha
// (n + 1 when there is none: no count of n is that rare).
func binomialTailCount(n int, p, alpha float64) int {
	for k := 0; k <= n; k++ {
		tail := 0.0
		for j := k; j <= n; j++ {
			tail += binomPMF(n, j, p)
		}
		if tail < alpha {
			return k
		}
	}
	return n + 1
}

func binomPMF(n, k int, p float64) float64 {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	return math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
}

// quantileSorted is the f-quantile of sorted x (nearest rank, as
// PSNullCompare's).
func quantileSorted(x []float64, f float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return x[min(len(x)-1, int(math.Floor(f*float64(len(x)-1)+0.5)))]
}
