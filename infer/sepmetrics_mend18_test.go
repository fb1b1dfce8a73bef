package infer

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestMend18SepMetricsZeroInJSON: SeparationMetrics' pixel figures are NaN
// when undefined or not computed and then absent from metrics.json, where a
// defined 0 (a perfect separation's rms error) is written. They were 0 and
// omitempty: the perfect 0 was missing, as an undefined one.
func TestMend18SepMetricsZeroInJSON(t *testing.T) {
	const m = 32
	s, c := gMaps(m, 31), gMaps(m, 32)
	d := stlayer.NewMaps(1, m, m)
	for i := range d.Data {
		d.Data[i] = s.Data[i] + 0.8*c.Data[i]
	}
	keys := []string{"pixel_correlation_separated_truth", "pixel_correlation_data_truth", "rms_error_over_truth_std", "rms_data_error_over_truth_std", "pixel_correlation_wiener_truth"}
	decode := func(sm *SeparationMetrics) map[string]any {
		t.Helper()
		b, err := json.Marshal(sm)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatal(err)
		}
		var back SeparationMetrics
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		for _, p := range [][2]float64{{back.PixelCorr, sm.PixelCorr}, {back.PixelCorrData, sm.PixelCorrData}, {back.RelRMSError, sm.RelRMSError}, {back.RelRMSErrorData, sm.RelRMSErrorData}, {back.PixelCorrWiener, sm.PixelCorrWiener}} {
			if !(p[0] == p[1] || math.IsNaN(p[0]) && math.IsNaN(p[1])) {
				t.Errorf("round trip: %g, want %g", p[0], p[1])
			}
		}
		return out
	}

	// s̃ = s, with samples: every figure defined, the rms error exactly 0.
	sm, err := EvaluateSeparation(d, s, c, s)
	if err != nil {
		t.Fatal(err)
	}
	if sm.RelRMSError != 0 || math.Abs(sm.PixelCorr-1) > 1e-12 {
		t.Fatalf("perfect separation: rms error %g, correlation %g", sm.RelRMSError, sm.PixelCorr)
	}
	j := decode(sm)
	for _, k := range keys {
		if _, ok := j[k]; !ok {
			t.Errorf("perfect separation: metrics.json has no %s", k)
		}
	}
	if v, _ := j["rms_error_over_truth_std"].(float64); v != 0 {
		t.Errorf("rms_error_over_truth_std = %v, want 0", j["rms_error_over_truth_std"])
	}

	// constant s̃, no samples: the correlation is undefined, the Wiener one
	// not computed; the rms error is defined.
	sm, err = EvaluateSeparation(d, stlayer.NewMaps(1, m, m), nil, s)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(sm.PixelCorr) || !math.IsNaN(sm.PixelCorrWiener) || !(sm.RelRMSError > 0) {
		t.Errorf("constant s̃: correlation %g, Wiener %g (want NaN), rms error %g", sm.PixelCorr, sm.PixelCorrWiener, sm.RelRMSError)
	}
	j = decode(sm)
	for k, want := range map[string]bool{"pixel_correlation_separated_truth": false, "pixel_correlation_wiener_truth": false, "pixel_correlation_data_truth": true, "rms_error_over_truth_std": true, "rms_data_error_over_truth_std": true} {
		if _, ok := j[k]; ok != want {
			t.Errorf("constant s̃: %s in metrics.json %v, want %v", k, ok, want)
		}
	}

	// no truth: none of them.
	sm, err = EvaluateSeparation(d, s, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	j = decode(sm)
	for _, k := range keys {
		if _, ok := j[k]; ok {
			t.Errorf("no truth: metrics.json has %s = %v", k, j[k])
		}
	}
}
