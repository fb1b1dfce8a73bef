package infer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
	"testing"
)

// TestDocNamesExist: every Go-like name (CamelCase with two capitals or
// more, not qualified by a package) in the package's comments is declared
// in the package (a function, type, field, method, constant or variable,
// tests and benchmarks included), or is one of a short list of outside
// names (other packages' identifiers, gonum's statuses, proper nouns).
// models.go's format doc cited "PSOpCorner", a name that does not exist
// (NewPSOpCorner).
func TestDocNamesExist(t *testing.T) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.FuncDecl:
					names[x.Name.Name] = true
				case *ast.TypeSpec:
					names[x.Name.Name] = true
				case *ast.Field:
					for _, nm := range x.Names {
						names[nm.Name] = true
					}
				case *ast.ValueSpec:
					for _, nm := range x.Names {
						names[nm.Name] = true
					}
				}
				return true
			})
		}
	}
	outside := map[string]bool{
		"CompSep": true, "PyWPH": true, "HEALPix": true, "NaN": true, "DFTs": true, // proper nouns, words
		"FunctionConvergence": true, "FunctionEvaluationLimit": true, "IterationLimit": true, // gonum optimize statuses
		"MulConst": true, "PriorVarOffset": true, "SamplePrior": true, // stlayer.Prim, vae.Config, vae.Model
		"PSx": true, "SepTerms": true, // a label class, a plural
	}
	word := regexp.MustCompile(`(?:[A-Za-z_][A-Za-z0-9_]*\.)?\b[A-Z][A-Za-z0-9]*\b`)
	caps := regexp.MustCompile(`[A-Z]`)
	for _, p := range pkgs {
		for fn, f := range p.Files {
			if strings.HasSuffix(fn, "_test.go") {
				continue
			}
			for _, cg := range f.Comments {
				for _, m := range word.FindAllString(cg.Text(), -1) {
					if strings.Contains(m, ".") || strings.ToUpper(m) == m || len(caps.FindAllString(m, -1)) < 2 {
						continue
					}
					if !names[m] && !outside[m] {
						t.Errorf("%s: the comment names %s, which the package does not declare", fset.Position(cg.Pos()), m)
					}
				}
			}
		}
	}
}
