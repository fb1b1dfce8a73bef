package infer

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// unitDegrees returns, for each coefficient k of the statistic term t of
// op on target, the degree d_k with which the target value T_k scales when
// the maps are expressed in other units (x → λx gives T_k → λ^d_k T_k), and
// whether any coefficient has d_k ≠ 0.
//
// The degree is measured, not declared: T is evaluated on 2·target (a power
// of two, exact in floating point: the FFT, moduli, products, square roots
// and means of a homogeneous statistic scale bit for bit) and d_k is the
// integer d in 0…8 with T_k(2x) = 2^d T_k(x) to 1e-6 relative. A coefficient
// that scales otherwise (a logarithm, a ratio to the map's own power, a
// value of exactly zero) takes the degree shared by the measured
// coefficients of its class (Labels) when they agree, else 0: it is
// treated as dimensionless. An operator with a reference measured on maps
// (stats.Reference: wph Norm "auto", scov Synthesis) divides by the
// reference's own moments, which move with the units as the target does:
// its coefficients are dimensionless (all 0) without a measurement.
//
// Raw statistics (wph Norm "none", scov Synthesis false, wst) are of degree
// 1 (first-order moments: S1, wst coefficients) or 2 (second-order: S00,
// S11, S01, C01, Cphase, S2 …).
func unitDegrees(eng stlayer.Engine, name string, op StatOp, target *stlayer.Maps, t []complex128) ([]int, bool, error) {
	deg := make([]int, len(t))
	if so, ok := op.(stats.Op); ok {
		if ref, err := stats.Reference(so); err == nil && len(ref) > 0 {
			return deg, false, nil
		}
	}
	x2 := &stlayer.Maps{B: target.B, M: target.M, N: target.N, Data: make([]float64, len(target.Data))}
	for i, v := range target.Data {
		x2.Data[i] = 2 * v
	}
	t2, err := NewTarget(name, eng, op, x2, WeightMean)
	if err != nil {
		return nil, false, err
	}
	known := make([]bool, len(t))
	for k, v := range t {
		a := cmplx.Abs(v)
		if !(a > 0) {
			continue
		}
		d := int(math.Round(math.Log2(cmplx.Abs(t2.Target[k]) / a)))
		if d < 0 || d > 8 {
			continue
		}
		p := math.Ldexp(1, d)
		if cmplx.Abs(t2.Target[k]-complex(p, 0)*v) <= 1e-6*p*a {
			deg[k], known[k] = d, true
		}
	}
	// Coefficients not measured take their class's common degree.
	var labels *stlayer.Labels
	if l := op.Labels(); l != nil && l.Len() == len(t) {
		labels = l
	}
	classDeg := map[string]int{} // −1: the measured coefficients disagree
	if labels != nil {
		for k := range t {
			if !known[k] {
				continue
			}
			c := labels.Class[k]
			if d, ok := classDeg[c]; !ok {
				classDeg[c] = deg[k]
			} else if d != deg[k] {
				classDeg[c] = -1
			}
		}
	}
	raw := false
	for k := range t {
		if !known[k] && labels != nil {
			if d, ok := classDeg[labels.Class[k]]; ok && d > 0 {
				deg[k] = d
			}
		}
		raw = raw || deg[k] != 0
	}
	return deg, raw, nil
}

// unitWeights makes the WeightMean weights of term (1/K each) dimensionless
// for a raw statistic: the weight of a coefficient k of unit degree d_k ≠ 0
// (unitDegrees) is divided by s_g², the mean of |T_k|² over the target
// values of its group g (its Labels class and degree; its degree alone
// without labels), floored at (1e−3 σ^d_k)², σ the target's pooled pixel
// std. The term becomes
//
//	(1/K) Σ_k |ΔΦ_k|² / s_g(k)² = (1/K) Σ_g n_g r_g²,
//
// r_g = ‖ΔΦ_g‖/‖T_g‖ the relative L2 error of group g (n_g coefficients):
// the same for the target in any units, and every class counts by its
// relative error, not by its magnitude (the C01 and S01 of a raw WPH are
// 1e-2–1e-4 of its largest S11 and were left unmatched when weighed in
// the map's units). Coefficients of degree 0 (normalised or logarithmic
// statistics) keep 1/K. It reports the degrees found (nil when all are 0:
// the term is unchanged).
func unitWeights(eng stlayer.Engine, name string, op StatOp, target *stlayer.Maps, term *Term) ([]int, error) {
	deg, raw, err := unitDegrees(eng, name, op, target, term.Target)
	if err != nil || !raw {
		return nil, err
	}
	_, sd, _, _ := Moments(target.Data)
	if !(sd > 0) || math.IsInf(sd, 0) {
		// A constant target: its raw wavelet coefficients are 0, there is
		// no scale; the histogram and box terms refuse it if asked for.
		return nil, nil
	}
	labels := op.Labels()
	group := func(k int) string {
		if labels != nil && labels.Len() == len(deg) {
			return fmt.Sprintf("%s/%d", labels.Class[k], deg[k])
		}
		return fmt.Sprintf("/%d", deg[k])
	}
	sum, cnt := map[string]float64{}, map[string]int{}
	for k, d := range deg {
		if d != 0 {
			a := cmplx.Abs(term.Target[k])
			sum[group(k)] += a * a
			cnt[group(k)]++
		}
	}
	for k, d := range deg {
		if d != 0 {
			g := group(k)
			s2 := math.Max(sum[g]/float64(cnt[g]), math.Pow(1e-3*math.Pow(sd, float64(d)), 2))
			term.Weight[k] /= s2
		}
	}
	return deg, nil
}

// quantileSpread returns mean_i var_b(sort(x_b)_i): the variance over the
// B target maps of each map's i-th sorted pixel (unbiased, B ≥ 2), averaged
// over the M·N ranks i. It is the scale of the histogram term's error for
// std weights (0 when B < 2).
func quantileSpread(target *stlayer.Maps) float64 {
	if target.B < 2 {
		return 0
	}
	mn := target.M * target.N
	sorted := make([][]float64, target.B)
	for b := range sorted {
		sorted[b] = slices.Clone(target.Data[b*mn : (b+1)*mn])
		slices.SortFunc(sorted[b], cmp.Compare[float64])
	}
	v := 0.0
	for i := 0; i < mn; i++ {
		m := 0.0
		for b := range sorted {
			m += sorted[b][i]
		}
		m /= float64(target.B)
		for b := range sorted {
			d := sorted[b][i] - m
			v += d * d
		}
	}
	return v / float64(target.B-1) / float64(mn)
}

// Values of ValidationMetrics.PSMean: which mean of the maps' binned
// spectra the report's spectrum comparison uses.
const (
	PSMeanArithmetic = "arithmetic"
	PSMeanGeometric  = "geometric"
)

// geoMeanPowerSpectrum returns the geometric mean over maps of their binned
// spectra (IsoPowerSpectrum), exp(mean_i log P_i(k)) per bin; a bin where
// some map has no power is 0 (no ratio, as PSRatioStats skips it). Maps
// not all of m·n pixels, or none, give an empty spectrum.
func geoMeanPowerSpectrum(maps [][]float64, m, n int) *PowerSpectrum {
	var acc *PowerSpectrum
	var zero []bool
	for _, x := range maps {
		if len(x) != m*n {
			return &PowerSpectrum{}
		}
		ps := IsoPowerSpectrum(x, m, n)
		if acc == nil {
			acc, zero = ps, make([]bool, len(ps.P))
			for b, v := range ps.P {
				zero[b] = !(v > 0)
				acc.P[b] = math.Log(math.Max(v, math.SmallestNonzeroFloat64))
			}
			continue
		}
		for b, v := range ps.P {
			zero[b] = zero[b] || !(v > 0)
			acc.P[b] += math.Log(math.Max(v, math.SmallestNonzeroFloat64))
		}
	}
	if acc == nil {
		return &PowerSpectrum{}
	}
	for b := range acc.P {
		acc.P[b] = math.Exp(acc.P[b] / float64(len(maps)))
		if zero[b] {
			acc.P[b] = 0
		}
	}
	return acc
}

// unitSuffix returns " [unit]" (when squared " [unit²]", plotx.UnitPower:
// "K²", or "(unit)²" for a compound unit, as the stats dashboards write it)
// for an axis label,
// "" without a unit.
func unitSuffix(unit string, squared bool) string {
	if unit == "" {
		return ""
	}
	p := 1
	if squared {
		p = 2
	}
	return " [" + plotx.UnitPower(unit, p) + "]"
}
