package plotx

import (
	"strconv"
	"testing"

	"gonum.org/v1/plot"
)

// On short ranges away from 0 the tick labels lost their digits:
// LogTicks on [0.99995, 1.00008] (the wph --norm auto dashboard) labelled
// four ticks "1", LinearTicks on [0.9995, 1.0008] wrote "0.9998" at
// 0.99975 and "1.001" at 1.00075. Labels now have the digits they need:
// distinct, each within 1 % of the smallest labelled step of its value,
// and no more digits than that (round ranges keep FormatTick's labels).
func TestTickLabelsKeepDigits(t *testing.T) {
	cases := []struct {
		name   string
		ticker plot.Ticker
		lo, hi float64
		want   []string
	}{
		{"log near 1", LogTicks{}, 0.99995, 1.00008, []string{"0.99996", "1", "1.00004", "1.00008"}},
		{"linear near 1", LinearTicks{}, 0.9995, 1.0008, []string{"0.9995", "0.99975", "1", "1.00025", "1.0005", "1.00075"}},
		{"linear 1234.x", LinearTicks{}, 1234.5, 1234.9, []string{"1234.5", "1234.6", "1234.7", "1234.8", "1234.9"}},
		{"exp form", LogTicks{}, 1.00001e-6, 1.00009e-6, nil},
		{"round", LinearTicks{}, 0, 20, []string{"0", "5", "10", "15", "20"}},
		{"log decades", LogTicks{}, 1e-3, 10, []string{"0.001", "0.01", "0.1", "1", "10"}},
	}
	for _, c := range cases {
		var got []string
		var vals []float64
		for _, tk := range c.ticker.Ticks(c.lo, c.hi) {
			if tk.Label != "" {
				got = append(got, tk.Label)
				vals = append(vals, tk.Value)
			}
		}
		if c.want != nil && !equalStrings(got, c.want) {
			t.Errorf("%s [%g, %g]: labels %q, want %q", c.name, c.lo, c.hi, got, c.want)
		}
		seen := map[string]bool{}
		for i, l := range got {
			if seen[l] {
				t.Errorf("%s: label %q twice in %q", c.name, l, got)
			}
			seen[l] = true
			v, err := strconv.ParseFloat(l, 64)
			if err != nil {
				t.Errorf("%s: label %q: %v", c.name, l, err)
				continue
			}
			if i > 0 {
				if step := vals[i] - vals[i-1]; d(v, vals[i]) > 0.01*step {
					t.Errorf("%s: label %q for %g", c.name, l, vals[i])
				}
			}
		}
		if len(got) < 2 {
			t.Errorf("%s: %d labels", c.name, len(got))
		}
	}
}

func d(a, b float64) float64 {
	if a > b {
		return a - b
	}
	return b - a
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
