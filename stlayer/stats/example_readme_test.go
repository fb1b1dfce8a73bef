package stats_test

import (
	"fmt"
	"log"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Example_readmeLibrary runs the Go snippet of README.md's "As a library"
// section ("map.npy" stands for a small map written first), so that the
// snippet cannot drift from the API: the library equivalent of
// `stkit stats map.npy --kind scov --iso -J 4 -o c.npy`. It also checks the
// README's remarks that stats.Build (each map normalised by its own P00)
// gives the same numbers as BuildWithRef for one map, and that
// stlayer.ForwardChunked is called as the README writes it.
func Example_readmeLibrary() {
	dir, err := os.MkdirTemp("", "stkit-readme-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "map.npy")
	m := stlayer.NewMaps(1, 64, 64)
	for i := range m.Data {
		r, c := float64(i/64), float64(i%64)
		m.Data[i] = math.Exp(math.Sin(0.3*r) + math.Cos(0.2*(r+2*c)))
	}
	if err := datasets.WriteMaps(path, m); err != nil {
		log.Fatal(err)
	}

	// The README's snippet, with "map.npy" → path.
	x, err := datasets.ReadMaps(path) // float64 [B, M, N], B = 1 for one map; .npz[:member] and FITS too
	if err != nil {
		log.Fatal(err)
	}
	eng := cpu.New() // the CPU engine; stlayer/graph has the GoMLX one
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 4, Iso: true}, eng, x)
	if err != nil {
		log.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), x) // c.Row(b): map b's coefficients
	if err != nil {
		log.Fatal(err)
	}
	lab := op.Labels()
	fmt.Println(c.B, c.K, lab.String(1), lab.String(c.K-1))
	// End of the snippet.

	fmt.Printf("%s = %.4f\n", lab.String(1), real(c.Row(0)[1]))
	self, err := stats.Build(stats.Spec{Kind: stats.SCov, J: 4, Iso: true}, x.M, x.N)
	if err != nil {
		log.Fatal(err)
	}
	c2, err := eng.Forward(self.Key(), self.Stat(), x)
	if err != nil {
		log.Fatal(err)
	}
	worst := 0.0
	for k, v := range c2.Row(0) {
		worst = math.Max(worst, cmplx.Abs(v-c.Row(0)[k]))
	}
	fmt.Println("stats.Build on one map, same numbers:", worst < 1e-12)
	c3, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, 0, nil)
	if err != nil {
		log.Fatal(err)
	}
	same := c3.K == c.K
	for k, v := range c3.Row(0) {
		same = same && v == c.Row(0)[k]
	}
	fmt.Println("stlayer.ForwardChunked, same numbers:", same)
	// Output:
	// 1 369 P00(j1=0) C11re(j1=3,j2=3,j3=3,l2=3,l3=3)
	// P00(j1=0) = -4.0556
	// stats.Build on one map, same numbers: true
	// stlayer.ForwardChunked, same numbers: true
}
