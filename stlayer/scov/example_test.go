package scov_test

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// classCounts returns the number of coefficients per class, in order.
func classCounts(l *stlayer.Labels) string {
	s, n := "", 0
	for i, c := range l.Class {
		n++
		if i+1 == l.Len() || l.Class[i+1] != c {
			s += fmt.Sprintf(" %s:%d", c, n)
			n = 0
		}
	}
	return s
}

// testMap returns one deterministic, non-Gaussian 32×32 map.
func testMap() *stlayer.Maps {
	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		r, c := float64(i/32), float64(i%32)
		x.Data[i] = math.Exp(math.Sin(0.4*r) + math.Cos(0.3*(r+2*c)))
	}
	return x
}

// The scattering covariance of one 32×32 map with J = 3, L = 4: the raw
// moments (Op.Stat), Cheng's dictionary on the host (Results) and the
// isotropic synthesis vector normalised by a stored reference (SynthesisIso).
func Example() {
	op, err := scov.New(scov.Config{J: 3, L: 4}, 32, 32)
	if err != nil {
		panic(err)
	}
	e := cpu.New()
	x := testMap()
	raw, err := e.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		panic(err)
	}
	fmt.Println("raw:", raw.K, "=", op.NumRaw(), "coefficients:"+classCounts(op.Labels()))

	res, err := op.Results(raw, nil) // self normalisation (use_ref=False)
	if err != nil {
		panic(err)
	}
	fmt.Println("C01 [J,J,L,L] and C11 [J,J,J,L,L,L] entries:", len(res[0].C01), len(res[0].C11))

	ref, err := op.NewRef(e, x) // Cheng's add_ref: the target's P00 and P11
	if err != nil {
		panic(err)
	}
	syn, err := op.SynthesisIso(ref)
	if err != nil {
		panic(err)
	}
	v, err := e.Forward(syn.Key(), syn.Stat(), x)
	if err != nil {
		panic(err)
	}
	fmt.Println("for_synthesis_iso:", v.K, "coefficients:"+classCounts(syn.Labels()))
	fmt.Println("for_synthesis:", op.NumSynthesis(false), "coefficients")
	// Output:
	// raw: 762 = 762 coefficients: mean:1 var:1 P00:12 S1:12 C01:96 C11:640
	// C01 [J,J,L,L] and C11 [J,J,J,L,L,L] entries: 144 1728
	// for_synthesis_iso: 191 coefficients: mean:1 P00:3 S1:3 C01re:24 C11re:160
	// for_synthesis: 1497 coefficients
}
