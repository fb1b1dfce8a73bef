package wst

import (
	"slices"
	"testing"
)

// TestChengDictOmitsVar pins the documented deviation of ChengDict from
// Cheng's scattering_coef dictionary: it holds every array of Cheng's
// dictionary (the keys of reference/cheng_scattering_coef_J6_L4_dust256.npz)
// except `var`, the unbiased variance of the map, which is not a WST
// coefficient.
func TestChengDictOmitsVar(t *testing.T) {
	op, err := New(Config{J: 2, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ChengDict(op, forward(t, op, op.Stat(), randomMaps(7, 1, 16, 16)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range d {
		got = append(got, k)
	}
	slices.Sort(got)
	// Cheng's keys (fixture order: var, mean, S0, S1, S1_iso, S2, S2_iso,
	// s21, s22, P00, P00_iso, P11, P11_iso, for_synthesis, for_synthesis_iso)
	// without var.
	want := []string{"P00", "P00_iso", "P11", "P11_iso", "S0", "S1", "S1_iso", "S2", "S2_iso",
		"for_synthesis", "for_synthesis_iso", "mean", "s21", "s22"}
	if !slices.Equal(got, want) {
		t.Errorf("ChengDict keys %v, want %v (Cheng's without var)", got, want)
	}
}
