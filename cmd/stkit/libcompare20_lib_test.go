package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats --compare prints and writes the library's numbers: infer.CompareSets
// and Permute on the coefficients of the two sets (one operator, its
// reference over A and B together, as ExampleCompareSets) give the JSON's
// χ²/dof, dof, ν, every part's z, sd_A/sd_B, p and p_low bit for bit, and
// the printed χ²/dof and p; paired too (--paired: sign flips). Only the
// labels differ: the library's are stlayer.Labels' String, the command's
// its JSON keys (labelString).
func TestLibcompare20LibraryMatchesCLI(t *testing.T) {
	const nA, nB, size = 6, 6, 32
	union := stlayer.NewMaps(nA+nB, size, size)
	for i := range nA + nB {
		x, err := datasets.LogNormalField(size, size, -2.5, 0.8, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		for p, v := range x {
			if i >= nA {
				v *= 1.3
			}
			union.Map(i)[p] = v
		}
	}
	dir := t.TempDir()
	pa, pb := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	if err := datasets.WriteMaps(pa, &stlayer.Maps{B: nA, M: size, N: size, Data: union.Data[:nA*size*size]}); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteMaps(pb, &stlayer.Maps{B: nB, M: size, N: size, Data: union.Data[nA*size*size:]}); err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	spec := stats.Spec{Kind: stats.Spectra, J: 3}.WithDefaults(size, size)
	op, err := stats.BuildWithRef(spec, eng, union)
	if err != nil {
		t.Fatal(err)
	}
	c, err := eng.Forward(op.Key(), op.Stat(), union)
	if err != nil {
		t.Fatal(err)
	}
	for _, paired := range []bool{false, true} {
		r, err := infer.CompareSets(c, op.Labels(), nA, nB, infer.CompareOptions{RTol: infer.CompareRoundoff(eng.Name()), ZeroMean: infer.ZeroMeanMaps(union), Paired: paired})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Permute(c, 200, 1); err != nil {
			t.Fatal(err)
		}
		args := []string{"stats", pa, "--compare", pb, "--kind", "spectra", "-J", "3", "--permutations", "200", "-o", filepath.Join(dir, "c.json")}
		if paired {
			args = append(args, "--paired")
		}
		code, out, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("paired %v: exit %d\n%s", paired, code, errs)
		}
		b, err := os.ReadFile(filepath.Join(dir, "c.json"))
		if err != nil {
			t.Fatal(err)
		}
		var d struct {
			Chi2    float64            `json:"chi2_per_dof"`
			Dof     int                `json:"dof"`
			Nu      int                `json:"nu"`
			PermP   float64            `json:"p_permutation"`
			PermLow float64            `json:"p_permutation_low"`
			Perms   int                `json:"permutations"`
			SdRatio float64            `json:"sd_ratio"`
			ClassSd map[string]float64 `json:"sd_ratio_by_class"`
			Ident   []string           `json:"skipped_identical"`
			Parts   []comparePart      `json:"parts"`
		}
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		low := r.PermPLow
		if paired {
			low = d.PermLow // the JSON leaves p_low out of paired sets, as the text does
		}
		if d.Chi2 != r.Chi2 || d.Dof != r.Dof || d.Nu != r.Nu || d.PermP != r.PermP || d.PermLow != low || d.Perms != r.Perms || d.SdRatio != r.SdRatio || d.ClassSd["C11"] != r.ClassSd["C11"] || len(d.Ident) != len(r.Identical) || len(d.Parts) != len(r.Parts) {
			t.Fatalf("paired %v: CLI χ²/dof %v dof %d ν %d p %v p_low %v (%d) sd %v, %d identical, %d parts; library %v %d %d %v %v (%d) %v, %d, %d",
				paired, d.Chi2, d.Dof, d.Nu, d.PermP, d.PermLow, d.Perms, d.SdRatio, len(d.Ident), len(d.Parts), r.Chi2, r.Dof, r.Nu, r.PermP, r.PermPLow, r.Perms, r.SdRatio, len(r.Identical), len(r.Parts))
		}
		for i, p := range d.Parts {
			// the command names coefficients as its JSON keys do
			// (labelString: "label_im" for the column "im")
			if p.Label != labelString(op.Labels(), p.Index) {
				t.Errorf("part %d: label %q, want %q", i, p.Label, labelString(op.Labels(), p.Index))
			}
			p.Label = r.Parts[i].Label
			if p != r.Parts[i] {
				t.Errorf("paired %v: part %d: CLI %+v, library %+v", paired, i, p, r.Parts[i])
			}
		}
		if want := fmt.Sprintf("χ²/dof = %.4g (mean z² over %d dof", r.Chi2, r.Dof); !strings.Contains(out, want) {
			t.Errorf("paired %v: output lacks %q:\n%s", paired, want, out)
		}
		if want := fmt.Sprintf("permutation test: p = %.3g", r.PermP); !strings.Contains(out, want) {
			t.Errorf("paired %v: output lacks %q:\n%s", paired, want, out)
		}
		t.Logf("paired %v: χ²/dof %.4g over %d dof, p %.3g (%d), sd ratio %.3g", paired, r.Chi2, r.Dof, r.PermP, r.Perms, r.SdRatio)
	}
}
