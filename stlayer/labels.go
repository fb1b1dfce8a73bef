package stlayer

import (
	"fmt"
	"slices"
	"strings"
)

// Labels is the label table carried with every coefficient vector (scatspectra's
// habit): one row per coefficient, in the order of the coefficient vector.
// Columns names the integer columns (e.g. "j1", "l1", "p1", "j2", "l2", "p2",
// "j3", "l3", "n", "a"); Rows[i][c] is the value of column c for coefficient i
// (−1 where a column does not apply to that coefficient's class); Class[i] is
// the class name ("S0", "S1", "S2", "S11", "C01", "P00", …).
//
// Values lists, per class, the columns in which −1 is a value rather than
// "absent" (WPH's scaling moments: {"L": {"j1", "j2"}}, PyWPH's scale
// j = −1); nil for tables without such a column. It applies to every row of
// that class. Get and Select read the stored −1 either way (Select with
// j1 = −1 finds those rows); Has and String tell the two apart. Set it with
// MarkValues; a table built row by row from another one keeps it with
// MergeValues (Append does so itself).
type Labels struct {
	Columns []string
	Class   []string
	Rows    [][]int
	Values  map[string][]string
}

// NewLabels returns an empty table with the given columns.
func NewLabels(columns ...string) *Labels { return &Labels{Columns: columns} }

// Add appends a row; vals are given as column name → value pairs; missing
// columns are −1. A name in vals that is not a column is a programming error:
// Add panics with a message naming it, before changing the table.
func (l *Labels) Add(class string, vals map[string]int) {
	row := make([]int, len(l.Columns))
	for i, c := range l.Columns {
		if v, ok := vals[c]; ok {
			row[i] = v
		} else {
			row[i] = -1
		}
	}
	for k := range vals {
		if l.col(k) < 0 {
			panic(fmt.Sprintf("stlayer: label column %q not in %v", k, l.Columns))
		}
	}
	l.Class = append(l.Class, class)
	l.Rows = append(l.Rows, row)
}

// MarkValues records that −1 in the given columns of the rows of class is a
// value, not "absent" (see Values); marking a column twice is harmless. A
// name that is not a column is a programming error: MarkValues panics with a
// message naming it, before changing the table.
func (l *Labels) MarkValues(class string, columns ...string) {
	for _, c := range columns {
		if l.col(c) < 0 {
			panic(fmt.Sprintf("stlayer: label column %q not in %v", c, l.Columns))
		}
	}
	if len(columns) == 0 {
		return
	}
	cur := slices.Clone(l.Values[class])
	for _, c := range columns {
		if !slices.Contains(cur, c) {
			cur = append(cur, c)
		}
	}
	m := make(map[string][]string, len(l.Values)+1)
	for k, v := range l.Values {
		m[k] = v
	}
	m[class] = cur
	l.Values = m
}

// MergeValues adds o's Values to l's (a nil o adds nothing). Columns of o
// that l lacks are a programming error (MarkValues panics): merge after
// adding the columns, as Append does. l never shares o's map or slices.
func (l *Labels) MergeValues(o *Labels) {
	if o == nil {
		return
	}
	classes := make([]string, 0, len(o.Values))
	for c := range o.Values {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	for _, c := range classes {
		l.MarkValues(c, o.Values[c]...)
	}
}

// Len is the number of coefficients (0 for a nil table).
func (l *Labels) Len() int {
	if l == nil {
		return 0
	}
	return len(l.Class)
}

// inRange reports whether i is a coefficient of the table: 0 ≤ i < Len()
// and a row is stored for it.
func (l *Labels) inRange(i int) bool { return i >= 0 && i < l.Len() && i < len(l.Rows) }

func (l *Labels) col(name string) int {
	for i, c := range l.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Get returns the value of column name for coefficient i (−1 if absent, for
// a name that is not a column, and for an index i outside [0, Len()), which
// names no coefficient). A −1 that is a value (see Values) reads as −1 too:
// Has tells them apart.
func (l *Labels) Get(i int, name string) int {
	if !l.inRange(i) {
		return -1
	}
	c := l.col(name)
	if c < 0 || c >= len(l.Rows[i]) {
		return -1
	}
	return l.Rows[i][c]
}

// Has reports whether column name applies to coefficient i: its value is not
// −1, or −1 is a value in that column for the coefficient's class (Values).
// False for a name that is not a column and for an index i outside
// [0, Len()).
func (l *Labels) Has(i int, name string) bool {
	if !l.inRange(i) {
		return false
	}
	c := l.col(name)
	if c < 0 || c >= len(l.Rows[i]) {
		return false
	}
	return l.Rows[i][c] != -1 || slices.Contains(l.Values[l.Class[i]], name)
}

// Select returns the indices of the coefficients of the given class (every
// class when class is "") whose columns match every (name, value) pair in
// where. A name that is not a column reads as −1 (see Get): it matches only
// the value −1, so a misspelt column selects nothing.
func (l *Labels) Select(class string, where map[string]int) []int {
	if l == nil {
		return nil
	}
	var idx []int
	for i := range l.Class {
		if class != "" && l.Class[i] != class {
			continue
		}
		ok := true
		for k, v := range where {
			if l.Get(i, k) != v {
				ok = false
				break
			}
		}
		if ok {
			idx = append(idx, i)
		}
	}
	return idx
}

// Append concatenates another table (columns are merged by name, Values
// merged per class, see MergeValues); a nil o appends nothing.
func (l *Labels) Append(o *Labels) {
	if o == nil {
		return
	}
	for _, c := range o.Columns {
		if l.col(c) < 0 {
			l.Columns = append(l.Columns, c)
			for i := range l.Rows {
				l.Rows[i] = append(l.Rows[i], -1)
			}
		}
	}
	for i := range o.Class {
		vals := map[string]int{}
		for c, name := range o.Columns {
			if o.Rows[i][c] >= 0 || o.Rows[i][c] < -1 {
				vals[name] = o.Rows[i][c]
			}
		}
		l.Add(o.Class[i], vals)
	}
	l.MergeValues(o)
}

// String renders coefficient i as "C01(j1=0,l1=1,j2=2,l2=0)": the columns
// that apply to it (Has), in column order, as name=value; a −1 that is a
// value is printed ("L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0)" for WPH's scaling
// moments at j = −1), an absent column is left out. An index outside
// [0, Len()) names no coefficient: String returns "label index 100000 out
// of range [0, 191)" (no panic), a text that no label reads like.
func (l *Labels) String(i int) string {
	if !l.inRange(i) {
		return fmt.Sprintf("label index %d out of range [0, %d)", i, l.Len())
	}
	var parts []string
	for c, name := range l.Columns {
		if l.Has(i, name) {
			parts = append(parts, fmt.Sprintf("%s=%d", name, l.Rows[i][c]))
		}
	}
	return l.Class[i] + "(" + strings.Join(parts, ",") + ")"
}
