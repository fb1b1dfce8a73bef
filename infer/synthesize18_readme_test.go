package infer_test

import (
	"context"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// readmeSynthSubst maps the lines of README.md's program ("Statistics and
// a synthesis of a .npy map") that Example_readmeSynthesis changes to their
// replacements there: a map written first instead of os.Args[1], a file in
// a temporary folder, and booleans instead of the losses.
var readmeSynthSubst = map[string]string{
	`func main() {`: `func Example_readmeSynthesis() {`,
	`x, err := datasets.ReadMaps(os.Args[1]) // float64 [B, M, N], B = 1 for one map; .npz[:member] and FITS too`: `x, err := datasets.ReadMaps(path) // float64 [B, M, N], B = 1 for one map; .npz[:member] and FITS too`,
	`fmt.Printf("synthesis: loss %.3g → %.3g in %d iterations\n", res.InitialLoss, res.Loss, res.Iters)`:          `fmt.Printf("synthesis: loss fell more than 100-fold: %v\n", res.Loss < res.InitialLoss/100)`,
	`check(datasets.WriteMaps("synth.npy", res.Maps)) // [1, M, N]`:                                               `check(datasets.WriteMaps(filepath.Join(dir, "synth.npy"), res.Maps)) // [1, M, N]`,
}

// Example_readmeSynthesis runs the program of README.md's "Statistics and a
// synthesis of a .npy map" on a 32² map written first (its lines, but for
// those of readmeSynthSubst, and 40 iterations instead of 300;
// TestReadmeSynthesisProgram18 checks that the README's lines are here).
func Example_readmeSynthesis() {
	dir, err := os.MkdirTemp("", "stkit-readme-synth-")
	check(err)
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "map.npy")
	s, err := datasets.GaussianRandomField(32, 32, -3, 2)
	check(err)
	for i, v := range s {
		s[i] = math.Exp(v / 2)
	}
	check(datasets.WriteMaps(path, &stlayer.Maps{B: 1, M: 32, N: 32, Data: s}))

	x, err := datasets.ReadMaps(path) // float64 [B, M, N], B = 1 for one map; .npz[:member] and FITS too
	check(err)
	eng := cpu.New()
	for _, spec := range []stats.Spec{{Kind: stats.WST}, {Kind: stats.WPH}} { // J = 0: log2(min(M, N)) − 2
		op, err := stats.BuildWithRef(spec, eng, x)
		check(err)
		c, labels, err := stats.Forward(eng, op, x) // c.Row(b): map b's coefficients, labels.String(k) names the k-th
		check(err)
		fmt.Printf("%s: %d coefficients, %s = %.4g\n", spec.Kind, c.K, labels.String(1), real(c.Row(0)[1]))
	}
	// synthesis with stkit synth's defaults: scov iso synthesis vector, J = log2(min(M, N)) − 1, preset quality
	spec := stats.Spec{Kind: stats.SCov, Synthesis: true, Iso: true, J: stlayer.Log2Floor(min(x.M, x.N)) - 1}
	op, err := stats.BuildWithRef(spec, eng, x) // the target is the reference of the normalisation
	check(err)
	cfg, err := infer.Preset(infer.PresetQuality, 1, 1) // 1 map, seed 1; 300 iterations
	check(err)
	cfg.Steps = 40
	res, _, err := infer.Synthesize(context.Background(), eng, op, x, cfg)
	check(err)
	fmt.Printf("synthesis: loss fell more than 100-fold: %v\n", res.Loss < res.InitialLoss/100)
	check(datasets.WriteMaps(filepath.Join(dir, "synth.npy"), res.Maps)) // [1, M, N]

	y, err := datasets.ReadMaps(filepath.Join(dir, "synth.npy"))
	check(err)
	fmt.Println(y.B, y.M, y.N)
	// Output:
	// wst: 217 coefficients, S1(j1=0,l1=0) = 0.06333
	// wph: 102 coefficients, S11(j1=0,l1=1,p1=1,j2=0,l2=1,p2=1,n=0,a=0,pseudo=0) = 0.002864
	// synthesis: loss fell more than 100-fold: true
	// 1 32 32
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// TestReadmeSynthesisProgram18 keeps README.md's program and
// Example_readmeSynthesis together: every line of the program's main and
// check functions is a line of the example's file (or, for the lines of
// readmeSynthSubst, its replacement is), and the program imports what the
// example imports bar testing and the example's own helpers.
func TestReadmeSynthesisProgram18(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i := strings.Index(readme, "### Statistics and a synthesis of a `.npy` map")
	if i < 0 {
		t.Fatal("README.md has no section \"Statistics and a synthesis of a `.npy` map\"")
	}
	start := strings.Index(readme[i:], "```go\n")
	if start < 0 {
		t.Fatal("no Go block in the README's section")
	}
	prog := readme[i+start+len("```go\n"):]
	prog = prog[:strings.Index(prog, "\n```")]
	src, err := os.ReadFile("synthesize18_readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(src), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	body := prog[strings.Index(prog, "func main() {"):]
	n := 0
	for _, l := range strings.Split(body, "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if r, ok := readmeSynthSubst[l]; ok {
			l = r
		}
		if !have[l] {
			t.Errorf("README's program line %q is not in Example_readmeSynthesis", l)
		}
		n++
	}
	if n < 25 {
		t.Errorf("only %d lines of the README's program checked", n)
	}
	for _, imp := range []string{`"context"`, `"fmt"`, `"log"`, `"os"`, `"github.com/stkit-org/stkit/datasets"`, `"github.com/stkit-org/stkit/infer"`, `"github.com/stkit-org/stkit/stlayer"`, `"github.com/stkit-org/stkit/stlayer/cpu"`, `"github.com/stkit-org/stkit/stlayer/stats"`} {
		if !strings.Contains(prog, "\t"+imp+"\n") {
			t.Errorf("README's program does not import %s", imp)
		}
	}
}
