package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestMend18SplitListCommaName: splitList follows mapList's rule, so an
// existing file named "a,b.npy" is one path (it was split into "…/a" and
// "b.npy", and -o onto it was not recognised as overwriting an input).
func TestMend18SplitListCommaName(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a,b.npy")
	if err := os.WriteFile(f, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := splitList(f); !slices.Equal(got, []string{f}) {
		t.Errorf("splitList(%q) = %q, want the one file", f, got)
	}
	if got := baseNames(f); got != "a,b.npy" {
		t.Errorf("baseNames = %q, want a,b.npy", got)
	}
	if err := checkOutputFile("-o "+f, f, inputFiles(splitList(f)...)...); err == nil {
		t.Errorf("-o %s onto the input list %s was not refused", f, f)
	}
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"x.npy", []string{"x.npy"}},
		{"x.npy,y.npy", []string{"x.npy", "y.npy"}},
		{"x.npy, y.npy", []string{"x.npy", "y.npy"}},
		{"x.npy,,y.npy", []string{"x.npy", "", "y.npy"}}, // mapList refuses it; the reader reports it
	} {
		if got := splitList(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitList(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
