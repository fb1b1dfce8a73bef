package infer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// docReportFiles returns the sorted, distinct file names (x.png, x.json)
// that the doc comment of the package function name lists.
func docReportFiles(t *testing.T, name string) []string {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\b[a-z_]+\.(?:png|json)\b`)
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name && fd.Doc != nil {
					names := re.FindAllString(fd.Doc.Text(), -1)
					slices.Sort(names)
					return slices.Compact(names)
				}
			}
		}
	}
	t.Fatalf("no documented function %s", name)
	return nil
}

// dirFiles returns the sorted names of the files in dir.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

// TestReportFilesMatchDoc: the files WriteSynthReport and SampleReport write
// are those their doc comments list (the lists once lacked loss.png, written
// when the result has a loss history), and loss.png is absent without one.
func TestReportFilesMatchDoc(t *testing.T) {
	const n = 32
	target := stlayer.NewMaps(2, n, n)
	synth := stlayer.NewMaps(2, n, n)
	for b := 0; b < 2; b++ {
		x, _ := smoothGRF(n, 2, uint64(10+b))
		copy(target.Map(b), x)
		y, _ := smoothGRF(n, 2, uint64(20+b))
		copy(synth.Map(b), y)
	}
	want := []string{"histogram.png", "loss.png", "maps.png", "metrics.json", "minkowski.png", "power_spectrum.png"}
	noLoss := slices.DeleteFunc(slices.Clone(want), func(s string) bool { return s == "loss.png" })

	if doc := docReportFiles(t, "WriteSynthReport"); !slices.Equal(doc, want) {
		t.Errorf("WriteSynthReport's doc lists %v, want %v", doc, want)
	}
	dir := t.TempDir()
	if _, err := WriteSynthReport(dir, target, synth, &Result{History: []float64{3, 2, 1}}); err != nil {
		t.Fatal(err)
	}
	if got := dirFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("WriteSynthReport with a history wrote %v, want %v", got, want)
	}
	dir = t.TempDir()
	if _, err := WriteSynthReport(dir, target, synth, nil); err != nil {
		t.Fatal(err)
	}
	if got := dirFiles(t, dir); !slices.Equal(got, noLoss) {
		t.Errorf("WriteSynthReport without a result wrote %v, want %v", got, noLoss)
	}

	if doc := docReportFiles(t, "SampleReport"); !slices.Equal(doc, want) {
		t.Errorf("SampleReport's doc lists %v, want %v", doc, want)
	}
	fx := tinyRun(t)
	ms, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ms.Manifest.PatchSize
	patches := stlayer.NewMaps(4, p, p)
	sampled := stlayer.NewMaps(2, p, p)
	for i := 0; i < 4; i++ {
		copy(patches.Map(i), fx.features.Patches.Patch(i))
	}
	for i := 0; i < 2; i++ {
		copy(sampled.Map(i), fx.features.Patches.Patch(4+i))
	}
	eng := cpu.New()
	for _, c := range []struct {
		res  *SampleResult
		want []string
	}{
		{&SampleResult{Maps: sampled, Results: []*Result{{History: []float64{3, 2}}, {History: []float64{4, 1}}}}, want},
		{&SampleResult{Maps: sampled}, noLoss},
	} {
		dir := t.TempDir()
		if _, err := SampleReport(dir, eng, ms, 0, c.res, patches, nil); err != nil {
			t.Fatal(err)
		}
		if got := dirFiles(t, dir); !slices.Equal(got, c.want) {
			t.Errorf("SampleReport with %d results wrote %v, want %v", len(c.res.Results), got, c.want)
		}
	}
}
