package bench

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestFixa25LoadAvg: the load averages are the first three words of
// /proc/loadavg, without its process counts and last PID; "" for a file
// that cannot be read or holds fewer words. stkit bench and the
// stlayer/perf/scaling command share it (scaling read the file itself and
// printed the whole line, "load average: 0.37 1.47 0.90 1/90 14734").
func TestFixa25LoadAvg(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ text, want string }{
		{"0.37 1.47 0.90 1/90 14734\n", "0.37 1.47 0.90"},
		{"0.37 1.47\n", ""},
		{"", ""},
	} {
		p := filepath.Join(dir, "loadavg")
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := loadAvgFile(p); got != c.want {
			t.Errorf("%q: %q, want %q", c.text, got, c.want)
		}
	}
	if got := loadAvgFile(filepath.Join(dir, "absent")); got != "" {
		t.Errorf("absent file: %q, want \"\"", got)
	}
	if _, err := os.Stat("/proc/loadavg"); err == nil {
		if got := LoadAvg(); !regexp.MustCompile(`^\d+\.\d+ \d+\.\d+ \d+\.\d+$`).MatchString(got) {
			t.Errorf("LoadAvg() = %q, want three numbers", got)
		}
	}
}
