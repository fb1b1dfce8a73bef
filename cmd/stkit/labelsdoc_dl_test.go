package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type labelsdocJSON struct {
	Config struct {
		Orientation *struct {
			DL string `json:"dl"`
		} `json:"orientation"`
		ColumnDoc map[string]string `json:"label_column_doc"`
		ClassDoc  map[string]string `json:"class_doc"`
	} `json:"config"`
	Coefficients []map[string]any `json:"coefficients"`
}

func labelsdocStatsJSON(t *testing.T, mp string, args ...string) labelsdocJSON {
	t.Helper()
	jp := filepath.Join(t.TempDir(), "s.json")
	if code, _, errs := runCLI(t, append(append([]string{"stats", mp}, args...), "-o", jp)...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 600))
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var d labelsdocJSON
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func labelsdocInt(e map[string]any, k string) int {
	v, ok := e[k].(float64)
	if !ok {
		return -1
	}
	return int(v)
}

// The isotropic labels call Δl "l2" (S2_iso(j1,j2,l2), C01re(j1,j2,l2)),
// and nothing the CLI wrote said that this l2 is a difference of
// orientations. The column keeps its name (feature names of datasets and
// models are built from the labels), and the JSON config's
// label_column_doc and orientation.dl, the "# " lines above the printed
// table and --help now say that l2 (l3) of those classes is
// dl = (l2 − l1) mod L. The definition is checked on numbers: wst's
// S2_iso(j1, j2, dl) is the mean over l1 of S2(j1, l1, j2, (l1 + dl) mod L).
func TestStatsIsoColumnIsOrientationDifference(t *testing.T) {
	dir := t.TempDir()
	mp := writePlaneWave(t, dir, 8, 4) // anisotropic: every dl differs
	const L = 4
	raw := labelsdocStatsJSON(t, mp, "--kind", "wst", "-J", "3", "-L", "4")
	iso := labelsdocStatsJSON(t, mp, "--kind", "wst", "-J", "3", "-L", "4", "--iso")
	s2 := map[[4]int]float64{}
	for _, e := range raw.Coefficients {
		if e["class"] == "S2" {
			s2[[4]int{labelsdocInt(e, "j1"), labelsdocInt(e, "l1"), labelsdocInt(e, "j2"), labelsdocInt(e, "l2")}] = e["re"].(float64)
		}
	}
	n := 0
	for _, e := range iso.Coefficients {
		if e["class"] != "S2_iso" {
			continue
		}
		j1, j2, dl := labelsdocInt(e, "j1"), labelsdocInt(e, "j2"), labelsdocInt(e, "l2")
		want := 0.0
		for l1 := 0; l1 < L; l1++ {
			v, ok := s2[[4]int{j1, l1, j2, (l1 + dl) % L}]
			if !ok {
				t.Fatalf("no S2(j1=%d,l1=%d,j2=%d,l2=%d)", j1, l1, j2, (l1+dl)%L)
			}
			want += v / L
		}
		if got := e["re"].(float64); math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("S2_iso(j1=%d,j2=%d,l2=%d) = %g, mean over l1 of S2(l1, l1+dl) = %g", j1, j2, dl, got, want)
		}
		n++
	}
	if n != 6*L { // pairs j2 ≥ j1 for J = 3
		t.Fatalf("%d S2_iso coefficients, want %d", n, 6*L)
	}
	if d := iso.Config.ColumnDoc["l2"]; !strings.Contains(d, "S2_iso, P11_iso") || !strings.Contains(d, "dl = (l2 − l1) mod 4") {
		t.Errorf("wst --iso: label_column_doc.l2 = %q, want it to say that l2 of S2_iso, P11_iso is dl = (l2 − l1) mod 4", d)
	}
	if o := iso.Config.Orientation; o == nil || !strings.Contains(o.DL, "dl = (l2 − l1) mod 4") {
		t.Errorf("wst --iso: orientation %+v lacks dl", o)
	}
	if d := raw.Config.ColumnDoc["l2"]; d == "" || strings.Contains(d, "dl") {
		t.Errorf("wst: label_column_doc.l2 = %q, want the orientation of the second wavelet and no dl", d)
	}
	if o := raw.Config.Orientation; o == nil || o.DL != "" {
		t.Errorf("wst: orientation %+v, want no dl", o)
	}
	// scov's iso vector and wph --iso rename their columns the same way
	sc := labelsdocStatsJSON(t, mp, "--kind", "scov", "-J", "2", "-L", "4", "--iso")
	for _, c := range []string{"l2", "l3"} {
		if d := sc.Config.ColumnDoc[c]; !strings.Contains(d, "C01re, C11re") || !strings.Contains(d, "dl = ("+c+" − l1) mod 4") {
			t.Errorf("scov --iso: label_column_doc.%s = %q", c, d)
		}
	}
	wp := labelsdocStatsJSON(t, mp, "--kind", "wph", "-J", "2", "-L", "4", "--iso")
	if d := wp.Config.ColumnDoc["l2"]; !strings.Contains(d, "dl = (l2 − l1) mod 4") {
		t.Errorf("wph --iso: label_column_doc.l2 = %q", d)
	}
	code, out, errs := runCLI(t, "stats", mp, "--kind", "wst", "-J", "2", "-L", "4", "--iso")
	if code != 0 || !strings.Contains(out, "# l2: ") || !strings.Contains(out, "dl = (l2 − l1) mod 4") {
		t.Errorf("stats table (exit %d) does not explain l2:\n%s%s", code, tail(out, 1500), errs)
	}
	_, out, errs = runCLI(t, "stats", "--help")
	if h := out + errs; !strings.Contains(h, "DIFFERENCES dl = (l2 − l1) mod L") {
		t.Errorf("stats --help does not say that iso l2 is a difference:\n%s", h)
	}
}
