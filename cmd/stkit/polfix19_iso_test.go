package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestPolfix19IsoTau0: the wph --iso dashboard draws the rows at τ = 0
// only (isoTau0Rows keeps every row with n = 0, leaves out and counts those
// with n > 0) and says so in its title (isoTauNote), where pol's report found
// stats I.fits --kind wph --iso -J 5 --dn 1 --plot drawing the complex
// τ ≠ 0 rows among τ = 0's in one |S11| panel; its subtitle names the
// full-circle mean ½(X̄(τ) + conj X̄(−τ)), no longer "averaged over
// rotations by multiples of 180°/4". The dashboards (auto and --cross)
// are still drawn.
func TestPolfix19IsoTau0(t *testing.T) {
	spec := stats.Spec{Kind: stats.WPH, J: 3, L: 4, DN: 1, Iso: true}
	op, err := wphIsoOp(spec, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	lab := op.Labels()
	row := make([]complex128, lab.Len())
	nTau := 0
	for i := range row {
		row[i] = complex(float64(i), 0)
		if lab.Get(i, "n") > 0 {
			nTau++
		}
	}
	if nTau == 0 || nTau == lab.Len() {
		t.Fatalf("--dn 1: %d of %d rows at τ ≠ 0", nTau, lab.Len())
	}
	kept, rows, dropped := isoTau0Rows(lab, [][]complex128{row})
	if dropped != nTau || kept.Len() != lab.Len()-nTau || len(rows[0]) != kept.Len() {
		t.Fatalf("kept %d (%d values), dropped %d; want %d, %d", kept.Len(), len(rows[0]), dropped, lab.Len()-nTau, nTau)
	}
	for k := 0; k < kept.Len(); k++ {
		i := int(real(rows[0][k])) // the original row index
		if kept.Get(k, "n") > 0 || kept.Class[k] != lab.Class[i] || kept.Get(k, "j1") != lab.Get(i, "j1") {
			t.Fatalf("kept row %d: %s n=%d, from row %d %s", k, kept.Class[k], kept.Get(k, "n"), i, lab.Class[i])
		}
	}
	if note := isoTauNote(dropped, lab.Len()); !strings.Contains(note, "τ ≠ 0") || isoTauNote(0, 5) != "" {
		t.Errorf("isoTauNote %q", note)
	}
	n := isoDashboardNote(spec)
	if !strings.Contains(n, "full circle") || !strings.Contains(n, "conj X̄(−τ)") || !strings.Contains(n, "8 rotations") {
		t.Errorf("iso note %q", n)
	}
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	cp := writeAnisoMaps(t, filepath.Join(dir, "c.npy"), stripeMaps(64, 4, []float64{30}))
	for _, extra := range [][]string{nil, {"--cross", cp}} {
		args := append([]string{"stats", mp, "--kind", "wph", "--iso", "-J", "3", "--dn", "1", "--plot", filepath.Join(dir, "d.png")}, extra...)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, tail(errs, 300))
		}
	}
}
