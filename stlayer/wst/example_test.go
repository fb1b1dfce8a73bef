package wst_test

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wst"
)

// smallMap returns one deterministic, smooth 32×32 test map.
func smallMap() *stlayer.Maps {
	x := stlayer.NewMaps(1, 32, 32)
	for r := 0; r < 32; r++ {
		for c := 0; c < 32; c++ {
			x.Data[r*32+c] = math.Sin(0.7*float64(r)) + math.Cos(0.3*float64(r+2*c))
		}
	}
	return x
}

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

// The global (Cheng) WST of one 32×32 map with J = 3 scales and L = 4
// orientations: S0, S1 and P00 per (j1, l1), S2 and P11 per (j1 ≤ j2, l1, l2).
func Example() {
	op, err := wst.New(wst.Config{J: 3, L: 4}, 32, 32)
	if err != nil {
		panic(err)
	}
	c, err := cpu.New().Forward(op.Key(), op.Stat(), smallMap())
	if err != nil {
		panic(err)
	}
	fmt.Println("shape [B, K, H, W]:", c.B, c.K, c.H, c.W)
	fmt.Println("classes:" + classCounts(op.Labels()))
	// Row 1 is S1 at (j1, l1) = (0, 0).
	fmt.Println("row 1:", op.Labels().String(1))
	fmt.Println("isotropic classes:" + classCounts(op.IsoLabels()))
	// Output:
	// shape [B, K, H, W]: 1 217 1 1
	// classes: S0:1 S1:12 P00:12 S2:96 P11:96
	// row 1: S1(j1=0,l1=0)
	// isotropic classes: S0:1 S1_iso:3 P00_iso:3 S2_iso:24 P11_iso:24 s21:6 s22:6
}

// The local (Kymatio) WST: coefficient maps subsampled by 2^J, in Kymatio's
// channel order.
func Example_local() {
	op, err := wst.New(wst.Config{J: 2, L: 4, Local: true}, 32, 32)
	if err != nil {
		panic(err)
	}
	c, err := cpu.New().Forward(op.Key(), op.Stat(), smallMap())
	if err != nil {
		panic(err)
	}
	P, Q := op.PaddedSize()
	fmt.Println("padded:", P, Q, "channels:", wst.KymatioChannels(2, 4))
	fmt.Println("shape [B, K, H, W]:", c.B, c.K, c.H, c.W)
	fmt.Println("classes:" + classCounts(op.Labels()))
	// Channel 9 is the first second-order channel (j1, l1, j2, l2) = (0, 0, 1, 0).
	fmt.Println("channel 9:", op.Labels().String(9))
	// Output:
	// padded: 40 40 channels: 25
	// shape [B, K, H, W]: 1 25 8 8
	// classes: S0:1 S1:8 S2:16
	// channel 9: S2(j1=0,l1=0,j2=1,l2=0)
}
