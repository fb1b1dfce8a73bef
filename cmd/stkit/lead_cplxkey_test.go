package main

import (
	"strings"
	"testing"
)

// stats' table of a complex WPH printed two θ lines: the real maps'
// "# theta_deg (l = 0…3): 0°, 45°, 90°, 135°; … modulo 180°" above the
// complex one over [0°, 360°). Only the complex line is printed.
func TestStatsComplexOneThetaLine(t *testing.T) {
	dir := t.TempDir()
	_, _, qp, up, _ := cplxTestPair(t, dir)
	code, out, errs := runCLI(t, "stats", "--kind", "wph", qp, "--imag", up, "-J", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(out, "# theta_deg (l = 0…3)") {
		t.Errorf("table of complex data has the real maps' θ line:\n%s", tail(out, 1500))
	}
	if !strings.Contains(out, "# complex data (z = Q + iU): l1, l2 = 0…7") {
		t.Errorf("table lacks the complex θ line:\n%s", tail(out, 1500))
	}
}
