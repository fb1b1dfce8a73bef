package infer

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestWPHWeight18ReportGeometricPS: the report of a synthesis from a set
// compared the syntheses with the arithmetic mean of the targets' spectra
// while the loss fits their geometric mean (dust Q set: 0.73–0.98×, "max
// |ratio − 1| 0.266", against 1.00–1.12× the geometric mean). Targets x
// and 2x (P and 4P): a synthesis √2·x has the geometric-mean spectrum 2P,
// ratio 1 to 1e-12, and 0.8 of the arithmetic mean 2.5P, kept beside it.
// One target map, or without ValidateOptions.GeometricPS (the sample
// report): the arithmetic comparison, as before.
func TestWPHWeight18ReportGeometricPS(t *testing.T) {
	const m = 32
	x := logNormalTarget(t, m, 5).Data
	target := stlayer.NewMaps(2, m, m)
	synth := stlayer.NewMaps(1, m, m)
	for i, v := range x {
		target.Data[i], target.Data[m*m+i], synth.Data[i] = v, 2*v, math.Sqrt2*v
	}
	vm, err := ValidateWith(target, synth, ValidateOptions{GeometricPS: true})
	if err != nil {
		t.Fatal(err)
	}
	if vm.PSMean != PSMeanGeometric {
		t.Errorf("ps_mean %q with 2 target maps, want %q", vm.PSMean, PSMeanGeometric)
	}
	if vm.PSMaxDev > 1e-12 {
		t.Errorf("max |ratio − 1| %g against the geometric mean, want 0", vm.PSMaxDev)
	}
	if len(vm.PSRatioArith) != len(vm.PSRatio) || math.Abs(vm.PSMaxDevArith-0.2) > 1e-12 {
		t.Errorf("arithmetic comparison: %d ratios, max dev %g; want %d, 0.2", len(vm.PSRatioArith), vm.PSMaxDevArith, len(vm.PSRatio))
	}
	for b, r := range vm.PSRatioArith {
		if r > 0 && math.Abs(r-0.8) > 1e-12 {
			t.Errorf("bin %d: arithmetic ratio %g, want 0.8", b, r)
		}
	}
	one := &stlayer.Maps{B: 1, M: m, N: m, Data: target.Data[:m*m]}
	vm, err = ValidateWith(one, synth, ValidateOptions{GeometricPS: true})
	if err != nil {
		t.Fatal(err)
	}
	if vm.PSMean != PSMeanArithmetic || vm.PSRatioArith != nil || math.Abs(vm.PSMaxDev-1) > 1e-12 {
		t.Errorf("one target map: ps_mean %q, arithmetic ratios %v, max dev %g; want %q, none, 1", vm.PSMean, vm.PSRatioArith, vm.PSMaxDev, PSMeanArithmetic)
	}
	vm, err = Validate(target, synth)
	if err != nil {
		t.Fatal(err)
	}
	if vm.PSMean != PSMeanArithmetic || math.Abs(vm.PSMaxDev-0.2) > 1e-12 {
		t.Errorf("without GeometricPS: ps_mean %q, max dev %g; want %q, 0.2", vm.PSMean, vm.PSMaxDev, PSMeanArithmetic)
	}
}

// TestWPHWeight18ReportUnit: the synthesis report's axes carried no unit
// although a FITS target's BUNIT is known. ValidateOptions.Unit goes to
// metrics.json ("unit") and, squared, to the P(k) axis (and to the colour
// bars and the histogram's value axis); without it the labels are as
// before.
func TestWPHWeight18ReportUnit(t *testing.T) {
	const m = 16
	target, synth := biMaps(2, m, m, 1), biMaps(1, m, m, 4)
	dir := t.TempDir()
	vm, err := WriteSynthReportWith(dir, target, synth, nil, ValidateOptions{Unit: "MJy/sr"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var js struct {
		Unit string `json:"unit"`
	}
	if err := json.Unmarshal(b, &js); err != nil || js.Unit != "MJy/sr" {
		t.Errorf("metrics.json unit %q (%v), want MJy/sr", js.Unit, err)
	}
	p, _, err := spectraPlots(vm, "target", "synthesis")
	if err != nil {
		t.Fatal(err)
	}
	if want := psAxisLabel + " [(MJy/sr)²]"; p.Y.Label.Text != want {
		t.Errorf("P(k) axis %q, want %q", p.Y.Label.Text, want)
	}
	for _, f := range []string{"maps.png", "histogram.png", "power_spectrum.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	vm, err = Validate(target, synth)
	if err != nil {
		t.Fatal(err)
	}
	if p, _, _ := spectraPlots(vm, "target", "synthesis"); p.Y.Label.Text != psAxisLabel || vm.Unit != "" {
		t.Errorf("without a unit: P(k) axis %q, unit %q", p.Y.Label.Text, vm.Unit)
	}
	if unitSuffix("K", false) != " [K]" {
		t.Errorf("unitSuffix(K) = %q", unitSuffix("K", false))
	}
}
