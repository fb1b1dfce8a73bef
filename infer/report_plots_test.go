package infer

import (
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/stkit-org/stkit/stlayer"
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

// The r(k) axes (r.png of the learned-model separation, the separation
// report's correlation panel) had gonum's default ticks (e.g. 0.5, 0.7,
// 0.9) and stopped at the largest r, so that 1, the value an estimate is
// read against, had no label. They now reach 1 and label it, with round
// steps below.
func TestRAxesReachOne(t *testing.T) {
	labelled := func(p *plot.Plot) []string {
		var l []string
		for _, tk := range p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max) {
			if tk.Label != "" {
				l = append(l, tk.Label)
			}
		}
		slices.Sort(l)
		return l
	}
	k := []float64{1, 2, 4, 8}
	rp, err := modelSepRPlot(k, []SepComponentMetrics{{Name: "a", R: []float64{0.95, 0.9, 0.7, 0.52}, RData: []float64{0.9, 0.8, 0.6, 0.5}}})
	if err != nil {
		t.Fatal(err)
	}
	if rp.Y.Max != 1 {
		t.Errorf("r.png: y axis up to %g, want 1", rp.Y.Max)
	}
	if got, want := labelled(rp), []string{"0.5", "0.6", "0.7", "0.8", "0.9", "1"}; !slices.Equal(got, want) {
		t.Errorf("r.png: y labels %v, want %v", got, want)
	}

	const n = 32
	truth, c := biMaps(1, n, n, 2), biMaps(1, n, n, 5)
	d, sep := stlayer.NewMaps(1, n, n), stlayer.NewMaps(1, n, n)
	for i, v := range truth.Data {
		d.Data[i] = v + c.Data[i]
		sep.Data[i] = v + 0.2*c.Data[i]
	}
	sm, err := EvaluateSeparation(d, sep, nil, truth)
	if err != nil {
		t.Fatal(err)
	}
	row, err := separationSpectraPlots(sm)
	if err != nil {
		t.Fatal(err)
	}
	if len(row) != 3 {
		t.Fatalf("%d spectrum panels with the truth, want 3", len(row))
	}
	cp := row[2]
	if cp.Y.Label.Text != "r(k)" || cp.Y.Max != 1 || !slices.Contains(labelled(cp), "1") {
		t.Errorf("separation r(k) panel: label %q, y max %g, labels %v; want r(k) up to 1, labelled", cp.Y.Label.Text, cp.Y.Max, labelled(cp))
	}
}
