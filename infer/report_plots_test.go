package infer

import (
	"strings"
	"testing"
)

// The ratio panel of the synthesis/sample report's power_spectrum.png was
// titled "ratio (max |r − 1| = …)": r is the reports' name for the
// correlation coefficient r(k). It now says what the number is.
func TestSpectraRatioTitle(t *testing.T) {
	target, synth := biMaps(2, 16, 16, 1), biMaps(2, 16, 16, 4)
	vm, err := Validate(target, synth)
	if err != nil {
		t.Fatal(err)
	}
	_, r, err := spectraPlots(vm, "training patch", "sample tile")
	if err != nil {
		t.Fatal(err)
	}
	want := "ratio of the mean spectra (max |ratio − 1| = " + fmtDev(vm.PSMaxDev) + " for k ≥ 2)"
	if r.Title.Text != want {
		t.Errorf("ratio panel title %q, want %q", r.Title.Text, want)
	}
	if strings.Contains(r.Title.Text, "|r ") {
		t.Errorf("ratio panel title %q uses r", r.Title.Text)
	}
	if r.Y.Label.Text != "P(sample tile) / P(training patch)" {
		t.Errorf("ratio axis label %q", r.Y.Label.Text)
	}
}
