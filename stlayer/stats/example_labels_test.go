package stats_test

import (
	"fmt"
	"log"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Example_labelTable measures two statistics of a map and reads their label
// tables: one row per coefficient, in the order of the coefficient vector
// (stlayer.Labels). Select finds coefficients by class and indices, Get
// reads an index, String renders a row; an index outside [0, Len()) names
// no coefficient (String says so, Get gives −1).
func Example_labelTable() {
	x := stlayer.NewMaps(1, 32, 32) // or datasets.ReadMaps("map.npy")
	for i := range x.Data {
		r, c := float64(i/32), float64(i%32)
		x.Data[i] = math.Exp(math.Sin(0.4*r) + math.Cos(0.3*(r+2*c)))
	}
	eng := cpu.New()
	for _, spec := range []stats.Spec{
		{Kind: stats.SCov, J: 3, Iso: true},   // Cheng's for_synthesis_iso, normalised by x's P00
		{Kind: stats.WPH, J: 3, Norm: "auto"}, // PyWPH's moments, norm='auto' on x
	} {
		// BuildWithRef: the reference of normalised statistics is measured
		// on x (stats.Build would refuse norm auto).
		op, err := stats.BuildWithRef(spec, eng, x)
		if err != nil {
			log.Fatal(err)
		}
		c, err := eng.Forward(op.Key(), op.Stat(), x) // [B, K, 1, 1]
		if err != nil {
			log.Fatal(err)
		}
		lab := op.Labels()
		fmt.Printf("%s: %d coefficients (labels %d), columns %v\n", spec.Kind, c.K, lab.Len(), lab.Columns)
		var first int
		switch spec.Kind {
		case stats.SCov:
			// log P00 of scale j1 = 2 (isotropic: one per scale)
			first = lab.Select("P00", map[string]int{"j1": 2})[0]
		case stats.WPH:
			// S11 moment of scale 1, orientation 0 with itself (τ = 0):
			// under norm auto, 1 on the reference map (a correlation)
			first = lab.Select("S11", map[string]int{"j1": 1, "l1": 0, "j2": 1, "l2": 0, "n": 0})[0]
		}
		fmt.Printf("  row %d %s = %.3f, j1 = %d\n", first, lab.String(first), real(c.Row(0)[first]), lab.Get(first, "j1"))
		fmt.Printf("  %s, Get: %d\n", lab.String(c.K), lab.Get(c.K, "j1"))
	}
	// Output:
	// scov: 191 coefficients (labels 191), columns [j1 j2 j3 l1 l2 l3]
	//   row 3 P00(j1=2) = -1.318, j1 = 2
	//   label index 191 out of range [0, 191), Get: -1
	// wph: 102 coefficients (labels 102), columns [j1 l1 p1 j2 l2 p2 n a pseudo]
	//   row 4 S11(j1=1,l1=0,p1=1,j2=1,l2=0,p2=1,n=0,a=0,pseudo=0) = 1.000, j1 = 1
	//   label index 102 out of range [0, 102), Get: -1
}
