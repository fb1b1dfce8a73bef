package bench

import (
	"bytes"
	"strings"
	"testing"
)

// TestSummarizeSpread: the statistics of the timed repetitions, on injected
// durations. The median of an even count was the upper middle value, so that
// "bench --reps 2" reported the slower of its two repetitions (0.086 s for a
// forward whose repetitions take 0.0116 s idle); it is the lower one now, and
// the minimum, maximum and their ratio come with it.
func TestSummarizeSpread(t *testing.T) {
	for _, c := range []struct {
		d                []float64
		min, med, max, s float64
	}{
		{[]float64{0.086, 0.0116}, 0.0116, 0.0116, 0.086, 0.086 / 0.0116},
		{[]float64{3, 1, 2}, 1, 2, 3, 3},
		{[]float64{4, 1, 3, 2}, 1, 2, 4, 4},
		{[]float64{0.5}, 0.5, 0.5, 0.5, 1},
	} {
		n := len(c.d)
		got := Summarize(append([]float64(nil), c.d...))
		if got.N != n || got.Min != c.min || got.Median != c.med || got.Max != c.max || got.Spread() != c.s {
			t.Errorf("Summarize(%v) = %+v spread %g, want min %g median %g max %g spread %g", c.d, got, got.Spread(), c.min, c.med, c.max, c.s)
		}
	}
	if z := Summarize(nil); z != (Timing{}) || z.Spread() != 0 {
		t.Errorf("Summarize(nil) = %+v", z)
	}

	// a quiet row (spread 1.04 and 1.10) and the noisy one of the report
	quiet := Row{Family: "scov", Engine: "cpu", Batch: 1, PeerForward: 0.229, PeerFB: 0.635}
	quiet.SetTimings(Summarize([]float64{0.0250, 0.0240, 0.0245}), Summarize([]float64{0.30, 0.33, 0.31}))
	noisy := Row{Family: "synth", Engine: "cpu", Batch: 1}
	noisy.SetTimings(Summarize([]float64{0.086, 0.0116}), Timing{})
	if quiet.Noisy || quiet.Reps != 3 || quiet.Forward != 0.0245 || quiet.ForwardMin != 0.0240 || quiet.FBMax != 0.33 || quiet.ForwardBack != 0.31 {
		t.Errorf("quiet row %+v", quiet)
	}
	if !noisy.Noisy || noisy.Forward != 0.0116 || noisy.FBMin != 0 || noisy.ForwardBack != 0 {
		t.Errorf("noisy row %+v", noisy)
	}
	if f := noisy.NoisyFigures(); len(f) != 1 || f[0] != "s/fwd ×7.41" {
		t.Errorf("noisy figures %q", f)
	}
	// exactly 1.5 is not noisy; above it the fwd+bwd alone is named
	edge := Row{ForwardMin: 1, ForwardMax: 1.5, FBMin: 1, FBMax: 1.6}
	if f := edge.NoisyFigures(); len(f) != 1 || f[0] != "s/fwd+bwd ×1.60" {
		t.Errorf("edge figures %q", f)
	}

	var buf bytes.Buffer
	Print(&buf, []Row{quiet, noisy})
	out := buf.String()
	for _, want := range []string{
		"reps", "fwd range", "fwd+bwd range",
		"0.0240–0.0250", "0.3000–0.3300", "0.0116–0.0860",
		"timings noisy (slowest/fastest repetition > 1.5): synth/cpu/1 s/fwd ×7.41: rerun with more --reps on an idle machine",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// ratios on the medians: 0.0245/0.229 = 0.107, 0.31/0.635 = 0.488
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 2 && f[0] == "scov" && (f[len(f)-2] != "0.11" || f[len(f)-1] != "0.49") {
			t.Errorf("scov ratios %q, want 0.11 0.49", f[len(f)-2:])
		}
	}
	if strings.Contains(out, "scov/cpu/1") || strings.Contains(out, "timed once") {
		t.Errorf("the quiet row is flagged:\n%s", out)
	}
	buf.Reset()
	one := Row{Family: "wph", Engine: "cpu", Batch: 1}
	one.SetTimings(Summarize([]float64{0.2}), Summarize([]float64{0.5}))
	Print(&buf, []Row{quiet, one})
	if out := buf.String(); !strings.Contains(out, "1 of 2 rows timed once (--reps 1): no spread to tell a noisy figure from a real one; give --reps 3 or more") || strings.Contains(out, "timings noisy") {
		t.Errorf("--reps 1 rows:\n%s", out)
	}
}
