package bench

import "testing"

// ru_maxrss is bytes on macOS and KiB on Linux and the BSDs: the same
// 512 MiB peak reads 512 on both (it read 524288 MiB on macOS).
func TestMaxRSSMiBUnits(t *testing.T) {
	for _, c := range []struct {
		maxrss int64
		goos   string
	}{{512 << 20, "darwin"}, {512 << 10, "linux"}, {512 << 10, "freebsd"}} {
		if got := maxRSSMiB(c.maxrss, c.goos); got != 512 {
			t.Errorf("%s: ru_maxrss %d → %g MiB, want 512", c.goos, c.maxrss, got)
		}
	}
	if PeakRSSMiB() <= 0 {
		t.Error("PeakRSSMiB of a running test process is not positive")
	}
}
