package infer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// methodsSection returns the text of section sec ("3.8") of methods.md:
// from its heading to the next heading.
func methodsSection(t *testing.T, doc, sec string) string {
	t.Helper()
	lines := strings.Split(doc, "\n")
	start := -1
	for i, l := range lines {
		if strings.HasPrefix(l, "#") {
			if start >= 0 {
				return strings.Join(lines[start:i], "\n")
			}
			h := strings.TrimLeft(l, "# ")
			if strings.HasPrefix(h, sec+" ") || strings.HasPrefix(h, sec+". ") {
				start = i
			}
		}
	}
	if start >= 0 {
		return strings.Join(lines[start:], "\n")
	}
	return ""
}

// TestMethodsLinks: every "§" in the package's sources is a reference
// "methods.md §X.Y" to a section of shared/docs/methods.md that exists and
// says what the comment takes from it (synth.go cited a bare "§1.3"; the
// MinFraction mask was cited as methods.md §3.8's "mask of informative
// coefficients", which is a threshold on log |Φ|, §1.2, not a power
// fraction). The separation quality thresholds are §3.9's proposed pass
// criteria.
func TestMethodsLinks(t *testing.T) {
	b, err := os.ReadFile(testutil.SharedFile(t, "docs", "methods.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	ref := regexp.MustCompile(`methods\.md §(\d+(?:\.\d+)?)`)
	refs := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(src), "\n") {
			n := strings.Count(l, "§")
			ms := ref.FindAllStringSubmatch(l, -1)
			if len(ms) != n {
				t.Errorf("%s:%d: %d § but %d references \"methods.md §X\": %s", f, i+1, n, len(ms), strings.TrimSpace(l))
			}
			for _, m := range ms {
				refs[m[1]] = true
				if methodsSection(t, doc, m[1]) == "" {
					t.Errorf("%s:%d: methods.md has no section %s", f, i+1, m[1])
				}
			}
		}
	}
	for _, c := range []struct{ sec, says string }{
		{"1.2", "Coefficient threshold mask"},
		{"1.2", "histogram of log10"},
		{"1.3", "the iteration cap is the real stopping criterion"},
		{"2.3", "PS ratio within ±10 % on all bins except the first"},
		{"3.8", "mask of informative coefficients"},
		{"3.9", "Proposed pass criteria"},
		{"3.9", `\|P_s̃/P_s − 1\| ≤ 10 % wherever P_n/P_s ≤ 10`},
		{"3.9", "r(k) ≥ 0.9 where P_n/P_s ≤ 1"},
	} {
		if !refs[c.sec] {
			t.Errorf("no source cites methods.md §%s any more: update this test", c.sec)
		}
		if !strings.Contains(methodsSection(t, doc, c.sec), c.says) {
			t.Errorf("methods.md §%s does not say %q", c.sec, c.says)
		}
	}
	if SepPSTolerance != 0.10 || SepPSContamRatio != 10 || SepRMin != 0.9 || SepRContamRatio != 1 {
		t.Errorf("thresholds %g, %g, %g, %g; methods.md §3.9: 10 %%, 10, 0.9, 1", SepPSTolerance, SepPSContamRatio, SepRMin, SepRContamRatio)
	}
}

// TestPackageDocNames: every exported name the package doc lists as an
// entry point exists in the package.
func TestPackageDocNames(t *testing.T) {
	src, err := os.ReadFile("loss.go")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src[:strings.Index(string(src), "\npackage infer")])
	i := strings.Index(doc, "// Entry points:")
	j := strings.Index(doc, "// Conventions:")
	if i < 0 || j < i {
		t.Fatal("the package doc has no entry points")
	}
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, f := range pkgs["infer"].Files {
		for name, obj := range f.Scope.Objects {
			if ast.IsExported(name) && obj != nil {
				names[name] = true
			}
		}
	}
	list := regexp.MustCompile(`\b[A-Z][a-z]+[A-Z][A-Za-z]*\b|\b(Preset|Generate|Minimize|Validate|Separate|Wasserstein1|Moments)\b`).FindAllString(doc[i:j], -1)
	if len(list) < 20 {
		t.Fatalf("found only %d names in the entry points: %v", len(list), list)
	}
	for _, n := range list {
		if n == "GM" {
			continue
		}
		if !names[n] {
			t.Errorf("the package doc names %s, which the package does not export", n)
		}
	}
}
