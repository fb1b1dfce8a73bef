package infer

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/stkit-org/stkit/stlayer"
)

// w1AllMax is the most patches whose leave-one-out W1 is computed for the
// W1 check's draws (each patch against the pool of the others); beyond it,
// 64 evenly spaced patches, drawn apart from the other checks' subsets.
const w1AllMax = 128

// calibrateJointLimits returns the limit of each check (fail: figure >
// limit) and the fraction of draws that fail any check at them. The
// limits are one common tail count k for every check: check c's limit is
// the (k+1)-th largest of its draws, and k is the largest for which at
// most alpha of the draws exceed any limit (k = 0: each check's largest
// draw, none fails). This is the max-statistic (min-p) calibration over
// the checks on the same draws: the overall rate is alpha, however the
// checks correlate (the two k ≥ 2 spectrum checks nearly duplicate each
// other, which Bonferroni would count twice), and discrete figures (the
// moment counts) take the limit their ties allow.
func calibrateJointLimits(checks []*jointCheck, alpha float64) ([]float64, float64) {
	if len(checks) == 0 {
		return nil, 0
	}
	D := len(checks[0].draws)
	desc := make([][]float64, len(checks))
	for c, j := range checks {
		desc[c] = append([]float64(nil), j.draws...)
		sort.Sort(sort.Reverse(sort.Float64Slice(desc[c])))
	}
	limitsAt := func(k int) []float64 {
		l := make([]float64, len(checks))
		for c := range checks {
			l[c] = desc[c][min(k, D-1)]
		}
		return l
	}
	rateAt := func(l []float64) float64 {
		bad := 0
		for d := 0; d < D; d++ {
			for c, j := range checks {
				if j.draws[d] > l[c] {
					bad++
					break
				}
			}
		}
		return float64(bad) / float64(D)
	}
	best, bestRate := limitsAt(0), rateAt(limitsAt(0))
	for k := 1; k < D; k++ {
		l := limitsAt(k)
		r := rateAt(l)
		if r > alpha {
			break
		}
		best, bestRate = l, r
	}
	return best, bestRate
}

// limitWords says what a check's limit is.
func limitWords(n int) string {
	return fmt.Sprintf("the limit of %s against the rest (all the checks at once: %.0f %% of draws fail one)", drawnWords(n), 100*sampleChecksAlpha)
}

// drawnWords names a draw of n maps of the patches and tiles pooled.
func drawnWords(n int) string {
	if n == 1 {
		return "one map drawn from the patches and tiles pooled"
	}
	return fmt.Sprintf("%d maps drawn from the patches and tiles pooled", n)
}

// concatMaps returns the maps of a then those of b (same size).
func concatMaps(a, b *stlayer.Maps) *stlayer.Maps {
	x := stlayer.NewMaps(a.B+b.B, a.M, a.N)
	copy(x.Data, a.Data)
	copy(x.Data[len(a.Data):], b.Data)
	return x
}

// beyondCounts counts the values below lo and above hi.
func beyondCounts(x []float64, lo, hi float64) (below, above int) {
	for _, v := range x {
		if v < lo {
			below++
		} else if v > hi {
			above++
		}
	}
	return below, above
}

// gapRule fails a moment check whose tiles lie in a gap of the patches'
// values (sorted pv; lo, hi their 5–95 % range): with ≥ 40 patches, at
// most 1 % of them (or one) within 10 % of the range of the tiles'
// [tmin, tmax], ≥ 20 % on either side (a cluster of two populations, the
// samples between them). It returns pass and, when the rule fails, the
// words to append to the check's detail ("" when it passes).
func gapRule(pv []float64, lo, hi, tmin, tmax float64) (bool, string) {
	if len(pv) < 40 || !(hi > lo) {
		return true, ""
	}
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
		return false, fmt.Sprintf("; but in a gap of the patches' values: %d of the %d patches lie below %.3g, %d above %.3g, %d between (a cluster of two populations, the samples between them)",
			nb, len(pv), tmin-w, na, tmax+w, nin)
	}
	return true, ""
}

// spectrumDraws returns, for each subset of patches, max |ratio − 1| of
// its mean spectrum against that of the other patches over the bins k ≥ 2
// (arithmetic and geometric means, as PSNullCompare) and over the bins
// below k = 2 that vm's ratio has (low, nil without such a bin or for a
// geometric-mean report), with those bins.
func spectrumDraws(patches *stlayer.Maps, vm *ValidationMetrics, subsets [][]int) (ar, ge, low []float64, lowBins []int) {
	B := patches.B
	if checkFiniteMaps("", patches, 0) != nil {
		return nil, nil, nil, nil
	}
	p := make([][]float64, B)
	lp := make([][]float64, B)
	var edges []float64
	for b := range p {
		ps := IsoPowerSpectrum(patches.Map(b), patches.M, patches.N)
		edges, p[b] = ps.Edges, ps.P
		lp[b] = make([]float64, len(ps.P))
		for i, v := range ps.P {
			lp[b][i] = math.Log(math.Max(v, 1e-300))
		}
	}
	nb := len(edges) - 1
	if nb < 1 {
		return nil, nil, nil, nil
	}
	for i := 0; i+1 < len(vm.PSEdges) && i < len(vm.PSRatio) && i < nb; i++ {
		if vm.PSEdges[i] < 2 && vm.PSRatio[i] >= 0 && vm.PSMean == PSMeanArithmetic {
			lowBins = append(lowBins, i)
		}
	}
	tot, ltot := make([]float64, nb), make([]float64, nb)
	for b := range p {
		for i := 0; i < nb; i++ {
			tot[i] += p[b][i]
			ltot[i] += lp[b][i]
		}
	}
	for _, s := range subsets {
		n := float64(len(s))
		k := float64(B - len(s))
		ma, mg, ml := 0.0, 0.0, 0.0
		for i := 0; i < nb; i++ {
			var sa, sg float64
			for _, b := range s {
				sa += p[b][i]
				sg += lp[b][i]
			}
			ca, cg := tot[i]-sa, ltot[i]-sg
			if edges[i] >= 2 {
				if ca > 0 {
					ma = math.Max(ma, math.Abs(sa/n/(ca/k)-1))
				}
				mg = math.Max(mg, math.Abs(math.Exp(sg/n-cg/k)-1))
			}
		}
		for _, i := range lowBins {
			var sa float64
			for _, b := range s {
				sa += p[b][i]
			}
			if ca := tot[i] - sa; ca > 0 {
				ml = math.Max(ml, math.Abs(sa/n/(ca/k)-1))
			}
		}
		ar, ge = append(ar, ma), append(ge, mg)
		if lowBins != nil {
			low = append(low, ml)
		}
	}
	return ar, ge, low, lowBins
}

// w1Draws returns, for each subset, the mean of its patches' W1 against the
// pool of the others, in units of sd (w1AllMax patches or fewer); with
// more patches, or without subsets (too few patches for them), the mean of
// n of 64 evenly spaced patches' W1 drawn at random (sampleCheckDraws
// times; with replacement when fewer than n).
func w1Draws(tpx *stlayer.Maps, sd float64, n int, subsets [][]int, rng *rand.Rand) []float64 {
	maps := sampleMapSlices(tpx)
	var out []float64
	if subsets != nil && len(maps) <= w1AllMax {
		loo := leaveOneOutW1Each(maps, len(maps))
		for _, s := range subsets {
			m := 0.0
			for _, b := range s {
				m += loo[b] / sd
			}
			out = append(out, m/float64(len(s)))
		}
		return out
	}
	loo := leaveOneOutW1Each(maps, 64)
	for d := 0; d < sampleCheckDraws; d++ {
		m := 0.0
		if len(loo) > n {
			for _, i := range rng.Perm(len(loo))[:n] {
				m += loo[i]
			}
		} else {
			for k := 0; k < n; k++ {
				m += loo[rng.IntN(len(loo))]
			}
		}
		out = append(out, m/float64(n)/sd)
	}
	return out
}

// minkowskiDraws returns, for each subset of the pooled maps, the largest
// |deviation| of the Minkowski functionals of its maps from those of the
// rest, in standard errors: the spread of one map at each threshold over
// all the pooled maps, se = √(1/n + 1/(B − n)); and the same figure for
// the subset obs (the tiles). The pool's spread, the same for every draw,
// keeps the figure a statistic of the pool for a permutation test. The
// report's own figure (ValidationMetrics.MFMaxStdErr, the patches' spread)
// is not: at thresholds that only a few maps reach, the spread of the rest
// is nearly 0 in some draws, and draws from personavae's cluster 0 with
// its 4 tiles reached 20–58 standard errors (98th percentile 20.2: the
// tiles' 8.8 passed).
func minkowskiDraws(pool *stlayer.Maps, n int, mu, sd float64, periodic bool, subsets [][]int, obs []int) ([]float64, float64, bool) {
	B := pool.B
	if n < 1 || n+3 > B || !(sd > 0) {
		return nil, 0, false
	}
	nu := MinkowskiThresholds
	all := make([][3][]float64, B)
	for b := range all {
		mk := minkowski(pool.Map(b), pool.M, pool.N, mu, sd, nu, periodic)
		all[b] = [3][]float64{mk.V0, mk.V1, mk.V2}
	}
	var std, tot [3][]float64
	for f := 0; f < 3; f++ {
		std[f], tot[f] = make([]float64, len(nu)), make([]float64, len(nu))
		for t := range nu {
			for b := range all {
				tot[f][t] += all[b][f][t]
			}
			m, v := tot[f][t]/float64(B), 0.0
			for b := range all {
				v += (all[b][f][t] - m) * (all[b][f][t] - m)
			}
			std[f][t] = math.Sqrt(v / float64(B-1))
		}
	}
	k := float64(B - n)
	se := math.Sqrt(1/float64(n) + 1/k)
	tiny := 1e-6 / float64(pool.M*pool.N)
	fig := func(s []int) float64 {
		mx := 0.0
		for f := 0; f < 3; f++ {
			for t := range nu {
				if std[f][t] <= tiny {
					continue
				}
				sa := 0.0
				for _, b := range s {
					sa += all[b][f][t]
				}
				mx = math.Max(mx, math.Abs(sa/float64(n)-(tot[f][t]-sa)/k)/(std[f][t]*se))
			}
		}
		return mx
	}
	out := make([]float64, len(subsets))
	for d, s := range subsets {
		out[d] = fig(s)
	}
	return out, fig(obs), true
}

// othersQuantile returns the f-quantile (quantileSorted's nearest rank)
// of the values of sorted order ord (indices into the values, ascending)
// that are not in the subset (in[i]), nOthers of them.
func othersQuantile(v []float64, ord []int, in []bool, nOthers int, f float64) float64 {
	want := min(nOthers-1, int(math.Floor(f*float64(nOthers-1)+0.5)))
	j := 0
	for _, i := range ord {
		if in[i] {
			continue
		}
		if j == want {
			return v[i]
		}
		j++
	}
	return math.NaN()
}
