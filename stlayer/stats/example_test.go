package stats_test

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// A Spec names a statistic; Build makes its operator for a map size, and any
// engine evaluates it. Here: the isotropic scattering-covariance synthesis
// vector, the global WST and PyWPH's moments of one 32×32 map.
func Example() {
	x := stlayer.NewMaps(1, 32, 32)
	for i := range x.Data {
		r, c := float64(i/32), float64(i%32)
		x.Data[i] = math.Exp(math.Sin(0.4*r) + math.Cos(0.3*(r+2*c)))
	}
	e := cpu.New()
	for _, s := range []stats.Spec{
		{Kind: stats.SCov, J: 3, Iso: true},
		{Kind: stats.WST, J: 3},
		{Kind: stats.WPH, J: 3},
	} {
		full := s.WithDefaults(x.M, x.N)
		op, err := stats.Build(s, x.M, x.N)
		if err != nil {
			panic(err)
		}
		c, err := e.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%s → [%d, %d, %d, %d], first row %s\n", full, c.B, c.K, c.H, c.W, op.Labels().String(0))
	}
	// Output:
	// scov J=3 L=4 iso wavelet=morlet norm=p00 pad=periodic → [1, 191, 1, 1], first row mean()
	// wst J=3 L=4 wavelet=morlet norm=none pad=periodic → [1, 217, 1, 1], first row S0()
	// wph J=3 L=4 wavelet=bump norm=none pad=periodic → [1, 102, 1, 1], first row S11(j1=0,l1=0,p1=1,j2=0,l2=0,p2=1,n=0,a=0,pseudo=0)
}
