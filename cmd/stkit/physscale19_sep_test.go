package main

import (
	"strings"
	"testing"
)

// separate printed "mean(DATA) − -0.1939" for samples of mean −0.1939;
// the samples' mean is now a value of its own: "mean(DATA) − m (m =
// -0.1939, …)", no sign after the minus.
func TestPhysscale19SepMeanShiftSign(t *testing.T) {
	for _, m := range []float64{-0.1939, 0.1939} {
		s := sepMeanShiftNote(0.25, m)
		if strings.Contains(s, "− -") || strings.Contains(s, "- -") || !strings.Contains(s, "mean(DATA) − m (m = ") || !strings.Contains(s, "shifted by 0.25") {
			t.Errorf("m = %g: %q", m, s)
		}
		if want := "m = " + strings.TrimSpace(fmtG(m)); !strings.Contains(s, want) {
			t.Errorf("m = %g: %q lacks %q", m, s, want)
		}
	}
}
