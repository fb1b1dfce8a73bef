package wph_test

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wph"
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

// PyWPH's default model on one 32×32 map with J = 3 scales and L = 4
// orientations, raw (norm=None) coefficients in PyWPH's order. Zero optional
// fields of Config mean PyWPH's defaults for the J and L given.
func Example() {
	op, err := wph.New(wph.Config{J: 3, L: 4}, 32, 32)
	if err != nil {
		panic(err)
	}
	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		r, c := i/32, i%32
		x.Data[i] = math.Exp(math.Sin(0.5*float64(r)) * math.Cos(0.2*float64(c+r)))
	}
	coeffs, err := cpu.New().Forward(op.Key(), op.Stat(), x)
	if err != nil {
		panic(err)
	}
	fmt.Println("shape [B, K, H, W]:", coeffs.B, coeffs.K, coeffs.H, coeffs.W)
	fmt.Println("classes:" + classCounts(op.Labels()))
	// The first C01 rows: (j1, j2) = (0, 1), l1 = 0, l2 = l1−2 … l1+1 mod 4.
	first := op.Labels().Select("C01", nil)[0]
	for i := first; i < first+4; i++ {
		fmt.Println(op.Labels().String(i))
	}
	// Output:
	// shape [B, K, H, W]: 1 102 1 1
	// classes: S11:12 S00:12 S01:12 C01:48 Cphase:12 L:6
	// C01(j1=0,l1=0,p1=0,j2=1,l2=2,p2=1,n=0,a=0,pseudo=0)
	// C01(j1=0,l1=0,p1=0,j2=1,l2=3,p2=1,n=0,a=0,pseudo=0)
	// C01(j1=0,l1=0,p1=0,j2=1,l2=0,p2=1,n=0,a=0,pseudo=0)
	// C01(j1=0,l1=0,p1=0,j2=1,l2=1,p2=1,n=0,a=0,pseudo=0)
}

// The size of PyWPH's default model for J = 7, L = 4 (statistics.md §2.3).
func ExampleOp_NumCoeffs() {
	op, err := wph.New(wph.Config{J: 7, L: 4}, 128, 128)
	if err != nil {
		panic(err)
	}
	fmt.Println(op.NumCoeffs(), "coefficients:"+classCounts(op.Labels()))
	// Output:
	// 513 coefficients: S11:28 S00:28 S01:28 C01:336 Cphase:84 L:9
}
