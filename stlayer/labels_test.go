package stlayer_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// A −1 marked as a value (Labels.Values, MarkValues) is printed by String
// and reported by Has, while Get and Select read it as before; unmarked −1
// stays "absent"; Append merges the marks per class, and copies never share
// the source's map.
func TestLabelsMinusOneValues(t *testing.T) {
	l := stlayer.NewLabels("j1", "l1", "p1", "j2")
	l.Add("S11", map[string]int{"j1": 0, "l1": 1, "p1": 0, "j2": 0})
	l.Add("L", map[string]int{"j1": -1, "p1": 0, "j2": -1})
	l.Add("L", map[string]int{"j1": 0, "p1": 1, "j2": 0})
	l.Add("X", map[string]int{"p1": 2}) // j1 absent in an unmarked class

	// before marking: the pre-existing rendering
	if got, want := l.String(1), "L(p1=0)"; got != want {
		t.Errorf("unmarked String(1) = %q, want %q", got, want)
	}
	l.MarkValues("L", "j1", "j2")
	l.MarkValues("L", "j1") // twice: harmless
	if got := l.Values["L"]; !slices.Equal(got, []string{"j1", "j2"}) {
		t.Errorf(`Values["L"] = %v, want [j1 j2]`, got)
	}
	want := []string{"S11(j1=0,l1=1,p1=0,j2=0)", "L(j1=-1,p1=0,j2=-1)", "L(j1=0,p1=1,j2=0)", "X(p1=2)"}
	for i, w := range want {
		if got := l.String(i); got != w {
			t.Errorf("String(%d) = %q, want %q", i, got, w)
		}
	}
	for _, c := range []struct {
		i    int
		name string
		has  bool
		get  int
	}{
		{1, "j1", true, -1}, {1, "j2", true, -1}, {1, "l1", false, -1}, {1, "p1", true, 0},
		{3, "j1", false, -1}, {0, "l1", true, 1}, {1, "nope", false, -1},
	} {
		if got := l.Has(c.i, c.name); got != c.has {
			t.Errorf("Has(%d, %s) = %t, want %t", c.i, c.name, got, c.has)
		}
		if got := l.Get(c.i, c.name); got != c.get {
			t.Errorf("Get(%d, %s) = %d, want %d", c.i, c.name, got, c.get)
		}
	}
	if got := l.Select("L", map[string]int{"j1": -1}); !slices.Equal(got, []int{1}) {
		t.Errorf("Select(L, j1 = -1) = %v, want [1]", got)
	}
	if got := l.Select("", map[string]int{"j1": -1}); !slices.Equal(got, []int{1, 3}) {
		t.Errorf("Select(any, j1 = -1) = %v, want [1 3] (Select reads the stored −1, marked or not)", got)
	}

	// Append: into a table with other columns and no marks; the marks follow
	// and the rows read the same.
	a := stlayer.NewLabels("j1", "n")
	a.Add("C01", map[string]int{"j1": 2, "n": 0})
	a.Append(l)
	if got, want := a.Columns, []string{"j1", "n", "l1", "p1", "j2"}; !slices.Equal(got, want) {
		t.Fatalf("appended columns %v, want %v", got, want)
	}
	wantA := []string{"C01(j1=2,n=0)", "S11(j1=0,l1=1,p1=0,j2=0)", "L(j1=-1,p1=0,j2=-1)", "L(j1=0,p1=1,j2=0)", "X(p1=2)"}
	for i, w := range wantA {
		if got := a.String(i); got != w {
			t.Errorf("appended String(%d) = %q, want %q", i, got, w)
		}
	}
	if got := a.Select("L", map[string]int{"j1": -1}); !slices.Equal(got, []int{2}) {
		t.Errorf("appended Select(L, j1 = -1) = %v, want [2]", got)
	}
	// merging marks of two tables: the union per class
	b := stlayer.NewLabels("j1", "l1", "p1", "j2")
	b.Add("L", map[string]int{"p1": 0})
	b.MarkValues("L", "l1")
	b.MarkValues("Y", "p1")
	a.Append(b)
	if got := a.Values["L"]; !slices.Equal(got, []string{"j1", "j2", "l1"}) {
		t.Errorf(`merged Values["L"] = %v, want [j1 j2 l1]`, got)
	}
	if got := a.Values["Y"]; !slices.Equal(got, []string{"p1"}) {
		t.Errorf(`merged Values["Y"] = %v, want [p1]`, got)
	}
	// the class-wide mark now applies to b's row too (documented: per class)
	if got, want := a.String(5), "L(j1=-1,l1=-1,p1=0,j2=-1)"; got != want {
		t.Errorf("appended String(5) = %q, want %q", got, want)
	}
	// neither source table was changed by the merge
	if got := l.Values["L"]; !slices.Equal(got, []string{"j1", "j2"}) {
		t.Errorf(`source Values["L"] changed to %v`, got)
	}

	// a table copied row by row keeps the marks with MergeValues; a copy that
	// assigned the map is not changed by marking the other one
	c := stlayer.NewLabels(l.Columns...)
	for i := range l.Class {
		vals := map[string]int{}
		for k, name := range l.Columns {
			vals[name] = l.Rows[i][k]
		}
		c.Add(l.Class[i], vals)
	}
	if got := c.String(1); got != "L(p1=0)" {
		t.Errorf("copy without marks: String(1) = %q", got)
	}
	c.MergeValues(l)
	if got := c.String(1); got != want[1] {
		t.Errorf("copy with MergeValues: String(1) = %q, want %q", got, want[1])
	}
	shared := &stlayer.Labels{Columns: l.Columns, Class: l.Class, Rows: l.Rows, Values: l.Values}
	shared.MarkValues("S11", "j2")
	if _, ok := l.Values["S11"]; ok {
		t.Errorf("MarkValues on a table sharing l's Values map changed l: %v", l.Values)
	}

	// MarkValues refuses an unknown column before changing anything
	func() {
		defer func() {
			r := recover()
			if r == nil || !strings.Contains(r.(string), `"zz"`) {
				t.Errorf("MarkValues with an unknown column: recover() = %v, want a panic naming it", r)
			}
		}()
		l.MarkValues("L", "p1", "zz")
	}()
	if got := l.Values["L"]; !slices.Equal(got, []string{"j1", "j2"}) {
		t.Errorf(`Values["L"] = %v after a refused MarkValues`, got)
	}
}
