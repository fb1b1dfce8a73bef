package main

import (
	"os"
	"strings"
	"testing"
)

// separate --start data with a file ./data (or ./wiener) silently took the
// keyword; it now warns, naming the keyword's meaning and the ./ spelling.
// No such file, or a folder of that name (no start: --start takes one map
// file): no warning.
func TestRobust19StartKeywordWarning(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeTestMap(t, dir, "m.npy", 1)
	writeTestMap(t, dir, "c.npy", 2)
	sep := func(start string) (int, string) {
		code, _, errs := runCLI(t, "separate", "m.npy", "--contaminant", "c.npy", "-o", "x.npy", "--steps", "2", "--start", start)
		return code, errs
	}
	const warn = "separate: warning: --start"
	if code, errs := sep("data"); code != 0 || strings.Contains(errs, warn) {
		t.Errorf("--start data, no ./data: exit %d, want 0 without a warning\n%s", code, errs)
	}
	if err := os.Mkdir("wiener", 0o755); err != nil {
		t.Fatal(err)
	}
	if code, errs := sep("wiener"); code != 0 || strings.Contains(errs, warn) {
		t.Errorf("--start wiener with a folder ./wiener: exit %d, want 0 without a warning\n%s", code, errs)
	}
	if err := os.WriteFile("data", nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, errs := sep("data"); code != 0 || !strings.Contains(errs, warn+" data: the keyword (start from DATA); for the file write ./data\n") {
		t.Errorf("--start data with a file ./data: exit %d, want 0 with the warning\n%s", code, errs)
	}
	if err := os.Remove("wiener"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(writeTestMap(t, dir, "w.npy", 1), "wiener"); err != nil {
		t.Fatal(err)
	}
	if code, errs := sep("wiener"); code != 0 || !strings.Contains(errs, warn+" wiener: the keyword (start from the Wiener filter of DATA); for the file write ./wiener\n") {
		t.Errorf("--start wiener with a file ./wiener: exit %d, want 0 with the warning\n%s", code, errs)
	}
}
