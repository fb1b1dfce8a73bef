package infer

import (
	"fmt"
	"math"
	"slices"

	"github.com/stkit-org/stkit/stlayer"
)

// SpectrumOutlierZ is the robust distance above which SpectrumOutliers
// flags a patch: the median over the bins k ≥ 2 of |log P_b − m_b|/s_b,
// m_b the median of log P_b over the patches and s_b = 1.4826·MAD (the
// std of a Gaussian spread). A patch of the same family as the others has
// about 0.7; 2 dust patches among 128 Quijote patches (64²) had 70 and 85.
const SpectrumOutlierZ = 5

// SpectrumOutliers lists the training patches of a cluster whose log power
// spectrum lies far from the others' (SpectrumOutlierZ) and how much they
// widen the cluster's per-bin spread: a component model is built from the
// log-space moments of all its patches (the model's σ, the decoded
// samples, ps_logmean and ps_logstd), and a few patches of another family
// dominate them. Measured (a 2-cluster model of 64² Quijote and dust
// patches; component 1 holds 128 Quijote and 2 dust patches with 10⁴–10⁵
// times less power at k ≥ 16): ps_logstd 1.31 against 0.063 without the 2
// at k = 16–22.6 (28× at 22.6–32), the std of log P00(j = 0) 1.18; the
// decoded draws then
// carried log P00 up to 2.7 below the mean, the samples' power at k = 16–32
// was 6–11 % of the patches' (smooth maps), and the statistic distance
// (StatChi, scaled by that σ) of the samples still read 0.81 against 0.84
// for the patches.
//
// Index holds the outliers' positions in the patches given, Rows their
// dataset rows when the report knows them (see SampleReport), Z the
// distance of each outlier. LogStd and LogStdInliers are the std (ddof 1)
// of log P per bin (IsoPowerSpectrum bins, edges in Edges, cycles per
// patch) over all patches and over the others; Inflation the largest ratio
// of the two over the bins k ≥ 2.
type SpectrumOutliers struct {
	Patches       int       `json:"patches"`
	Threshold     float64   `json:"threshold_robust_z"`
	Index         []int     `json:"outliers"`
	Rows          []int     `json:"outlier_dataset_rows,omitempty"`
	Z             []float64 `json:"outlier_robust_z"`
	Edges         []float64 `json:"ps_bin_edges"`
	LogStd        []float64 `json:"log_p_std_per_bin"`
	LogStdInliers []float64 `json:"log_p_std_per_bin_without_outliers,omitempty"`
	Inflation     float64   `json:"max_std_inflation,omitempty"`
	Note          string    `json:"note"`
}

// FindSpectrumOutliers computes SpectrumOutliers of patches (≥ 3 maps with
// finite pixels and at least one bin with lower edge ≥ 2, i.e. at least 8²
// pixels; otherwise ok is false). A bin where the patches' MAD is 0 is left
// out of the distance.
func FindSpectrumOutliers(patches *stlayer.Maps) (SpectrumOutliers, bool) {
	if checkFiniteMaps("", patches, 0) != nil || patches.B < 3 {
		return SpectrumOutliers{}, false
	}
	B := patches.B
	var edges []float64
	lp := make([][]float64, B)
	for b := 0; b < B; b++ {
		ps := IsoPowerSpectrum(patches.Map(b), patches.M, patches.N)
		edges = ps.Edges
		lp[b] = make([]float64, len(ps.P))
		for i, v := range ps.P {
			lp[b][i] = math.Log(math.Max(v, 1e-300))
		}
	}
	nb := len(edges) - 1
	var use []int // bins with lower edge ≥ 2 and a spread
	med, scale := make([]float64, nb), make([]float64, nb)
	col := make([]float64, B)
	for i := 0; i < nb; i++ {
		for b := range col {
			col[b] = lp[b][i]
		}
		med[i] = medianOf(col)
		for b := range col {
			col[b] = math.Abs(lp[b][i] - med[i])
		}
		scale[i] = 1.4826 * medianOf(col)
		if edges[i] >= 2 && scale[i] > 0 {
			use = append(use, i)
		}
	}
	if len(use) == 0 {
		return SpectrumOutliers{}, false
	}
	out := SpectrumOutliers{Patches: B, Threshold: SpectrumOutlierZ, Index: []int{}, Edges: edges}
	in := make([]bool, B)
	z := make([]float64, len(use))
	for b := 0; b < B; b++ {
		for j, i := range use {
			z[j] = math.Abs(lp[b][i]-med[i]) / scale[i]
		}
		d := medianOf(z)
		in[b] = !(d > SpectrumOutlierZ)
		if !in[b] {
			out.Index = append(out.Index, b)
			out.Z = append(out.Z, d)
		}
	}
	std := func(keep []bool) []float64 {
		s := make([]float64, nb)
		for i := range s {
			n, m, v := 0, 0.0, 0.0
			for b := 0; b < B; b++ {
				if keep == nil || keep[b] {
					n++
					m += lp[b][i]
				}
			}
			m /= float64(n)
			for b := 0; b < B; b++ {
				if keep == nil || keep[b] {
					v += (lp[b][i] - m) * (lp[b][i] - m)
				}
			}
			s[i] = math.Sqrt(v / float64(max(1, n-1)))
		}
		return s
	}
	out.LogStd = std(nil)
	if len(out.Index) == 0 {
		out.Note = fmt.Sprintf("no training patch has a spectrum far from the others' (robust distance ≤ %g)", float64(SpectrumOutlierZ))
		return out, true
	}
	if B-len(out.Index) >= 2 {
		out.LogStdInliers = std(in)
		for _, i := range use {
			if s := out.LogStdInliers[i]; s > 0 {
				out.Inflation = math.Max(out.Inflation, out.LogStd[i]/s)
			}
		}
	}
	out.Note = fmt.Sprintf("%d of %d training patches have spectra far from the others' (robust distance > %g): the component's moments mix them in (the model's σ, its decoded draws, the spectrum targets and their scatter; log P std per bin up to %.3g× that without them), so the samples can follow neither population while the statistic distance, scaled by that σ, looks fine; recluster (e.g. more clusters) or make the dataset without them", len(out.Index), B, float64(SpectrumOutlierZ), out.Inflation)
	return out, true
}

// medianOf returns the median of x (sorted copy; the mean of the two middle
// values for an even length; NaN when empty).
func medianOf(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	s := slices.Clone(x)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// CornerPS compares the power of two sets of M×N maps beyond the Nyquist
// circle |k| ≥ min(M, N)/2 (cycles per min(M, N) pixels; modeK), which the
// half-octave bins of IsoPowerSpectrum (and so the reports' ps_ratio)
// leave out: the Nyquist axes and the corners of the Fourier plane, up to
// √2·min(M, N)/2 on a square map. Two quarter-octave rings, edges
// min(M, N)/2 · (1, 2^¼, √2) (the last one closed; cornerRings); on a
// square map the outer one holds about a quarter of the modes (61 of 231
// at 32², 225 of 891 at 64²). Per ring: the arithmetic mean power
// (|FFT(x − mean x)|²/(M N), as IsoPowerSpectrum) of each set, their ratio
// (synth/target) and the ratio of the geometric means (exp of the mean log
// of each map's ring power). A ring whose target power is 0 has ratio −1.
type CornerPS struct {
	Edges      []float64 `json:"k_edges"`
	Synth      []float64 `json:"synth_mean_power"`
	Target     []float64 `json:"target_mean_power"`
	Ratio      []float64 `json:"ratio"`
	GeoRatio   []float64 `json:"geometric_ratio"`
	ModesRings []int     `json:"modes"`
}

// CornerPSCompare computes CornerPS of synth against target (maps of one
// size, min(M, N) ≥ 2); ok is false otherwise.
func CornerPSCompare(synth, target *stlayer.Maps) (CornerPS, bool) {
	if checkMaps("", synth, 0) != nil || checkMaps("", target, 0) != nil || synth.M != target.M || synth.N != target.N || min(synth.M, synth.N) < 2 {
		return CornerPS{}, false
	}
	m, n := synth.M, synth.N
	h := float64(min(m, n)) / 2
	edges := []float64{h, cornerRingEdge(m, n), h * math.Sqrt2}
	ring, count := cornerRings(m, n)
	cnt := count[:]
	stat := func(x *stlayer.Maps) (ar, lg []float64) {
		ar, lg = make([]float64, 2), make([]float64, 2)
		for b := 0; b < x.B; b++ {
			f := fft2(centred(x.Map(b)), m, n)
			s := make([]float64, 2)
			for p, r := range ring {
				if r >= 0 {
					v := f[p]
					s[r] += (real(v)*real(v) + imag(v)*imag(v)) / float64(m*n)
				}
			}
			for r := range s {
				if cnt[r] > 0 {
					s[r] /= float64(cnt[r])
				}
				ar[r] += s[r] / float64(x.B)
				lg[r] += math.Log(math.Max(s[r], 1e-300)) / float64(x.B)
			}
		}
		return
	}
	sa, sl := stat(synth)
	ta, tl := stat(target)
	c := CornerPS{Edges: edges, Synth: sa, Target: ta, ModesRings: cnt}
	for r := range sa {
		if !(ta[r] > 0) || cnt[r] == 0 {
			c.Ratio = append(c.Ratio, -1)
			c.GeoRatio = append(c.GeoRatio, -1)
			continue
		}
		c.Ratio = append(c.Ratio, sa[r]/ta[r])
		c.GeoRatio = append(c.GeoRatio, math.Exp(sl[r]-tl[r]))
	}
	return c, true
}
