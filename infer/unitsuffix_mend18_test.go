package infer

import "testing"

// TestMend18UnitSuffix: the reports' axis units are the dashboards' form
// (plotx.UnitPower): " [K²]", no longer " [(K)²]".
func TestMend18UnitSuffix(t *testing.T) {
	for _, tc := range []struct {
		unit    string
		squared bool
		want    string
	}{{"K", true, " [K²]"}, {"K", false, " [K]"}, {"MJy/sr", true, " [(MJy/sr)²]"}, {"MJy/sr", false, " [MJy/sr]"}, {"", true, ""}, {"", false, ""}} {
		if got := unitSuffix(tc.unit, tc.squared); got != tc.want {
			t.Errorf("unitSuffix(%q, %v) = %q, want %q", tc.unit, tc.squared, got, tc.want)
		}
	}
}
