package stlayer

import (
	"fmt"
	"strings"
)

// Labels is the label table carried with every coefficient vector (scatspectra's
// habit): one row per coefficient, in the order of the coefficient vector.
// Columns names the integer columns (e.g. "j1", "l1", "p1", "j2", "l2", "p2",
// "j3", "l3", "n", "a"); Rows[i][c] is the value of column c for coefficient i
// (−1 where a column does not apply to that coefficient's class); Class[i] is
// the class name ("S0", "S1", "S2", "S11", "C01", "P00", …).
type Labels struct {
	Columns []string
	Class   []string
	Rows    [][]int
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

// Len is the number of coefficients.
func (l *Labels) Len() int { return len(l.Class) }

func (l *Labels) col(name string) int {
	for i, c := range l.Columns {
		if c == name {
			return i
		}
	}
	return -1
}

// Get returns the value of column name for coefficient i (−1 if absent, and
// for a name that is not a column). i must be in [0, Len()).
func (l *Labels) Get(i int, name string) int {
	c := l.col(name)
	if c < 0 {
		return -1
	}
	return l.Rows[i][c]
}

// Select returns the indices of the coefficients of the given class (every
// class when class is "") whose columns match every (name, value) pair in
// where. A name that is not a column reads as −1 (see Get): it matches only
// the value −1, so a misspelt column selects nothing.
func (l *Labels) Select(class string, where map[string]int) []int {
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

// Append concatenates another table (columns are merged by name); a nil o
// appends nothing.
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
}

// String renders coefficient i as "C01(j1=0,l1=1,j2=2,l2=0)".
func (l *Labels) String(i int) string {
	var parts []string
	for c, name := range l.Columns {
		if l.Rows[i][c] != -1 {
			parts = append(parts, fmt.Sprintf("%s=%d", name, l.Rows[i][c]))
		}
	}
	return l.Class[i] + "(" + strings.Join(parts, ",") + ")"
}
