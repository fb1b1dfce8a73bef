package infer

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestDataTermFormsByHand: the data term's two forms against methods.md
// §3.1–3.2, recomputed here with StatsOf over the whole pool of 4 residual
// samples (Batch = pool: every sample drawn once):
//
//   - JMD: target Φ(d) − B, B = ⟨Φ(u₀ + r_i)⟩_i − Φ(u₀) at the epoch's
//     start u₀, loss at u Σ_k W_k |Φ_k(u) − Φ_k(d) + B_k|²;
//   - BR: target Φ(d), loss at u (1/4) Σ_i Σ_k W_k |Φ_k(u + r_i) − Φ_k(d)|²;
//
// both with W = StdWeights of σ_k = std_i Φ_k(u₀ + r_i) (unbiased, zero-σ
// masked, 1/K' over the kept coefficients).
func TestDataTermFormsByHand(t *testing.T) {
	const m = 32
	eng := cpu.New()
	p, s, _ := toyProblem(t, m, true)
	var cs [][]float64
	for i := 0; i < 4; i++ {
		cs = append(cs, field(t, m, -1, 0.2, uint64(60+i), 0.5, 0))
	}
	p.Contaminant = mapsOf(m, cs...)
	op := p.Stats.Auto
	phiD, _, err := StatsOf(eng, op, p.Data)
	if err != nil {
		t.Fatal(err)
	}
	u0 := s
	u := &stlayer.Maps{B: 1, M: m, N: m, Data: append([]float64(nil), s.Data...)}
	for i := range u.Data {
		u.Data[i] += 0.05 * math.Sin(float64(i)/7)
	}
	sum := func(a *stlayer.Maps) *stlayer.Maps { return addMaps(p.Contaminant, a) }
	mean0, std0, err := StatsOf(eng, op, sum(u0))
	if err != nil {
		t.Fatal(err)
	}
	w := StdWeights(mean0, std0, 1e-9, nil)
	phiU0, _, _ := StatsOf(eng, op, u0)
	phiU, _, _ := StatsOf(eng, op, u)
	for _, form := range []DataForm{FormJMD, FormBR} {
		setup, err := BuildSeparation(eng, p, SeparationOptions{Form: form, Batch: 4, Weights: SepWeights{Data: 1}, Stages: DefaultSepStages(0, 1, 1)})
		if err != nil {
			t.Fatal(err)
		}
		term := setup.Term(TermData)
		if err := term.Update(u0, rand.New(rand.NewPCG(1, 2)), 1); err != nil {
			t.Fatal(err)
		}
		for k := range w {
			if math.Abs(term.Weight[k]-w[k]) > 1e-9*w[k] {
				t.Fatalf("%s coefficient %d: weight %g, by hand %g", form, k, term.Weight[k], w[k])
			}
		}
		want := 0.0
		switch form {
		case FormJMD:
			for k := range phiD {
				tk := phiD[k] - (mean0[k] - phiU0[k])
				if cmplx.Abs(term.Target[k]-tk) > 1e-9*(1+cmplx.Abs(tk)) {
					t.Errorf("JMD coefficient %d: target %v, by hand %v", k, term.Target[k], tk)
				}
				d := phiU[k] - tk
				want += w[k] * (real(d)*real(d) + imag(d)*imag(d))
			}
		case FormBR:
			for i := 0; i < 4; i++ {
				phi, _, _ := StatsOf(eng, op, addMaps(&stlayer.Maps{B: 1, M: m, N: m, Data: p.Contaminant.Map(i)}, u))
				for k := range phiD {
					d := phi[k] - phiD[k]
					want += w[k] * (real(d)*real(d) + imag(d)*imag(d)) / 4
				}
			}
		}
		if !(want > 0) || len(w) == 0 {
			t.Fatalf("%s: by-hand loss %g over %d coefficients: the toy tests nothing", form, want, len(w))
		}
		_, parts, _, err := setup.Loss.Eval(u)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(parts[0]-want) > 1e-8*want {
			t.Errorf("%s: data term %.10g at u, by hand %.10g", form, parts[0], want)
		}
	}
}
