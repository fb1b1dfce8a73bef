package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// readCheckReport reads the --json output of `stkit check`.
func readCheckReport(t *testing.T, path string) checkReport {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep checkReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rep
}

// TestCheckCPU: `stkit --engine cpu check` on the fixtures of
// ../shared/reference (found as `stkit check` finds them) passes all 19
// checks, each with an error ≤ 1e-5 (measured ≤ 2.1e-6), exit 0; the table
// and the JSON name every check.
func TestCheckCPU(t *testing.T) {
	sharedDir(t)
	js := filepath.Join(t.TempDir(), "check.json")
	code, out, errs := runCLI(t, "--engine", "cpu", "check", "--json", js)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, tail(errs, 2000))
	}
	rep := readCheckReport(t, js)
	if !rep.Pass || len(rep.Failed) != 0 || len(rep.Checks) != len(checkDefs()) || len(rep.Checks) != 19 {
		t.Fatalf("report: pass %v, failed %v, %d checks", rep.Pass, rep.Failed, len(rep.Checks))
	}
	for _, r := range rep.Checks {
		if !r.Pass || r.Err == nil || *r.Err > 1e-5 || r.N == 0 || r.ErrCPU != nil || r.Error != "" {
			t.Errorf("%s: %+v", r.Name, r)
		}
		if !strings.Contains(out, r.Name) || !strings.Contains(errs, "check "+r.Name) {
			t.Errorf("%s missing from the table or the progress lines", r.Name)
		}
	}
	// NaN entries of Cheng's C01 (uncomputed) are skipped: 336 of 6·6·4·4.
	for _, r := range rep.Checks {
		want := map[string]int{"wph": 381, "scov-C01": 336, "scov-for_synthesis_iso": 993, "kymatio-S": 1009 * 16, "kymatio-grad": 256 * 256}[r.Name]
		if want != 0 && r.N != want {
			t.Errorf("%s: %d values compared, want %d", r.Name, r.N, want)
		}
	}
	if !strings.Contains(out, "19 of 19 checks pass") {
		t.Errorf("summary line missing:\n%s", out)
	}
}

// TestCheckCorruptedFixture: a copy of the fixtures with PyWPH's coefficients
// × 1.01 fails the wph check (error ≈ 0.01/1.01), exit 1, while the 18 other
// checks pass.
func TestCheckCorruptedFixture(t *testing.T) {
	src := filepath.Join(sharedDir(t), "reference")
	dir := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.Name() == fxWPH {
			continue
		}
		if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	a, err := datasets.Read(filepath.Join(src, fxWPH))
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Complex128 {
		a.Complex128[i] *= 1.01
	}
	if err := datasets.WriteNPY(filepath.Join(dir, fxWPH), a); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(t.TempDir(), "check.json")
	code, out, errs := runCLI(t, "--engine", "cpu", "check", "--fixtures", dir, "--json", js)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, tail(errs, 2000))
	}
	rep := readCheckReport(t, js)
	if rep.Pass || strings.Join(rep.Failed, ",") != "wph" || len(rep.Checks) != 19 {
		t.Fatalf("pass %v, failed %v (want wph), %d checks", rep.Pass, rep.Failed, len(rep.Checks))
	}
	for _, r := range rep.Checks {
		switch {
		case r.Name == "wph":
			if r.Pass || r.Err == nil || *r.Err < 5e-3 || *r.Err > 1.0e-2 {
				t.Errorf("corrupted wph: %+v (want error ≈ 9.9e-3, FAIL)", r)
			}
		case !r.Pass:
			t.Errorf("%s fails on the untouched fixtures: %+v", r.Name, r)
		}
	}
	if !strings.Contains(out, "FAIL") || !strings.Contains(errs, "1 of 19 checks failed: wph") {
		t.Errorf("the table or the error does not name the failed check:\n%s\n%s", out, tail(errs, 400))
	}
}

// TestCheckBadInput: a missing fixtures folder, a folder without the
// fixtures a check needs, bad flags and arguments are exit 2 before any work.
func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	partial := filepath.Join(dir, "partial")
	if err := os.Mkdir(partial, 0o755); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(sharedDir(t), "reference", fxMap)
	if err := os.Symlink(src, filepath.Join(partial, fxMap)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"check", "--fixtures", filepath.Join(dir, "nope")}, "not a folder"},
		{[]string{"check", "--fixtures", partial, "--only", "wph"}, "fixtures missing in " + partial + ": " + fxWPH + ", " + fxWPHAuto + ", " + fxWPHGrad},
		{[]string{"check", "--only", "wph,foo"}, `unknown family "foo"`},
		{[]string{"check", "--tol", "0"}, "--tol must be > 0"},
		{[]string{"check", "--tol", "NaN"}, "finite"},
		{[]string{"check", "extra"}, "takes no arguments"},
		{[]string{"check", "--json", filepath.Join(dir, "nodir", "c.json")}, "does not exist"},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.msg) {
			t.Errorf("%v: exit %d (want 2), stderr %q (want %q)", c.args, code, tail(errs, 400), c.msg)
		}
	}
	t.Setenv("STKIT_SHARED", filepath.Join(dir, "nope"))
	// the message names $STKIT_SHARED, not a --fixtures flag that was not given
	if code, _, errs := runCLI(t, "check", "--only", "wph"); code != 2 || !strings.Contains(errs, "$STKIT_SHARED is "+filepath.Join(dir, "nope")+", but "+filepath.Join(dir, "nope", "reference")+" is not a folder (set $STKIT_SHARED to the shared/ folder that holds reference/, or pass --fixtures DIR)") {
		t.Errorf("$STKIT_SHARED without reference/: exit %d, %q", code, tail(errs, 400))
	}
}

// TestCheckFailureSaysByHowMuch: a failing check's exit-1 message names each
// failed check with its error, the tolerance and the ratio of the two (it
// named the checks only, the amounts being in the table above), the error
// against the CPU engine where that is what failed, and a check that could
// not run with its error text.
func TestCheckFailureSaysByHowMuch(t *testing.T) {
	sharedDir(t)
	code, _, errs := runCLI(t, "--engine", "cpu", "check", "--only", "wst", "--tol", "1e-9")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, tail(errs, 1000))
	}
	re := regexp.MustCompile(`8 of 8 checks failed: wst-J6-S1 \(error \d\.\d\de-0\d = \d+× --tol 1e-09\), wst-J6-S2 \(error `)
	if !re.MatchString(errs) {
		t.Errorf("the error does not give the failed checks' errors:\n%s", tail(errs, 800))
	}
	one, two := 2e-4, 5e-5
	rep := checkReport{Tol: 1e-4, Failed: []string{"a", "b", "c", "d"}, Checks: []checkResult{
		{Name: "a", Err: &one},
		{Name: "b", Err: &two, ErrCPU: &one},
		{Name: "c", Error: "cpu engine: boom"},
		{Name: "d"},
		{Name: "e", Err: &two, Pass: true},
	}}
	want := "4 of 5 checks failed: a (error 2.00e-04 = 2× --tol 0.0001), b (vs cpu 2.00e-04 = 2× --tol 0.0001), c (cpu engine: boom), d (error inf/nan)"
	if got := checkFailure(rep).Error(); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestCheckHelpEngine: check --help says how to choose the engine (a global
// flag, before the command: `stkit check --engine graph` is refused as an
// unknown flag) and its choices, and what a failure prints.
func TestCheckHelpEngine(t *testing.T) {
	_, errs, _ := runCLI(t, "check", "--help") // help is on stdout
	help := strings.Join(strings.Fields(errs), " ")
	for _, want := range []string{
		"which go before the command: stkit --engine graph check (--engine auto, cpu or graph;",
		"1 a check fails: the table marks it FAIL and the last line names each failed check with its error in units of --tol",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("check --help lacks %q:\n%s", want, errs)
		}
	}
}
