package infer

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/stkit-org/stkit/stlayer"
)

// PSNull is the sampling-noise yardstick of a spectrum comparison of n maps
// against a set of patches: how far the mean spectrum of n REAL patches of
// the set lies from that of the others. Each of Draws draws picks n patches
// at random (without replacement) and compares their mean spectrum with the
// mean of the remaining patches, in the bins of IsoPowerSpectrum with lower
// edge ≥ 2 cycles per min(M, N) pixels (those of ValidationMetrics.PSMaxDev and
// GeometricPS.MaxDev). A generator that were a perfect sampler of the
// cluster would score max |ratio − 1| about ArithMedian (arithmetic-mean
// spectra, as ValidationMetrics) and GeoMedian (geometric-mean spectra, as
// GeometricPS); a score within the P90 values is consistent with sampling
// noise alone. For fields whose power varies a lot from patch to patch (64²
// dust patches: std of log P ≈ 1 per bin) the noise of 16 maps is far above
// ±10 %, and the ±10 % target needs hundreds of maps.
type PSNull struct {
	N           int     `json:"maps"`
	Patches     int     `json:"patches"`
	Draws       int     `json:"draws"`
	ArithMedian float64 `json:"arithmetic_max_abs_ratio_minus_1_median"`
	ArithP90    float64 `json:"arithmetic_max_abs_ratio_minus_1_p90"`
	GeoMedian   float64 `json:"geometric_max_abs_ratio_minus_1_median"`
	GeoP90      float64 `json:"geometric_max_abs_ratio_minus_1_p90"`
	// LogStd is the std (ddof 1) of log P of one patch per bin.
	LogStd []float64 `json:"log_p_std_per_bin"`
}

// PSNullCompare computes PSNull for n maps against patches (draws ≥ 1 random
// subsets, seeded). It needs n + 2 ≤ patches.B, finite pixels and patches
// with at least one spectrum bin (IsoPowerSpectrum); otherwise ok is false.
func PSNullCompare(patches *stlayer.Maps, n, draws int, seed uint64) (PSNull, bool) {
	if checkFiniteMaps("", patches, 0) != nil || len(IsoPowerSpectrum(patches.Map(0), patches.M, patches.N).P) == 0 {
		return PSNull{}, false
	}
	B := patches.B
	if n < 1 || n+2 > B || draws < 1 {
		return PSNull{}, false
	}
	var edges []float64
	p := make([][]float64, B)
	lp := make([][]float64, B)
	for b := 0; b < B; b++ {
		ps := IsoPowerSpectrum(patches.Map(b), patches.M, patches.N)
		edges = ps.Edges
		p[b] = ps.P
		lp[b] = make([]float64, len(ps.P))
		for i, v := range ps.P {
			lp[b][i] = math.Log(math.Max(v, 1e-300))
		}
	}
	nb := len(edges) - 1
	out := PSNull{N: n, Patches: B, Draws: draws, LogStd: make([]float64, nb)}
	for i := 0; i < nb; i++ {
		m, s := 0.0, 0.0
		for b := 0; b < B; b++ {
			m += lp[b][i]
		}
		m /= float64(B)
		for b := 0; b < B; b++ {
			s += (lp[b][i] - m) * (lp[b][i] - m)
		}
		out.LogStd[i] = math.Sqrt(s / float64(B-1))
	}
	rng := rand.New(rand.NewPCG(seed, 0x9511))
	var ar, ge []float64
	in := make([]bool, B)
	for d := 0; d < draws; d++ {
		for i := range in {
			in[i] = false
		}
		for _, i := range rng.Perm(B)[:n] {
			in[i] = true
		}
		ma, mg := 0.0, 0.0
		for i := 0; i < nb; i++ {
			if edges[i] < 2 {
				continue
			}
			var sa, ca, sg, cg float64
			for b := 0; b < B; b++ {
				if in[b] {
					sa += p[b][i]
					sg += lp[b][i]
				} else {
					ca += p[b][i]
					cg += lp[b][i]
				}
			}
			k := float64(B - n)
			if ca > 0 {
				ma = math.Max(ma, math.Abs(sa/float64(n)/(ca/k)-1))
			}
			mg = math.Max(mg, math.Abs(math.Exp(sg/float64(n)-cg/k)-1))
		}
		ar = append(ar, ma)
		ge = append(ge, mg)
	}
	sort.Float64s(ar)
	sort.Float64s(ge)
	q := func(x []float64, f float64) float64 {
		return x[min(len(x)-1, int(math.Floor(f*float64(len(x)-1)+0.5)))]
	}
	out.ArithMedian, out.ArithP90 = q(ar, 0.5), q(ar, 0.9)
	out.GeoMedian, out.GeoP90 = q(ge, 0.5), q(ge, 0.9)
	return out, true
}
