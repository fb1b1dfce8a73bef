package wph

import (
	"slices"
	"strings"
	"testing"
)

// PyWPH's scaling moments L start at the scale j = −1 (φ_{−1}, σ = σ0/2;
// scaling_moments_indices rows [j, p1, p2, pseudo] = [−1, 0, 0, 0], …). The
// label table carries that scale as j1 = j2 = −1: −1 in an "L" row's j1/j2 is
// the scale, not the table's "absent" marker, so the three j = −1 rows are
// selected by j1 = −1 and read back with Get, and match PyWPHIndices' sm rows.
// The table marks it as a value (Labels.Values["L"] = [j1 j2]), so
// Labels.Has and Labels.String keep it: see TestScalingMomentLabelStrings.
func TestScalingMomentLabelsCarryJMinus1(t *testing.T) {
	op := newOp(t, Config{J: 5, L: 4}, 64, 64)
	lb := op.Labels()
	_, sm, _ := op.PyWPHIndices()
	idx := lb.Select("L", nil)
	if len(idx) != len(sm) || len(idx) != 9 {
		t.Fatalf("%d L rows, %d PyWPH sm rows; want 9 (j = −1, 0, 1 × 3 (p1, p2))", len(idx), len(sm))
	}
	wantJ := []int{-1, -1, -1, 0, 0, 0, 1, 1, 1}
	wantP := [][2]int{{0, 0}, {0, 1}, {1, 1}}
	for k, i := range idx {
		j1, j2 := lb.Get(i, "j1"), lb.Get(i, "j2")
		if j1 != wantJ[k] || j2 != wantJ[k] || sm[k][0] != j1 {
			t.Errorf("L row %d: j1 = %d, j2 = %d, PyWPH j = %d; want %d", k, j1, j2, sm[k][0], wantJ[k])
		}
		if p1, p2 := lb.Get(i, "p1"), lb.Get(i, "p2"); p1 != wantP[k%3][0] || p2 != wantP[k%3][1] {
			t.Errorf("L row %d: (p1, p2) = (%d, %d), want %v", k, p1, p2, wantP[k%3])
		}
		for _, c := range []string{"l1", "l2", "n", "a"} {
			if v := lb.Get(i, c); v != -1 {
				t.Errorf("L row %d: %s = %d, want −1 (absent)", k, c, v)
			}
		}
		if v := lb.Get(i, "pseudo"); v != 0 {
			t.Errorf("L row %d: pseudo = %d, want 0", k, v)
		}
	}
	if got := lb.Select("L", map[string]int{"j1": -1}); len(got) != 3 || got[0] != idx[0] {
		t.Errorf("Select(L, j1 = −1) = %v, want the first three L rows %v", got, idx[:3])
	}
	// the j = −1 moments are those of a scaling function distinct from j = 0's
	sms := op.ScalingMoments()
	if sms[0].J != -1 || sms[3].J != 0 {
		t.Errorf("ScalingMoments j = %d, %d; want −1, 0", sms[0].J, sms[3].J)
	}
}

// Labels.String prints every "L" row with its scale, j = −1 included
// ("L(j1=-1,…)", formerly "L(p1=0,p2=0,pseudo=0)"), and Has reports j1/j2 for
// every "L" row while l1, l2, n, a stay absent; the WPH moments (j ≥ 0) print
// as before.
func TestScalingMomentLabelStrings(t *testing.T) {
	op := newOp(t, Config{J: 5, L: 4}, 64, 64)
	lb := op.Labels()
	if got := lb.Values; len(got) != 1 || !slices.Equal(got["L"], []string{"j1", "j2"}) {
		t.Errorf("Values = %v, want map[L:[j1 j2]]", got)
	}
	idx := lb.Select("L", nil)
	want := []string{
		"L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0)", "L(j1=-1,p1=0,j2=-1,p2=1,pseudo=0)", "L(j1=-1,p1=1,j2=-1,p2=1,pseudo=0)",
		"L(j1=0,p1=0,j2=0,p2=0,pseudo=0)", "L(j1=0,p1=0,j2=0,p2=1,pseudo=0)", "L(j1=0,p1=1,j2=0,p2=1,pseudo=0)",
		"L(j1=1,p1=0,j2=1,p2=0,pseudo=0)", "L(j1=1,p1=0,j2=1,p2=1,pseudo=0)", "L(j1=1,p1=1,j2=1,p2=1,pseudo=0)",
	}
	if len(idx) != len(want) {
		t.Fatalf("%d L rows, want %d", len(idx), len(want))
	}
	for k, i := range idx {
		if got := lb.String(i); got != want[k] {
			t.Errorf("L row %d: String = %q, want %q", k, got, want[k])
		}
		for _, c := range []string{"j1", "j2", "p1", "p2", "pseudo"} {
			if !lb.Has(i, c) {
				t.Errorf("L row %d: Has(%s) = false", k, c)
			}
		}
		for _, c := range []string{"l1", "l2", "n", "a"} {
			if lb.Has(i, c) {
				t.Errorf("L row %d: Has(%s) = true, want absent", k, c)
			}
		}
	}
	// every name is distinct, and the non-"L" rows never print a −1
	seen := map[string]int{}
	for i := range lb.Len() {
		s := lb.String(i)
		if j, ok := seen[s]; ok {
			t.Errorf("rows %d and %d both print %q", j, i, s)
		}
		seen[s] = i
		if lb.Class[i] != "L" && strings.Contains(s, "=-1") {
			t.Errorf("row %d (%s) prints a −1: %q", i, lb.Class[i], s)
		}
	}
	if got, want := lb.String(0), "S11(j1=0,l1=0,p1=1,j2=0,l2=0,p2=1,n=0,a=0,pseudo=0)"; got != want {
		t.Errorf("String(0) = %q, want %q", got, want)
	}
}
