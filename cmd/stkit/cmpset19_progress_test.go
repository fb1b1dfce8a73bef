package main

import (
	"bytes"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// stats' bar on a log (cosmo2: "stats  40% |████████████                  |
// (8/20) [0s:0s]" in a redirected stderr): a run of seconds writes one plain
// line, the count it ended on, with no bar drawing and no percentage.
func TestCmpset19StatsBarOnLog(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 6)
	code, _, errs := runCLI(t, "stats", m, "--kind", "wst", "-J", "3", "--chunk", "2", "-o", filepath.Join(dir, "c.json"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var bar []string
	for _, l := range strings.Split(errs, "\n") {
		if strings.HasPrefix(l, "stats (") || strings.HasPrefix(l, "stats ") && strings.Contains(l, "%") {
			bar = append(bar, l)
		}
	}
	if len(bar) != 1 || !strings.HasPrefix(bar[0], "stats (6/6) [") {
		t.Errorf("bar lines %q, want one \"stats (6/6) [elapsed]\"\n%s", bar, errs)
	}
	if strings.ContainsAny(errs, "█\r") || strings.Contains(errs, "% |") {
		t.Errorf("bar drawing in the log:\n%q", errs)
	}
}

// After the quiet period a bar on a log writes its redraws as plain lines
// (throttled by the bar), held-back ones are written when it closes, and
// logBarLine takes out the drawing whatever the count.
func TestCmpset19LineWriter(t *testing.T) {
	var buf bytes.Buffer
	l := &lineWriter{w: &buf, start: time.Now(), quiet: time.Hour}
	l.Write([]byte("\rwork  40% |████████████                  | (2/5) [0s:1s]"))
	l.Write([]byte("\rwork  60% |██████████████████            | (3/5) [0s:1s]"))
	if buf.Len() != 0 {
		t.Fatalf("a line within the quiet period: %q", buf.String())
	}
	l.Write([]byte("\n")) // Exit: the count reached
	if got := buf.String(); got != "work (3/5) [0s:1s]\n" {
		t.Errorf("closing line %q, want %q", got, "work (3/5) [0s:1s]\n")
	}
	buf.Reset()
	l = &lineWriter{w: &buf, start: time.Now().Add(-time.Minute), quiet: logBarQuiet}
	l.Write([]byte("\rwork  20% |██████                        | (1/5) [1m0s:4m0s]"))
	l.Write([]byte("\rwork 100% |██████████████████████████████| (5/5)"))
	l.Write([]byte("\n"))
	// the closing line's time is the elapsed time when it is written: 1m0s,
	// or a little more on a loaded machine (1m1s after a pause of 0.5 s)
	want := regexp.MustCompile(`^work \(1/5\) \[1m0s:4m0s\]\nwork \(5/5\) \[1m[0-9]+s\]\n$`)
	if got := buf.String(); !want.MatchString(got) {
		t.Errorf("lines %q, want %q", got, want)
	}
	for in, want := range map[string]string{
		"stats   5% |█                             | (1/20) [0s:3s]": "stats (1/20) [0s:3s]",
		"L-BFGS 100% |██████████████████████████████| (187/187)":     "L-BFGS (187/187)",
		"stopped at iteration 7 of 187 100% |███| (7/7)":             "stopped at iteration 7 of 187 (7/7)",
	} {
		if got := logBarLine(in); got != want {
			t.Errorf("logBarLine(%q) = %q, want %q", in, got, want)
		}
	}
}
