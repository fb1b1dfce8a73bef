package bench

import (
	"os"
	"strings"
)

// LoadAvg returns the machine's 1, 5 and 15 minute load averages as
// /proc/loadavg words them ("0.52 0.40 0.33", without the file's process
// counts and last PID), "" where the file cannot be read (not Linux). stkit
// bench prints it before and after its rows and the stlayer/perf/scaling
// command after its tables.
func LoadAvg() string { return loadAvgFile("/proc/loadavg") }

// loadAvgFile is LoadAvg reading path: its first three words, "" where path
// cannot be read or holds fewer.
func loadAvgFile(path string) string {
	la, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	if f := strings.Fields(string(la)); len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}
