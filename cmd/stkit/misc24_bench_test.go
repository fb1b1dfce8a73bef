package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/bench"
)

// misc24StubBench makes every bench row return fixed timings, named by its
// --row id, without running it.
func misc24StubBench(t *testing.T) {
	t.Helper()
	saved := benchExec
	t.Cleanup(func() { benchExec = saved })
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		id := ""
		for i, a := range args {
			if a == "--row" && i+1 < len(args) {
				id = args[i+1]
			}
		}
		fam, eng, _ := strings.Cut(id, "/")
		eng, _, _ = strings.Cut(eng, "/")
		return json.Marshal(bench.Row{Family: fam, Config: "x", Engine: eng, Batch: 1, Forward: 1, ForwardBack: 2, PeakMiB: 1})
	}
}

// TestMisc24BenchLoadAtStart: bench printed the machine's load average only
// at the end of its run (on the "this machine:" line), and --json held none,
// so a reader could not tell whether the load changed during the run. It is
// now printed before the first row ("load average at the start: …"), the
// machine line gives the end's and the start's, and each --json row holds
// LoadStart and LoadEnd (the load before its process started and after it
// ended; the next row's start is the previous row's end). Where the load
// cannot be read, all of these are left out.
func TestMisc24BenchLoadAtStart(t *testing.T) {
	misc24StubBench(t)
	savedLoad := benchLoadAvg
	t.Cleanup(func() { benchLoadAvg = savedLoad })
	readings := []string{"0.10 0.20 0.30", "1.00 2.00 3.00", "4.00 5.00 6.00"}
	n := 0
	benchLoadAvg = func() string {
		n++
		if n > len(readings) {
			t.Errorf("load average read %d times, want %d (once before the rows, once after each)", n, len(readings))
			return ""
		}
		return readings[n-1]
	}
	js := filepath.Join(t.TempDir(), "rows.json")
	code, out, errs := runCLI(t, "bench", "--only", "wph,scov", "--json", js)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "load average at the start: 0.10 0.20 0.30" {
		t.Errorf("first line %q, want the load average at the start\n%s", lines[0], out)
	}
	machine := regexp.MustCompile(`(?m)^this machine: \d+ CPUs, .*; load average 4\.00 5\.00 6\.00 at the end, 0\.10 0\.20 0\.30 at the start$`)
	if !machine.MatchString(out) {
		t.Errorf("no machine line with the end's and the start's load averages:\n%s", out)
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		fam        string
		start, end []any
	}{
		{"scov", []any{0.1, 0.2, 0.3}, []any{1.0, 2.0, 3.0}},
		{"wph", []any{1.0, 2.0, 3.0}, []any{4.0, 5.0, 6.0}},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d JSON rows, want %d\n%s", len(rows), len(want), b)
	}
	for i, w := range want {
		r := rows[i]
		if r["Family"] != w.fam || !reflect.DeepEqual(r["LoadStart"], w.start) || !reflect.DeepEqual(r["LoadEnd"], w.end) || r["PeakMiB"] != 1.0 {
			t.Errorf("JSON row %d: Family %v, LoadStart %v, LoadEnd %v, PeakMiB %v; want %s, %v, %v, 1", i, r["Family"], r["LoadStart"], r["LoadEnd"], r["PeakMiB"], w.fam, w.start, w.end)
		}
	}

	// no /proc/loadavg: no load anywhere, the rest as before
	benchLoadAvg = func() string { return "" }
	code, out, errs = runCLI(t, "bench", "--only", "wph", "--json", js)
	b, _ = os.ReadFile(js)
	if code != 0 || strings.Contains(out, "load average") || !strings.Contains(out, "this machine: ") || strings.Contains(string(b), "Load") {
		t.Errorf("load unknown: exit %d, stdout\n%s\nJSON\n%s\n%s", code, out, b, errs)
	}

	// the real reader: three numbers where /proc/loadavg exists
	benchLoadAvg = savedLoad
	if _, err := os.Stat("/proc/loadavg"); err != nil {
		return
	}
	code, out, _ = runCLI(t, "bench", "--only", "wph")
	if !regexp.MustCompile(`^load average at the start: \d+\.\d+ \d+\.\d+ \d+\.\d+\n`).MatchString(out) ||
		!regexp.MustCompile(`(?m); load average \d+\.\d+ \d+\.\d+ \d+\.\d+ at the end, \d+\.\d+ \d+\.\d+ \d+\.\d+ at the start$`).MatchString(out) {
		t.Errorf("/proc/loadavg: exit %d, stdout\n%s", code, out)
	}
}
