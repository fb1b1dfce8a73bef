package infer

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
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
