package stkit

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestLibdoc19DocNamesExist: every package-qualified name the module's
// front page (doc.go) cites, e.g. infer.SampleComponent or
// datasets.ExampleReadMaps, is a top-level declaration (examples included)
// of that package, so that the page cannot point to a renamed or removed
// entry point.
func TestLibdoc19DocNamesExist(t *testing.T) {
	dirs := map[string]string{
		"datasets": "datasets", "stats": "stlayer/stats", "stlayer": "stlayer", "cpu": "stlayer/cpu",
		"graph": "stlayer/graph", "infer": "infer", "vae": "vae", "train": "train", "gmm": "gmm",
		"checkpoints": "checkpoints",
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	text := f.Doc.Text()
	re := regexp.MustCompile(`\b([a-z]+)\.([A-Z][A-Za-z0-9_]*)`)
	declared := map[string]map[string]bool{}
	cited := 0
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		dir, ok := dirs[m[1]]
		if !ok {
			continue
		}
		if declared[dir] == nil {
			declared[dir] = topLevelNames(t, dir)
		}
		cited++
		if !declared[dir][m[2]] {
			t.Errorf("doc.go cites %s.%s, which %s does not declare", m[1], m[2], dir)
		}
	}
	if cited < 20 {
		t.Errorf("doc.go cites %d package-qualified names; the regexp or the page changed", cited)
	}
}

// topLevelNames returns the top-level functions (not methods), types,
// constants and variables declared in the Go files of dir, test files
// included (for the examples).
func topLevelNames(t *testing.T, dir string) map[string]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("%s: no Go files (%v)", dir, err)
	}
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f.Name.Name, "_test") && !strings.HasSuffix(path, "_test.go") {
			continue
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil {
					names[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						names[s.Name.Name] = true
					case *ast.ValueSpec:
						for _, n := range s.Names {
							names[n.Name] = true
						}
					}
				}
			}
		}
	}
	return names
}
