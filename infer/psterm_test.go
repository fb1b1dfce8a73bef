package infer

import (
	"context"
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func TestPSOpMatchesHost(t *testing.T) {
	x := randMaps(2, 32, 32, 4, 1, 0.5)
	eng := cpu.New()
	op := NewPSOp(32, 32)
	c, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 2; b++ {
		ps := IsoPowerSpectrum(x.Map(b), 32, 32)
		for i, v := range c.Row(b) {
			if d := math.Abs(real(v) - math.Log(ps.P[i])); d > 1e-9 {
				t.Errorf("map %d bin %d: %g vs log host %g", b, i, real(v), math.Log(ps.P[i]))
			}
		}
	}
	// gradient of Σ Φ² against finite differences
	loss := func(out []complex128) float64 {
		s := 0.0
		for _, v := range out {
			s += real(v) * real(v)
		}
		return s
	}
	one := randMaps(1, 32, 32, 5, 1, 0)
	_, g, err := eng.LossGrad(op.Key(), op.Stat(), one, func(out *stlayer.Coeffs) (float64, []complex128, error) {
		gg := make([]complex128, len(out.Data))
		for i, v := range out.Data {
			gg[i] = complex(2*real(v), 0)
		}
		return loss(out.Data), gg, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 100, 777} {
		const h = 1e-5
		p, m := randMaps(1, 32, 32, 5, 1, 0), randMaps(1, 32, 32, 5, 1, 0)
		p.Data[i] += h
		m.Data[i] -= h
		cp, _ := eng.Forward(op.Key(), op.Stat(), p)
		cm, _ := eng.Forward(op.Key(), op.Stat(), m)
		fd := (loss(cp.Data) - loss(cm.Data)) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-4*(1+math.Abs(fd)) {
			t.Errorf("pixel %d: grad %g vs FD %g", i, g[i], fd)
		}
	}
}

// NewPSOpCorner: the first coefficients are NewPSOp's; the last is the log
// mean power of the modes with |k| ≥ min(M, N)/2 (cornerPower), which a
// checkerboard changes and the half-octave bins do not see; its gradient
// matches finite differences.
func TestPSOpCorner(t *testing.T) {
	const m, n = 32, 24
	x := randMaps(1, m, n, 7, 1, 0.5)
	eng := cpu.New()
	plain, corner := NewPSOp(m, n), NewPSOpCorner(m, n)
	if corner.Labels().Len() != plain.Labels().Len()+1 {
		t.Fatalf("%d coefficients, want %d + 1", corner.Labels().Len(), plain.Labels().Len())
	}
	fwd := func(op *PSOp, x *stlayer.Maps) []complex128 {
		c, err := eng.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		return c.Row(0)
	}
	cp, cc := fwd(plain, x), fwd(corner, x)
	for i, v := range cp {
		if cc[i] != v {
			t.Errorf("bin %d: %v with the corner bin, %v without", i, cc[i], v)
		}
	}
	last := real(cc[len(cc)-1])
	if want := math.Log(cornerPower(x.Map(0), m, n)); math.Abs(last-want) > 1e-9 {
		t.Errorf("corner coefficient %g, want log host corner power %g", last, want)
	}
	// A checkerboard (the (π, π) mode, |k| = √(16² + 12²) = 20 ≥ 12) moves the
	// corner coefficient only.
	y := &stlayer.Maps{B: 1, M: m, N: n, Data: append([]float64(nil), x.Data...)}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			y.Data[i*n+j] += 0.5 * float64(1-2*((i+j)%2))
		}
	}
	yp, yc := fwd(plain, y), fwd(corner, y)
	for i, v := range yp {
		if math.Abs(real(v-cp[i])) > 1e-9 {
			t.Errorf("bin %d moved by the checkerboard: %v → %v", i, cp[i], v)
		}
	}
	if d := real(yc[len(yc)-1]) - last; !(d > 0.3) {
		t.Errorf("corner coefficient moved by %g with the checkerboard, want > 0.3", d)
	}
	// Gradient of Σ Φ² against central differences.
	sq := func(out []complex128) float64 {
		s := 0.0
		for _, v := range out {
			s += real(v) * real(v)
		}
		return s
	}
	_, g, err := eng.LossGrad(corner.Key(), corner.Stat(), x, func(out *stlayer.Coeffs) (float64, []complex128, error) {
		gg := make([]complex128, len(out.Data))
		for i, v := range out.Data {
			gg[i] = complex(2*real(v), 0)
		}
		return sq(out.Data), gg, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 101, 700} {
		const h = 1e-5
		p := &stlayer.Maps{B: 1, M: m, N: n, Data: append([]float64(nil), x.Data...)}
		q := &stlayer.Maps{B: 1, M: m, N: n, Data: append([]float64(nil), x.Data...)}
		p.Data[i] += h
		q.Data[i] -= h
		fd := (sq(fwd(corner, p)) - sq(fwd(corner, q))) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-4*(1+math.Abs(fd)) {
			t.Errorf("pixel %d: grad %g vs FD %g", i, g[i], fd)
		}
	}
}

// TestSynthesisSetNoCheckerboard: a quality-preset synthesis from a set of
// real dust patches of different brightness (16 patches of 64² cut from
// dust256.npy) does not fill the Fourier corners: the pooled pixel histogram
// of such a set is heavier-tailed than any one stationary map's, and with
// the corners unconstrained the histogram term met it with checkerboard
// patterns (MF 185σ off at 64² × 64 patches). The corner bin of the
// power-spectrum term keeps the synthesis' corner power at the targets'
// (geometric mean, as the log term) within a factor 2; without it the
// synthesis had 44× the targets' corner power.
func TestSynthesisSetNoCheckerboard(t *testing.T) {
	d, err := datasets.ReadMaps(testutil.RefFile(t, "dust256.npy"))
	if err != nil {
		t.Fatal(err)
	}
	const p = 64
	target := &stlayer.Maps{M: p, N: p}
	for i := 0; i < 256; i += p {
		for j := 0; j < 256; j += p {
			for r := 0; r < p; r++ {
				target.Data = append(target.Data, d.Data[(i+r)*256+j:(i+r)*256+j+p]...)
			}
			target.B++
		}
	}
	eng := cpu.New()
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 4, L: 4, Iso: true, Synthesis: true}, eng, target)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := Preset(PresetQuality, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Steps = 80
	loss, err := NewSynthLoss(eng, "scov", op, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(context.Background(), loss, target, cfg)
	if err != nil {
		t.Fatal(err)
	}
	logMean := 0.0
	for b := 0; b < target.B; b++ {
		logMean += math.Log(cornerPower(target.Map(b), p, p)) / float64(target.B)
	}
	ratio := cornerPower(res.Maps.Map(0), p, p) / math.Exp(logMean)
	t.Logf("corner power of the synthesis / targets' geometric mean: %.3g (loss %.3g → %.3g)", ratio, res.InitialLoss, res.Loss)
	if !(ratio > 0.5 && ratio < 2) {
		t.Errorf("corner power of the synthesis is %.3g × the targets' (want within a factor 2)", ratio)
	}
}
