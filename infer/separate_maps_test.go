package infer

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// The error panel of the separation report's maps.png gives the error's
// rms relative to the truth's std (metrics.json's
// rms_error_over_truth_std), as the learned-model report's error panels do.
func TestSeparationMapsErrorRMS(t *testing.T) {
	const n = 16
	truth := biMaps(1, n, n, 2)
	c := biMaps(1, n, n, 5)
	d, sep := stlayer.NewMaps(1, n, n), stlayer.NewMaps(1, n, n)
	for i, v := range truth.Data {
		d.Data[i] = v + c.Data[i]
		sep.Data[i] = v + 0.2*c.Data[i]
	}
	sm, err := EvaluateSeparation(d, sep, nil, truth)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := separationMapPanels(d, sep, truth)
	if len(rows) != 2 || len(rows[1]) != 3 {
		t.Fatalf("%d rows, want 2 of 3 panels", len(rows))
	}
	want := "error sep − s\nrms = " + fmtDev(sm.RelRMSError) + " × std of s"
	if got := rows[1][2].Title.Text; got != want {
		t.Errorf("error panel title %q, want %q", got, want)
	}
	if !(sm.RelRMSError > 0.05) {
		t.Errorf("relative rms error %g: the test's error should be sizeable", sm.RelRMSError)
	}
	// constant truth: no std, no rms line
	flat := stlayer.NewMaps(1, n, n)
	for i := range flat.Data {
		flat.Data[i] = 1
	}
	rows, _ = separationMapPanels(d, sep, flat)
	if got := rows[1][2].Title.Text; got != "error sep − s" {
		t.Errorf("constant truth: error panel title %q", got)
	}
	rows, _ = separationMapPanels(d, sep, nil)
	if len(rows) != 1 || len(rows[0]) != 3 {
		t.Errorf("without truth: %d rows, want 1", len(rows))
	}
}
