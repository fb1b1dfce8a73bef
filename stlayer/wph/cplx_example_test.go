package wph_test

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
)

// The WPH of a polarisation map z = Q + iU (PyWPH cplx=True): the operator
// takes Q and U stacked vertically (StackPair), 2L orientations over
// [0, 2π), and adds the pseudo moments (label pseudo=1) after each scale's
// S11 and after each (1, 1) scaling moment: with J = 3, L = 4, 3·8 S11 + 3·4
// pseudo, 3·8 S00 and S01, 3·8·8 C01, 3·8 Cphase, 2·(3 + 1) L.
func ExampleConfig_complex() {
	const M = 32
	op, err := wph.New(wph.Config{J: 3, L: 4, Complex: true}, M, M)
	if err != nil {
		panic(err)
	}
	q, u := stlayer.NewMaps(1, M, M), stlayer.NewMaps(1, M, M)
	for i := range q.Data {
		r, c := float64(i/M), float64(i%M)
		q.Data[i] = math.Sin(0.5*r) * math.Cos(0.2*(c+r))
		u.Data[i] = math.Cos(0.3*c) * math.Sin(0.4*(c-r))
	}
	x, err := wph.StackPair(q, u) // [1, 2M, M]: rows 0…M−1 Q, M…2M−1 U
	if err != nil {
		panic(err)
	}
	coeffs, err := op.Forward(cpu.New(), x)
	if err != nil {
		panic(err)
	}
	lb := op.Labels()
	fmt.Println("K =", coeffs.K, "classes:"+classCounts(lb))
	pseudo := lb.Select("S11", map[string]int{"pseudo": 1})
	fmt.Println(len(pseudo), "pseudo S11, first:", lb.String(pseudo[0]))
	// Output:
	// K = 308 classes: S11:36 S00:24 S01:24 C01:192 Cphase:24 L:8
	// 12 pseudo S11, first: S11(j1=0,l1=0,p1=1,j2=0,l2=4,p2=1,n=0,a=0,pseudo=1)
}
