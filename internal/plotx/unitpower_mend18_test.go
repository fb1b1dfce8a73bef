package plotx

import "testing"

// TestMend18UnitPower: one BUNIT squared reads the same in the dashboards
// and the reports; a one-symbol unit gets no parentheses ("K²", where the
// reports wrote "(K)²").
func TestMend18UnitPower(t *testing.T) {
	for _, tc := range []struct {
		unit string
		p    int
		want string
	}{{"K", 2, "K²"}, {"K", 1, "K"}, {"MJy/sr", 2, "(MJy/sr)²"}, {"MJy/sr", 1, "MJy/sr"}, {"uK_CMB", 2, "uK_CMB²"}, {"Jy beam-1", 2, "(Jy beam-1)²"}, {"K^2", 2, "(K^2)²"}} {
		if got := UnitPower(tc.unit, tc.p); got != tc.want {
			t.Errorf("UnitPower(%q, %d) = %q, want %q", tc.unit, tc.p, got, tc.want)
		}
	}
}
