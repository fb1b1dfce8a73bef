package infer

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestSampleReportPSVerdict: the sample report gave the spectrum figure (srep1: mean PS max
// |ratio−1| 1.483) and its sampling-noise yardstick (median / 90th percentile 0.236 / 0.364) on
// separate lines and no verdict. metrics.json's settings.ps_verdict now holds, for the
// arithmetic- and the geometric-mean spectra, the figure, the null's median and 90th percentile,
// within_sampling_noise (figure ≤ p90) and the verdict in words; the arithmetic figure is the
// report's own ps_max_abs_ratio_minus_1.
func TestSampleReportPSVerdict(t *testing.T) {
	in := NewPSVerdict(0.3, 0.236, 0.364, 8)
	out := NewPSVerdict(1.483, 0.236, 0.364, 8)
	if !in.Within || !strings.HasPrefix(in.Verdict, "within the sampling noise of 8 real patches") {
		t.Errorf("0.3 vs p90 0.364: %+v", in)
	}
	if out.Within || out.Verdict != "outside the sampling noise: above the 90th percentile of 8 real patches" {
		t.Errorf("1.483 vs p90 0.364: %+v", out)
	}
	if v := NewPSVerdict(0.1, 0.2, 0.3, 1); !strings.Contains(v.Verdict, "of one real patch") {
		t.Errorf("n = 1: %q", v.Verdict)
	}
	fx := tinyRun(t)
	ms, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ms.Manifest.PatchSize
	patches, sampled := stlayer.NewMaps(8, p, p), stlayer.NewMaps(2, p, p)
	for i := 0; i < 8; i++ {
		copy(patches.Map(i), fx.features.Patches.Patch(i))
	}
	for i := 0; i < 2; i++ {
		copy(sampled.Map(i), fx.features.Patches.Patch(8+i))
	}
	dir := t.TempDir()
	vm, err := SampleReport(dir, cpu.New(), ms, 0, &SampleResult{Maps: sampled}, patches, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Settings struct {
			Null    PSNull               `json:"ps_null"`
			Verdict map[string]PSVerdict `json:"ps_verdict"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	a, g := m.Settings.Verdict["arithmetic_mean"], m.Settings.Verdict["geometric_mean"]
	nl := m.Settings.Null
	if nl.Draws == 0 {
		t.Fatalf("no ps_null in metrics.json: %s", b)
	}
	if a.Value != vm.PSMaxDev || a.P90 != nl.ArithP90 || a.Median != nl.ArithMedian || a.Within != (a.Value <= a.P90) || a.Verdict == "" {
		t.Errorf("arithmetic verdict %+v; report PSMaxDev %g, null %+v", a, vm.PSMaxDev, nl)
	}
	if g.P90 != nl.GeoP90 || g.Within != (g.Value <= g.P90) || g.Verdict == "" {
		t.Errorf("geometric verdict %+v, null %+v", g, nl)
	}
}
