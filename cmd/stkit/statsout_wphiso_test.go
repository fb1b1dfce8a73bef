package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// stats --kind wph --iso was refused ("wph has no --iso … variant"), while
// separate's default statistic is the isotropic WPH: a user could not look
// at what separation matches. stats now computes it (infer.NewSepStats'
// Auto, or Cross with --cross, without the power-spectrum term): each
// coefficient is the mean of PyWPH's raw coefficients over the rotations
// of its orientations over the full circle, at τ = 0 (dn 0) the real part
// of their mean over l1 (infer.IsoGroupsFullCircle; checked against stats
// --kind wph by regrouping the raw rows here), the label table is
// separate's, and --norm auto is refused before any output.
func TestStatsWPHIso(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	type entry map[string]any
	read := func(args ...string) ([]string, []entry) {
		t.Helper()
		jp := filepath.Join(dir, "w.json")
		if code, _, errs := runCLI(t, append([]string{"stats", mp, "--kind", "wph", "-J", "3", "-o", jp}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 600))
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config struct {
				Columns []string `json:"label_columns"`
				Iso     bool     `json:"iso"`
			} `json:"config"`
			Coefficients []entry `json:"coefficients"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if want := strings.Contains(strings.Join(args, " "), "--iso"); doc.Config.Iso != want {
			t.Fatalf("%v: config iso %v", args, doc.Config.Iso)
		}
		return doc.Config.Columns, doc.Coefficients
	}
	const L = 4
	cols, raw := read()
	_, iso := read("--iso")
	// the key of a row after the rotation: orientations relative to l1
	key := func(e entry) string {
		l1, has := e["l1"].(float64)
		k := fmt.Sprint(e["class"])
		for _, c := range cols {
			v, ok := e[c].(float64)
			if !ok {
				k += ",-"
				continue
			}
			if has && l1 >= 0 && len(c) == 2 && c[0] == 'l' {
				v = float64(((int(v)-int(l1))%L + L) % L)
			}
			k += fmt.Sprintf(",%g", v)
		}
		return k
	}
	sum := map[string]complex128{}
	cnt := map[string]int{}
	for _, e := range raw {
		k := key(e)
		sum[k] += complex(e["re"].(float64), e["im"].(float64))
		cnt[k]++
	}
	if len(iso) != len(sum) || len(iso) >= len(raw) {
		t.Fatalf("--iso: %d coefficients, %d rotation groups of the %d raw ones", len(iso), len(sum), len(raw))
	}
	averaged := 0
	for _, e := range iso {
		k := key(e)
		if cnt[k] == 0 {
			t.Fatalf("iso row %v: no raw group %s", e, k)
		}
		want := complex(real(sum[k])/float64(cnt[k]), 0)
		got := complex(e["re"].(float64), e["im"].(float64))
		if d := got - want; math.Hypot(real(d), imag(d)) > 1e-12*(1+math.Hypot(real(want), imag(want))) {
			t.Errorf("iso %s = %v, mean of its %d raw rotations %v", k, got, cnt[k], want)
		}
		if cnt[k] > 1 {
			averaged++
		}
	}
	if averaged == 0 {
		t.Error("no iso coefficient averages several rotations")
	}
	// separate's statistic: the same label table
	ss, err := infer.NewSepStats(stats.Spec{Kind: stats.WPH, J: 3, Iso: true}, 64, 64, false)
	if err != nil {
		t.Fatal(err)
	}
	lab := ss.Auto.Labels()
	for i, e := range iso {
		if e["class"] != lab.Class[i] {
			t.Fatalf("row %d: class %v, separate's %s", i, e["class"], lab.Class[i])
		}
	}
	_, cross := read("--iso", "--cross", mp)
	if len(cross) != ss.Cross.Labels().Len() {
		t.Errorf("--iso --cross: %d coefficients, separate's cross statistic has %d", len(cross), ss.Cross.Labels().Len())
	}
	out := filepath.Join(dir, "auto.json")
	wantBadInput(t, []string{"stats", mp, "--kind", "wph", "--iso", "--norm", "auto", "-J", "3", "-o", out}, "--kind wph --iso --norm auto: the isotropic WPH (separate's statistic) averages PyWPH's unnormalised moments", out)
}
