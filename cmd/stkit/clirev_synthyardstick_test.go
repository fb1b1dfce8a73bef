package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth --report's summary line names the maps its yardsticks come from:
// the --reference-set when given, else the target batch itself (infer's
// ValidateWith uses the target maps then). It said "between two reference
// maps" for a 3-map target run without --reference-set. The W1 and the map
// count printed are metrics.json's.
func TestSynthReportYardstickMapsNamed(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	write := func(name string, b int, seed uint64) string {
		m := stlayer.NewMaps(b, n, n)
		for i := 0; i < b; i++ {
			g, err := datasets.GaussianRandomField(n, n, -2, seed+uint64(i))
			if err != nil {
				t.Fatal(err)
			}
			copy(m.Data[i*n*n:(i+1)*n*n], g)
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	target := write("t.npy", 3, 1)
	refs := write("r.npy", 2, 10)
	for _, c := range []struct {
		name  string
		extra []string
		whose string
		maps  int
	}{{"target batch", nil, "target", 3}, {"reference set", []string{"--reference-set", refs}, "reference", 2}} {
		rep := filepath.Join(dir, "rep-"+c.whose)
		args := append([]string{"--engine", "cpu", "synth", target, "--steps", "2", "-o", filepath.Join(dir, c.whose+".npy"), "--report", rep}, c.extra...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 600))
		}
		b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var vm struct {
			W1Ref      float64 `json:"w1_between_targets"`
			SpreadMaps int     `json:"spread_maps"`
		}
		if err := json.Unmarshal(b, &vm); err != nil {
			t.Fatal(err)
		}
		if vm.SpreadMaps != c.maps || !(vm.W1Ref > 0) {
			t.Fatalf("%s: metrics.json spread_maps %d, w1_between_targets %g; want %d maps and W1 > 0", c.name, vm.SpreadMaps, vm.W1Ref, c.maps)
		}
		want := fmt.Sprintf("vs %s σ between two %s maps; MF max deviation", fmtDev(vm.W1Ref), c.whose)
		if !strings.Contains(errs, want) || !strings.Contains(errs, fmt.Sprintf("σ of %d %s maps)", c.maps, c.whose)) {
			t.Errorf("%s: summary lacks %q and \"σ of %d %s maps)\":\n%s", c.name, want, c.maps, c.whose, tail(errs, 600))
		}
		other := map[string]string{"target": "reference", "reference": "target"}[c.whose]
		if strings.Contains(errs, "two "+other+" maps") {
			t.Errorf("%s: summary names the %s maps:\n%s", c.name, other, tail(errs, 600))
		}
	}
}
