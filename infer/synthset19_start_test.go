package infer

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// synthsetSet returns b maps of s² drawn from the anisotropic spectrum
// P(k) ∝ (k_x² + 9 k_y² + 1)^−0.5 (more power along k_x: structures
// elongated along y), pixel mean 1 and std 0.3.
func synthsetSet(b, s int) *stlayer.Maps {
	pg := make([]float64, s*s)
	for i := 0; i < s; i++ {
		for j := 0; j < s; j++ {
			ky, kx := float64(synthsetFreq(i, s)), float64(synthsetFreq(j, s))
			pg[i*s+j] = math.Pow(kx*kx+9*ky*ky+1, -0.5)
		}
	}
	pg[0] = 0
	out := stlayer.NewMaps(b, s, s)
	for k := 0; k < b; k++ {
		copy(out.Map(k), fieldWithSpectrum(pg, s, s, 1, 0.3, 41, uint64(k)))
	}
	return out
}

func synthsetFreq(i, s int) int {
	if i > s/2 {
		return i - s
	}
	return i
}

// synthsetLowK returns log |FFT(x)(k)|² over the half plane of the modes
// 0 < |k| ≤ kmax.
func synthsetLowK(x []float64, s, kmax int) []float64 {
	f := fft2(x, s, s)
	var out []float64
	for i := 0; i < s; i++ {
		for j := 0; j < s; j++ {
			ky, kx := synthsetFreq(i, s), synthsetFreq(j, s)
			if ky < 0 || (ky == 0 && kx <= 0) || kx*kx+ky*ky > kmax*kmax {
				continue
			}
			v := f[i*s+j]
			out = append(out, math.Log(real(v)*real(v)+imag(v)*imag(v)))
		}
	}
	return out
}

func synthsetCorr(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i] / float64(len(a))
		mb += b[i] / float64(len(a))
	}
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

// imprint returns the mean over the maps of syn of the correlation of
// their per-mode log power (0 < |k| ≤ 8) with map 0 of set, and with
// maps 1… of set.
func synthsetImprint(syn, set *stlayer.Maps) (map0, others float64) {
	s := set.M
	var ref [][]float64
	for b := 0; b < set.B; b++ {
		ref = append(ref, synthsetLowK(set.Map(b), s, 8))
	}
	for k := 0; k < syn.B; k++ {
		p := synthsetLowK(syn.Map(k), s, 8)
		map0 += synthsetCorr(p, ref[0]) / float64(syn.B)
		for b := 1; b < set.B; b++ {
			others += synthsetCorr(p, ref[b]) / float64(syn.B*(set.B-1))
		}
	}
	return map0, others
}

// The GRF start and a few steps of a synthesis from a set of 6 maps are
// not imprinted with map 0's per-mode power: their log power over the
// modes |k| ≤ 8 correlates with map 0's as with the other maps' (before
// session 19 the start took map 0's exact |FFT|).
func TestSynthset19StartNotImprinted(t *testing.T) {
	set := synthsetSet(6, 32)
	x0, err := InitialMaps(InitGRF, set, 16, 7)
	if err != nil {
		t.Fatal(err)
	}
	m0, oth := synthsetImprint(x0, set)
	t.Logf("starts: corr with map 0 %.3f, with maps 1–5 %.3f", m0, oth)
	if math.Abs(m0-oth) > 0.1 {
		t.Errorf("16 GRF starts: per-mode log power correlates %.3f with map 0, %.3f with maps 1–5: imprinted with map 0", m0, oth)
	}
	eng := cpu.New()
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 3, Iso: true, Synthesis: true}, eng, set)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Preset(PresetQuality, 4, 7)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Steps = 5
	res, _, err := Synthesize(context.Background(), eng, op, set, cfg)
	if err != nil {
		t.Fatal(err)
	}
	m0, oth = synthsetImprint(res.Maps, set)
	t.Logf("4 syntheses, 5 steps: corr with map 0 %.3f, with maps 1–5 %.3f", m0, oth)
	if math.Abs(m0-oth) > 0.15 {
		t.Errorf("4 syntheses: per-mode log power correlates %.3f with map 0, %.3f with maps 1–5: imprinted with map 0", m0, oth)
	}
}

// The expected 2-D spectrum of the GRF start is the set's mean:
// meanPowerSpectrum2D has the power of the set's mean periodogram on every
// unit ring of |k| (its cells split the rings) and its anisotropy (power
// at |k_x| > |k_y| over that at |k_y| > |k_x|, 11.25° sectors) within 3 %;
// over 400 draws, gaussianStart's mean periodogram is MN times it within
// 6 % on every ring |k| ≤ 16 and 3 % in anisotropy.
func TestSynthset19StartSpectrumIsSetMean(t *testing.T) {
	const s = 32
	set := synthsetSet(6, s)
	want := make([]float64, s*s)
	for b := 0; b < set.B; b++ {
		for i, v := range fft2(set.Map(b), s, s) {
			want[i] += (real(v)*real(v) + imag(v)*imag(v)) / float64(set.B)
		}
	}
	want[0] = 0
	p := meanPowerSpectrum2D(set, false)
	rings := func(p []float64) (r []float64, aniso float64) {
		r = make([]float64, s)
		var ax, ay float64
		for i := 0; i < s; i++ {
			for j := 0; j < s; j++ {
				ky, kx := synthsetFreq(i, s), synthsetFreq(j, s)
				r[int(math.Round(math.Hypot(float64(kx), float64(ky))))] += p[i*s+j]
				switch {
				case synthsetAbs(kx) > synthsetAbs(ky):
					ax += p[i*s+j]
				case synthsetAbs(ky) > synthsetAbs(kx):
					ay += p[i*s+j]
				}
			}
		}
		return r, ax / ay
	}
	rw, aw := rings(want)
	rp, ap := rings(p)
	for k := 1; k < len(rw); k++ {
		if d := rp[k]/rw[k] - 1; rw[k] > 0 && math.Abs(d) > 1e-9 {
			t.Errorf("ring |k| = %d: the start's spectrum holds %.6g, the set's mean periodogram %.6g", k, rp[k], rw[k])
		}
	}
	t.Logf("anisotropy: start spectrum %.3f, set %.3f", ap, aw)
	if aw < 1.5 {
		t.Fatalf("the set's anisotropy %.3f: the test set is not anisotropic", aw)
	}
	if math.Abs(ap/aw-1) > 0.03 {
		t.Errorf("anisotropy: the start's spectrum %.3f, the set's %.3f", ap, aw)
	}
	const draws = 400
	got := make([]float64, s*s)
	x := make([]float64, s*s)
	for d := 0; d < draws; d++ {
		rng := rand.New(rand.NewPCG(5, uint64(d)))
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		gaussianStart(x, p, s, s)
		for i, v := range fft2(x, s, s) {
			got[i] += (real(v)*real(v) + imag(v)*imag(v)) / (draws * s * s)
		}
	}
	rg, ag := rings(got)
	for k := 1; k <= s/2; k++ { // the corner rings hold few modes
		if d := rg[k]/rp[k] - 1; rp[k] > 0 && math.Abs(d) > 0.06 {
			t.Errorf("ring |k| = %d: %d draws' mean power is %.4g, MN × the spectrum %.4g (%+.1f %%)", k, draws, rg[k], rp[k], 100*d)
		}
	}
	t.Logf("anisotropy: %d draws %.3f, start spectrum %.3f", draws, ag, ap)
	if math.Abs(ag/ap-1) > 0.03 {
		t.Errorf("anisotropy: %d draws %.3f, the start's spectrum %.3f", draws, ag, ap)
	}
}

func synthsetAbs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}
