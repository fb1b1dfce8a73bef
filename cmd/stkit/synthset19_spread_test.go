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
	"github.com/stkit-org/stkit/stlayer/stats"
)

// synth --report from a set of targets writes the syntheses' spread on the
// matched statistic against the targets' (metrics.json synth_spread, per
// class) and prints it as a "report: spread" line with the same median;
// one synthesis gets neither. The Minkowski figure of the summary line is
// in standard errors σ√(1/K+1/N) with K and N named, as metrics.json, and
// settings.spec.norm is the normalisation in effect (p00, the run's line),
// not the raw "none".
func TestSynthset19SpreadReport(t *testing.T) {
	dir := t.TempDir()
	const n = 16
	m := stlayer.NewMaps(3, n, n)
	for i := 0; i < 3; i++ {
		g, err := datasets.GaussianRandomField(n, n, -2, uint64(1+i))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), g)
	}
	target := filepath.Join(dir, "t.npy")
	if err := datasets.WriteMaps(target, m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []int{2, 1} {
		rep := filepath.Join(dir, fmt.Sprint("rep", k))
		code, _, errs := runCLI(t, "--engine", "cpu", "synth", target, "-n", fmt.Sprint(k), "--steps", "2", "-o", filepath.Join(dir, fmt.Sprint("s", k, ".npy")), "--report", rep)
		if code != 0 {
			t.Fatalf("-n %d: exit %d: %s", k, code, tail(errs, 600))
		}
		b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var vm struct {
			Spread *infer.SynthSpread `json:"synth_spread"`
		}
		if err := json.Unmarshal(b, &vm); err != nil {
			t.Fatal(err)
		}
		var full infer.ValidationMetrics
		if err := json.Unmarshal(b, &full); err != nil {
			t.Fatal(err)
		}
		// settings.spec says the normalisation in effect, as the run's line
		if sp, _ := full.Settings["spec"].(map[string]any); sp["norm"] != "p00" || !strings.Contains(errs, "norm=p00") {
			t.Errorf("-n %d: settings.spec.norm %v, want p00 (the line's norm=p00)", k, sp["norm"])
		}
		// the Minkowski figure in standard errors, as metrics.json
		se := mfSummary(&full, "target")
		if full.MFSyntheses != k || full.MFTargets != 3 || !(full.MFMaxStdErr > 0) || !strings.Contains(errs, se) {
			t.Errorf("-n %d: mf_syntheses %d, mf_targets %d, mf_max_abs_deviation_standard_errors %g; want %d, 3, > 0 and %q in\n%s", k, full.MFSyntheses, full.MFTargets, full.MFMaxStdErr, k, se, tail(errs, 800))
		}
		if k == 1 {
			if vm.Spread != nil || strings.Contains(errs, "report: spread") {
				t.Errorf("one synthesis: synth_spread %+v, want none (and no line)", vm.Spread)
			}
			continue
		}
		sp := vm.Spread
		if sp == nil || sp.Syntheses != 2 || sp.Targets != 3 || len(sp.Classes) < 3 || !(sp.Median > 0) {
			t.Fatalf("metrics.json synth_spread %+v: want 2 syntheses, 3 targets, ≥ 3 classes, a median > 0", sp)
		}
		line := spreadLine(sp, "target")
		if !strings.Contains(errs, line) || !strings.Contains(line, fmt.Sprintf("(all %.3g)", sp.Median)) || !strings.Contains(line, "P00 ") {
			t.Errorf("want the line %q in\n%s", line, tail(errs, 800))
		}
	}
	for _, c := range []struct {
		s    stats.Spec
		want string
	}{
		{stats.Spec{Kind: stats.SCov, Norm: "none"}, "p00"}, {stats.Spec{Kind: stats.Spectra}, "p00"}, {stats.Spec{Kind: stats.SCov, Norm: "p11"}, "p11"},
		{stats.Spec{Kind: stats.WPH, Norm: "none"}, "none"}, {stats.Spec{Kind: stats.WST, Norm: "none"}, "none"},
	} {
		if got := effectiveNormSpec(c.s).Norm; got != c.want {
			t.Errorf("%s norm %q: effective %q, want %q", c.s.Kind, c.s.Norm, got, c.want)
		}
	}
	sp := &infer.SynthSpread{Syntheses: 4, Targets: 20, Classes: []infer.SynthSpreadClass{{Class: "P00", Coefficients: 7, SDRatio: 0.027}}, Median: 0.03, PixelMeanSDRatio: 0.001, Note: infer.SpreadNote}
	if l := spreadLine(sp, "target"); !strings.Contains(l, "P00 0.027 (all 0.03); pixel means 0.001: syntheses match the mean statistic; their spread is not the set's: do not use them to estimate covariances") {
		t.Errorf("spread line %q", l)
	}
}
