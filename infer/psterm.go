package infer

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// PSOp is the log isotropic power spectrum as a statistic on stlayer.Prim:
//
//	Φ_b = log( (1/n_b) Σ_{k in bin b} |FFT(x)(k)|² / (M N) )
//
// over the half-octave bins of IsoPowerSpectrum (k = 0 excluded, so the mean of
// the map does not enter). It is differentiable on every engine and serves as
// the optional power-spectrum term of a synthesis (Cheng's `ps=True`).
//
// NewPSOpApodised gives its non-periodic variant (HannTaper).
type PSOp struct {
	m, n   int
	nbins  int
	corner bool        // the last bin holds the modes with |k| ≥ min(M, N)/2
	outer  bool        // NewPSOpOuterCorner: one bin, |k| ≥ cornerRingEdge
	bins   [][]float64 // per bin, the M·N averaging weights 1/(n_b·M·N·⟨w²⟩) on its modes
	labels *stlayer.Labels
	taper  []float64 // apodised: w (M·N), nil when periodic
	wmean  []float64 // apodised: w/Σw, the weights of the window mean
}

// NewPSOp builds the operator for M×N maps. Maps with min(M, N) < 3 have
// no half-octave bin (IsoPowerSpectrum): the operator then has no
// coefficient, and evaluating it is an engine error.
func NewPSOp(m, n int) *PSOp { return newPSOp(m, n, false) }

// NewPSOpCorner is NewPSOp with one more coefficient, last: the log mean
// power of the modes that IsoPowerSpectrum's bins leave out but k = 0,
// |k| ≥ min(M, N)/2 (the Nyquist axes and the corners of the
// Fourier plane, about 21 % of a square map's modes; |k| in cycles per
// min(M, N) pixels, see PowerSpectrum). The synthesis
// power-spectrum term uses it: without it nothing but the j = 0 wavelets
// constrains those modes, and a histogram term fitting a heavy-tailed
// pixel distribution (e.g. pooled over patches of different brightness)
// filled them with checkerboard patterns.
func NewPSOpCorner(m, n int) *PSOp { return newPSOp(m, n, true) }

// NewPSOpOuterCorner is the log mean power of the outer ring of the
// corner, the modes with |k| ≥ 2^¼·min(M, N)/2 (cycles per min(M, N)
// pixels, modeK; cornerRingEdge), as a one-coefficient statistic:
//
//	Φ = log( (1/n) Σ_{|k| ≥ 2^¼·min(M, N)/2} |FFT(x)(k)|² / (M N) )
//
// the ring CornerPS reports second (about a quarter of the corner's modes on
// a square map, 61 of 231 at 32²; the rest, min(M, N)/2 ≤ |k| <
// 2^¼·min(M, N)/2, is the corner of NewPSOpCorner less this ring;
// cornerRings). NewPSOpCorner's one corner
// coefficient leaves free where in the corner the power sits: 32² Quijote
// samples matched it with 0.08× the patches' outer-ring power (no PS
// scatter) or 3.8× (with it). Maps with min(M, N) < 2 have no such mode:
// the operator then has no coefficient.
func NewPSOpOuterCorner(m, n int) *PSOp {
	m, n = max(m, 0), max(n, 0)
	op := &PSOp{m: m, n: n, outer: true, labels: stlayer.NewLabels("bin")}
	if min(m, n) < 2 {
		return op
	}
	ring, count := cornerRings(m, n)
	cnt := count[1]
	if cnt == 0 {
		return op
	}
	w := make([]float64, m*n)
	for p, r := range ring {
		if r == 1 {
			w[p] = 1
		}
	}
	for i := range w {
		w[i] /= float64(cnt * m * n)
	}
	op.nbins, op.bins = 1, [][]float64{w}
	op.labels.Add("logPSouter", map[string]int{"bin": 0})
	return op
}

// cornerRingEdge is the edge 2^¼·min(M, N)/2 (cycles per min(M, N)
// pixels) between the two rings of the corner (CornerPS's k_edges[1];
// NewPSOpOuterCorner).
func cornerRingEdge(m, n int) float64 { return float64(min(m, n)) / 2 * math.Pow(2, 0.25) }

// cornerRings returns the corner ring of every mode of an M×N map
// (row-major, fftfreq order; |k| in cycles per min(M, N) pixels, modeK):
// 0 for min(M, N)/2 ≤ |k| < cornerRingEdge, 1 for |k| ≥ cornerRingEdge,
// −1 for the modes of IsoPowerSpectrum's bins and k = 0; and the number of
// modes in each ring. On a square map ring 1 holds about a quarter of the
// corner's modes (61 of 231 at 32², 225 of 891 at 64²). CornerPS,
// NewPSOpOuterCorner, NewBinnedPSOpCorner and the models' ps_corner_rings
// use it.
func cornerRings(m, n int) (ring []int, count [2]int) {
	m, n = max(m, 0), max(n, 0)
	h, e := float64(min(m, n))/2, cornerRingEdge(m, n)
	ring = make([]int, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			r := -1
			if k := modeK(i, j, m, n); k >= e {
				r = 1
			} else if k >= h {
				r = 0
			}
			ring[i*n+j] = r
			if r >= 0 {
				count[r]++
			}
		}
	}
	return ring, count
}

// NewPSOpApodised is the non-periodic variant of NewPSOp (corner: of
// NewPSOpCorner), for a statistic that averages over an interior window
// (stats.Spec Pad "crop"): with w = HannTaper(M, N),
//
//	Φ_b = log( (1/n_b) Σ_{k in bin b} |FFT(w·(x − x̄_w))(k)|² / (M N ⟨w²⟩) ),
//
// x̄_w = Σ w x / Σ w the taper-weighted mean and ⟨w²⟩ = Σ w²/(M N) the
// taper's power (9/64 for M, N ≥ 3), so that a stationary field has the same
// expected Φ_b as with NewPSOp (up to the taper's smoothing over ±1 mode)
// but the jump between opposite borders of a map cut from a larger one
// (power ∝ k⁻² along the axes of its periodic spectrum) does not enter.
func NewPSOpApodised(m, n int, corner bool) *PSOp {
	o := newPSOp(m, n, corner)
	if m < 1 || n < 1 {
		return o
	}
	o.taper = HannTaper(m, n)
	sw, sw2 := 0.0, 0.0
	for _, v := range o.taper {
		sw += v
		sw2 += v * v
	}
	o.wmean = make([]float64, m*n)
	for i, v := range o.taper {
		o.wmean[i] = v / sw
	}
	pw := sw2 / float64(m*n)
	for _, b := range o.bins {
		for i := range b {
			b[i] /= pw
		}
	}
	return o
}

// HannTaper returns the M×N taper of the non-periodic power spectrum
// (NewPSOpApodised) and GRF start (InitialMapsApodised): the separable
// Hann window w[i·N+j] = t_M(i)·t_N(j), t_M(i) = sin²(π(i + ½)/M), 1 at
// the centre and falling to 0 at the edges, so that the map times w is
// continuous across the periodic wrap-around. It is the whole map's
// window, not one flat over the statistic's interior with ramps over its
// border: on 64² cuts of a 128² GRF P ∝ k⁻³ (J = 4, c = 8), such a Tukey
// taper's short ramps leak low-k power (box-like sidelobes, power ∝ k⁻²,
// below k ≈ M/(2c)) and left streaks along the axes of the syntheses'
// interiors (axis/off-axis power 0.9–2.5 over seeds 1–6 against 0.5–1.5
// with the Hann window and 0.7–1.9 for the targets).
func HannTaper(m, n int) []float64 {
	if m < 1 || n < 1 {
		return nil
	}
	tm, tn := hann1(m), hann1(n)
	w := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			w[i*n+j] = tm[i] * tn[j]
		}
	}
	return w
}

// hann1 is HannTaper's 1-D factor t_n.
func hann1(n int) []float64 {
	t := make([]float64, n)
	for i := range t {
		s := math.Sin(math.Pi * (float64(i) + 0.5) / float64(n))
		t[i] = s * s
	}
	return t
}

func newPSOp(m, n int, corner bool) *PSOp {
	if m < 1 || n < 1 {
		m, n = max(m, 0), max(n, 0)
	}
	var edges []float64
	var bin []int
	if min(m, n) >= 2 {
		edges, bin, _ = psBins(m, n)
	}
	nb := max(len(edges)-1, 0)
	corner = corner && nb > 0
	if corner {
		// The modes of no bin but k = 0: |k| ≥ min(M, N)/2.
		for p := 1; p < m*n; p++ {
			if bin[p] < 0 {
				bin[p] = nb
			}
		}
		nb++
	}
	op := &PSOp{m: m, n: n, nbins: nb, corner: corner, bins: make([][]float64, nb), labels: stlayer.NewLabels("bin")}
	for b := range op.bins {
		op.bins[b] = make([]float64, m*n)
	}
	count := make([]int, nb)
	for _, b := range bin {
		if b >= 0 {
			count[b]++
		}
	}
	for p, b := range bin {
		if b >= 0 {
			op.bins[b][p] = 1 / float64(count[b]*m*n)
		}
	}
	for b := 0; b < nb; b++ {
		op.labels.Add("logPS", map[string]int{"bin": b})
	}
	return op
}

// Key implements StatOp.
func (o *PSOp) Key() string {
	k := fmt.Sprintf("logps %dx%d", o.m, o.n)
	if o.corner {
		k = fmt.Sprintf("logps+corner %dx%d", o.m, o.n)
	}
	if o.outer {
		k = fmt.Sprintf("logps outer-corner %dx%d", o.m, o.n)
	}
	if o.taper != nil {
		k += "/hann"
	}
	return k
}

// Labels implements StatOp.
func (o *PSOp) Labels() *stlayer.Labels { return o.labels }

// Stat implements StatOp.
func (o *PSOp) Stat() stlayer.Stat {
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		// |FFT(x)|² summed per bin with one weight map per bin (a pass over
		// the plane per bin, not a dense nbins × M·N matrix).
		if o.taper != nil {
			x = p.MulConst(p.Sub(x, p.WeightedMean(x, o.wmean)), o.taper)
		}
		return p.Log(p.WeightedMeans(p.Pow(p.FFT2(x), 2), o.bins))
	}
}

// NewPowerSpectrumTerm returns a loss term matching the log power spectrum
// of each map to the mean over the target maps of their log spectra (a
// geometric-mean spectrum, not the log of the mean spectrum), weight/nbins
// per bin, nbins counting the half-octave bins of IsoPowerSpectrum and the
// corner bin of NewPSOpCorner (left out when a target map has no power at
// |k| ≥ min(M, N)/2): the loss of a map x is
// weight/nbins · Σ_b (log P_b(x) − ⟨log P_b⟩_targets)².
//
// Target maps that are nil, empty, whose Data length is not B·M·N or that
// hold non-finite pixels, maps too small to have a half-octave bin
// (min(M, N) < 3), and a target map without power in a bin (its log is
// −∞) are input errors (ErrModelInput).
func NewPowerSpectrumTerm(eng stlayer.Engine, target *stlayer.Maps, weight float64) (*Term, error) {
	return NewPowerSpectrumTermApodised(eng, target, weight, false)
}

// NewPowerSpectrumTermApodised is NewPowerSpectrumTerm, non-periodic when
// apodised is true (for a statistic that averages over an interior
// window, stats.Spec Pad "crop"): the log spectra of the maps and of the
// targets are then those of NewPSOpApodised (the map minus its
// taper-weighted mean, times HannTaper), so that the jump between opposite
// borders of a target cut from a larger map (power ∝ k⁻² on the axes of
// its periodic spectrum) is not imposed on the syntheses. The input errors
// are NewPowerSpectrumTerm's, the powers checked being the apodised ones.
func NewPowerSpectrumTermApodised(eng stlayer.Engine, target *stlayer.Maps, weight float64, apodised bool) (*Term, error) {
	if err := checkFiniteMaps("power-spectrum target", target, 0); err != nil {
		return nil, err
	}
	var taper []float64
	if apodised {
		taper = HannTaper(target.M, target.N)
	}
	for b := 0; b < target.B; b++ {
		ps := IsoPowerSpectrum(apodise(target.Map(b), taper), target.M, target.N)
		if len(ps.P) == 0 {
			return nil, inputErrorf("power-spectrum target: %d×%d maps have no half-octave bin (need min(M, N) ≥ 3)", target.M, target.N)
		}
		for i, p := range ps.P {
			if !(p > 0) || math.IsInf(p, 0) {
				return nil, inputErrorf("power-spectrum target: map %d has power %g in the bin %d (|k| in [%.3g, %.3g) cycles per %d pixels): its log is not finite", b, p, i, ps.Edges[i], ps.Edges[i+1], min(target.M, target.N))
			}
		}
	}
	// The corner bin (NewPSOpCorner) is matched too, unless a target map
	// has no power there (band-limited maps: its log would be −∞).
	corner := true
	for b := 0; b < target.B; b++ {
		if !(cornerPower(apodise(target.Map(b), taper), target.M, target.N) > 0) {
			corner = false
			break
		}
	}
	op := newPSOp(target.M, target.N, corner)
	if apodised {
		op = NewPSOpApodised(target.M, target.N, corner)
	}
	t, err := NewTarget("power spectrum", eng, op, target, WeightMean)
	if err != nil {
		return nil, err
	}
	t.Scale = weight
	return t, nil
}

// apodise returns w·(x − Σwx/Σw) (NewPSOpApodised's input to the FFT,
// without the power normalisation), or x itself when w is nil.
func apodise(x, w []float64) []float64 {
	if w == nil {
		return x
	}
	sw, swx := 0.0, 0.0
	for i, v := range x {
		sw += w[i]
		swx += w[i] * v
	}
	mu := swx / sw
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = w[i] * (v - mu)
	}
	return out
}

// cornerPower returns the mean power Σ|FFT(x)(k)|²/(M N) over the modes with
// |k| ≥ min(M, N)/2 cycles per min(M, N) pixels (the corner bin of
// NewPSOpCorner; modeK). It is 0 for min(M, N) < 2.
func cornerPower(x []float64, m, n int) float64 {
	if min(m, n) < 2 {
		return 0
	}
	f := fft2(x, m, n)
	kmax := float64(min(m, n)) / 2
	sum, cnt := 0.0, 0
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			if modeK(i, j, m, n) >= kmax {
				v := f[i*n+j]
				sum += real(v)*real(v) + imag(v)*imag(v)
				cnt++
			}
		}
	}
	if cnt == 0 {
		return 0
	}
	return sum / float64(cnt*m*n)
}
