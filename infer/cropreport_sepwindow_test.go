package infer

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestEvaluateSeparationInterior checks SepReportOptions.Interior: a
// separated map equal to the truth inside the window [c, M−c) × [c, N−c)
// and wrong in the border scores a pixel correlation of 1, a zero rms
// error, r = 1 and P_sep/P_s = 1 on the window (the whole maps show the
// border's error); the spectra are those of the Hann-tapered window (power
// divided by ⟨w²⟩); metrics.json and the metrics name the window; a border
// that is negative or leaves nothing is an input error.
func TestEvaluateSeparationInterior(t *testing.T) {
	const m, n, c = 32, 40, 4
	r := rand.New(rand.NewPCG(5, 17))
	truth := cropreportMaps(r, 1, m, n)
	cont := cropreportMaps(r, 3, m, n) // the contaminant, and 2 samples
	d := stlayer.NewMaps(1, m, n)
	sep := stlayer.NewMaps(1, m, n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			k := i*n + j
			d.Data[k] = truth.Data[k] + 0.5*cont.Data[k]
			sep.Data[k] = truth.Data[k]
			if i < c || i >= m-c || j < c || j >= n-c {
				sep.Data[k] = d.Data[k] + 3 // the border: wrong
			}
		}
	}
	samples := &stlayer.Maps{B: 2, M: m, N: n, Data: cont.Data[m*n:]}
	for i := range samples.Data {
		samples.Data[i] *= 0.5
	}
	dir := t.TempDir()
	sm, err := WriteSeparationReportWith(dir, d, nil, sep, samples, truth, nil, SepReportOptions{Interior: c})
	if err != nil {
		t.Fatal(err)
	}
	want := PixelWindow{Border: c, Rows: [2]int{c, m - c}, Cols: [2]int{c, n - c}}
	if sm.Window == nil || *sm.Window != want || !strings.Contains(sm.WindowNote, "Hann-tapered") {
		t.Fatalf("Window %+v, note %q; want %+v and a note on the taper", sm.Window, sm.WindowNote, want)
	}
	if math.Abs(sm.PixelCorr-1) > 1e-12 || sm.RelRMSError != 0 {
		t.Errorf("window: pixel correlation %g, rms error %g; want 1 and 0 (sep = s there)", sm.PixelCorr, sm.RelRMSError)
	}
	for b := range sm.R {
		if sm.PSTruth[b] > 0 && (math.Abs(sm.R[b]-1) > 1e-9 || math.Abs(sm.PSRatio[b]-1) > 1e-9 || sm.ErrorRatio[b] != 0) {
			t.Errorf("bin %d: r %g, P_sep/P_s %g, error ratio %g; want 1, 1, 0", b, sm.R[b], sm.PSRatio[b], sm.ErrorRatio[b])
		}
	}
	// the data's spectrum: the tapered window's, by hand
	mw, nw := m-2*c, n-2*c
	x := make([]float64, mw*nw)
	for i := 0; i < mw; i++ {
		for j := 0; j < nw; j++ {
			x[i*nw+j] = d.Data[(i+c)*n+j+c]
		}
	}
	w := HannTaper(mw, nw)
	sw, swx, sw2 := 0.0, 0.0, 0.0
	for i, v := range x {
		sw, swx, sw2 = sw+w[i], swx+w[i]*v, sw2+w[i]*w[i]
	}
	for i := range x {
		x[i] = w[i] * (x[i] - swx/sw) / math.Sqrt(sw2/float64(len(w)))
	}
	pd := IsoPowerSpectrum(x, mw, nw)
	if len(pd.P) != len(sm.PSData) {
		t.Fatalf("%d bins, want the %d×%d window's %d", len(sm.PSData), mw, nw, len(pd.P))
	}
	for b := range pd.P {
		if math.Abs(sm.PSData[b]-pd.P[b]) > 1e-12*math.Abs(pd.P[b]) {
			t.Errorf("P_d bin %d = %g, want the tapered window's %g", b, sm.PSData[b], pd.P[b])
		}
	}
	var js map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	if win, _ := js["window"].(map[string]any); win == nil || win["border_pixels"] != float64(c) || js["window_note"] == nil {
		t.Errorf("metrics.json window %v, note %v; want border %d and a note", js["window"], js["window_note"], c)
	}
	whole, err := EvaluateSeparation(d, sep, samples, truth)
	if err != nil {
		t.Fatal(err)
	}
	if whole.Window != nil || whole.PixelCorr > 0.99 {
		t.Errorf("whole maps: window %v, pixel correlation %g; want none and the border's error (< 0.99)", whole.Window, whole.PixelCorr)
	}
	for _, bad := range []int{-2, 16, 30} {
		if _, err := EvaluateSeparationWith(d, sep, samples, truth, SepReportOptions{Interior: bad}); !errors.Is(err, ErrModelInput) {
			t.Errorf("Interior %d on %d×%d maps: err %v, want ErrModelInput", bad, m, n, err)
		}
	}
}

// TestSeparationMapsWindowTitle checks that maps.png of a separation
// scored on an interior window names the window and gives the error
// panel's rms over the window, as metrics.json (it gave the whole map's:
// icrop report 0.442 × std of s in the title, 0.334 in metrics.json).
func TestSeparationMapsWindowTitle(t *testing.T) {
	const m, c = 24, 4
	r := rand.New(rand.NewPCG(13, 17))
	d, sep, truth := cropreportMaps(r, 1, m, m), cropreportMaps(r, 1, m, m), cropreportMaps(r, 1, m, m)
	sm, err := EvaluateSeparationWith(d, sep, nil, truth, SepReportOptions{Interior: c})
	if err != nil {
		t.Fatal(err)
	}
	rows, title := separationMapPanelsIn(d, sep, truth, sm.Window)
	if !strings.Contains(title, "interior window rows [4, 20), columns [4, 20)") {
		t.Errorf("title %q does not name the window", title)
	}
	if got, want := rows[1][2].Title.Text, "rms in the window = "+fmtDev(sm.RelRMSError)+" × std of s there"; !strings.Contains(got, want) {
		t.Errorf("error panel %q, want %q", got, want)
	}
	whole, _ := separationMapPanels(d, sep, truth)
	if strings.Contains(whole[1][2].Title.Text, "window") {
		t.Errorf("whole maps: error panel %q names a window", whole[1][2].Title.Text)
	}
}
