package main

import (
	"bytes"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/dirlock"
	"github.com/stkit-org/stkit/stlayer"
)

// sepout20Fixture writes DATA d.npy = s + n (32×32 log-normal field plus
// white noise) and 3 other noise maps n.npy to a temporary folder.
func sepout20Fixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := datasets.LogNormalField(32, 32, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	var nb [][]float64
	for i := range 4 {
		x, _ := datasets.WhiteNoise(32, 32, uint64(10+i))
		nb = append(nb, x)
	}
	d := make([]float64, len(s))
	for i := range d {
		d[i] = s[i] + nb[3][i]
	}
	ns, err := datasets.StackMaps(32, 32, nb[:3]...)
	if err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]*stlayer.Maps{"d.npy": {B: 1, M: 32, N: 32, Data: d}, "n.npy": ns} {
		if err := datasets.WriteMaps(filepath.Join(dir, name), x); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sepout20Snapshot reads the files paths (a file, or a folder's files) into
// name → bytes.
func sepout20Snapshot(t *testing.T, paths ...string) map[string][]byte {
	t.Helper()
	snap := map[string][]byte{}
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			ents, _ := os.ReadDir(p)
			for _, e := range ents {
				b, err := os.ReadFile(filepath.Join(p, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				snap[filepath.Join(p, e.Name())] = b
			}
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		snap[p] = b
	}
	return snap
}

// sepout20Same fails unless paths hold byte for byte what snap recorded
// (no file more, none less).
func sepout20Same(t *testing.T, what string, snap map[string][]byte, paths ...string) {
	t.Helper()
	now := sepout20Snapshot(t, paths...)
	if len(now) != len(snap) {
		t.Errorf("%s: %d files, %d before", what, len(now), len(snap))
	}
	for p, b := range snap {
		if !bytes.Equal(now[p], b) {
			t.Errorf("%s: %s changed (%d bytes, %d before)", what, p, len(now[p]), len(b))
		}
	}
}

// sepout20Gone fails when one of paths exists.
func sepout20Gone(t *testing.T, what string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s: %s exists (%v)", what, p, err)
		}
	}
}

// sepout20Interrupted checks DIR/metrics.json's settings.interrupted and
// settings.ended.
func sepout20Interrupted(t *testing.T, dir, ended string) {
	t.Helper()
	m := readSepMetrics(t, dir)
	st, _ := m["settings"].(map[string]any)
	if st["interrupted"] != true || st["ended"] != ended {
		t.Errorf("%s/metrics.json: interrupted %v, ended %v (want true, %q)", dir, st["interrupted"], st["ended"], ended)
	}
}

// An interrupted separate (samples) wrote the maps reached under -o OUT and
// its report into --report DIR, replacing a complete run's (measured:
// sep.npy and rep/metrics.json changed, metrics.json interrupted true). Now
// OUT and DIR are left byte for byte; the maps go to sep.partial.npy (the
// maps of iteration 3: those a run of 3 iterations ends with, planes
// summing to DATA), the report to rep.partial (interrupted, ended at
// iteration 3); exit 1 naming them. A later complete run removes both and
// writes OUT as before.
func TestSepout20PartialNotOut(t *testing.T) {
	dir := sepout20Fixture(t)
	d, out, rep := filepath.Join(dir, "d.npy"), filepath.Join(dir, "sep.npy"), filepath.Join(dir, "rep")
	partial, prep := filepath.Join(dir, "sep.partial.npy"), filepath.Join(dir, "rep.partial")
	base := []string{"separate", d, "--noise", filepath.Join(dir, "n.npy"), "-o", out, "--report", rep, "--log-every", "1"}
	if code, _, errs := runCLI(t, append(base, "--steps", "2,4,1")...); code != 0 {
		t.Fatalf("complete run: exit %d\n%s", code, tail(errs, 800))
	}
	snap := sepout20Snapshot(t, out, rep)

	code, errs := runCancelled(t, "separate: iteration 3 of", append(base, "--steps", "2,8,1")...)
	want := "stkit: interrupted: wrote the current maps to " + partial + " and their report (marked interrupted) to " + prep + "; " +
		out + " and " + rep + " not written (only a run that finishes writes them)"
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "report: "+filepath.Join(prep, "metrics.json")) {
		t.Fatalf("exit %d (want 1); want %q in\n%s", code, want, tail(errs, 1200))
	}
	sepout20Same(t, "after the interrupted run", snap, out, rep)
	sepout20Interrupted(t, prep, "interrupted at iteration 3 of 10 (stage 2/2, epoch 1)")
	got, err := datasets.ReadMaps(partial)
	if err != nil || got.B != 2 || got.M != 32 || got.N != 32 {
		t.Fatalf("%s: %v %+v, want [2, 32, 32]", partial, err, got)
	}
	data, _ := datasets.ReadMaps(d)
	for i, v := range data.Data {
		if s, r := got.Map(0)[i], got.Map(1)[i]; math.Abs(s+r-v) > 1e-12*(1+math.Abs(v)) {
			t.Fatalf("partial pixel %d: s̃ %g + residual %g ≠ data %g", i, s, r, v)
		}
	}
	// the maps reached: a run of 3 iterations ends with them
	three := filepath.Join(dir, "three.npy")
	if code, _, errs := runCLI(t, "separate", d, "--noise", filepath.Join(dir, "n.npy"), "-o", three, "--steps", "2,1,1"); code != 0 {
		t.Fatalf("3-iteration run: exit %d\n%s", code, tail(errs, 800))
	}
	ref, _ := datasets.ReadMaps(three)
	if !slices.Equal(ref.Data, got.Data) {
		t.Errorf("the partial maps are not those of a 3-iteration run")
	}
	if slices.Equal(got.Map(0), data.Data) {
		t.Errorf("the partial s̃ is DATA: no iteration in it")
	}

	// a complete run removes the partial file and report, writes OUT and DIR
	os.Remove(out)
	code, _, errs = runCLI(t, append(base, "--steps", "2,4,1")...)
	if code != 0 || !strings.Contains(errs, "separate: note: removed "+partial+", the unfinished maps of an earlier run stopped early") ||
		!strings.Contains(errs, "separate: note: removed "+prep+", the report of an earlier run stopped early") {
		t.Fatalf("complete run after it: exit %d, want 0 and both partials removed, in\n%s", code, tail(errs, 800))
	}
	sepout20Gone(t, "after the complete run", partial, prep)
	if b, _ := os.ReadFile(out); !bytes.Equal(b, snap[out]) {
		t.Errorf("the complete run's %s differs from the first complete run's", out)
	}
}

// separate --models did the same (measured: s.npy and rep/metrics.json of
// a complete run replaced by an interrupted one's). Now OUT and DIR are
// left; the maps reached go to s.partial.npy (planes summing to DATA), the
// report to rep.partial (interrupted at iteration 2); a later complete
// run removes both.
func TestSepout20ModelsPartial(t *testing.T) {
	fix := modelsFixture(t)
	work := t.TempDir()
	mix := filepath.Join(fix, "mix.npy")
	out, rep := filepath.Join(work, "s.npy"), filepath.Join(work, "rep")
	partial, prep := filepath.Join(work, "s.partial.npy"), filepath.Join(work, "rep.partial")
	base := []string{"separate", mix, "--models", filepath.Join(fix, "models"), "--components", "0,1", "--tau", "-1", "-o", out, "--report", rep, "--log-every", "1"}
	if code, _, errs := runCLI(t, append(base, "--steps", "0,3")...); code != 0 {
		t.Fatalf("complete run: exit %d\n%s", code, tail(errs, 800))
	}
	snap := sepout20Snapshot(t, out, rep)
	code, errs := runCancelled(t, "separate: iteration 2 loss", append(base, "--steps", "0,50")...)
	want := "stkit: interrupted at iteration 2 of 50: wrote the maps reached to " + partial + " and their report (marked interrupted) to " + prep + "; " +
		out + " and " + rep + " not written (only a run that finishes writes them)"
	if code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("exit %d (want 1); want %q in\n%s", code, want, tail(errs, 1200))
	}
	sepout20Same(t, "after the interrupted run", snap, out, rep)
	sepout20Interrupted(t, prep, "interrupted at iteration 2 of 50")
	got, err := datasets.ReadMaps(partial)
	if err != nil || got.B != 2 {
		t.Fatalf("%s: %v %+v, want 2 planes", partial, err, got)
	}
	data, _ := datasets.ReadMaps(mix)
	for i, v := range data.Data {
		if s := got.Map(0)[i] + got.Map(1)[i]; math.Abs(s-v) > 1e-9*(1+math.Abs(v)) {
			t.Fatalf("partial pixel %d: planes sum to %g, data %g", i, s, v)
		}
	}
	code, _, errs = runCLI(t, append(base, "--steps", "0,3")...)
	if code != 0 || !strings.Contains(errs, "separate: note: removed "+partial) || !strings.Contains(errs, "separate: note: removed "+prep) {
		t.Fatalf("complete run after it: exit %d, want 0 and both partials removed, in\n%s", code, tail(errs, 800))
	}
	sepout20Gone(t, "after the complete run", partial, prep)
}

// Where a run stopped early would write is checked before any work (exit
// 2, nothing written): OUT's partial file that is an input (--noise,
// --models' --start), a --report DIR that is OUT's partial file, a
// DIR.partial that is a file.
func TestSepout20PartialRefused(t *testing.T) {
	dir := sepout20Fixture(t)
	d, n, out := filepath.Join(dir, "d.npy"), filepath.Join(dir, "n.npy"), filepath.Join(dir, "sep.npy")
	np := filepath.Join(dir, "sep.partial.npy")
	if b, err := os.ReadFile(n); err != nil || os.WriteFile(np, b, 0o644) != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f.partial"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fix := modelsFixture(t)
	models := []string{"separate", filepath.Join(fix, "mix.npy"), "--models", filepath.Join(fix, "models"), "--components", "0,1", "--steps", "0,2"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"separate", d, "--noise", np, "-o", out}, "-o " + out + ": its partial file " + np + " (the maps of a run stopped early)"},
		{append(models, "--start", np, "-o", out), "-o " + out + ": its partial file " + np + " (the maps of a run stopped early)"},
		{[]string{"separate", d, "--noise", n, "-o", filepath.Join(dir, "x.npy"), "--report", filepath.Join(dir, "x.partial.npy")},
			"--report " + filepath.Join(dir, "x.partial.npy") + " is -o " + filepath.Join(dir, "x.npy") + ": its partial file"},
		{[]string{"separate", d, "--noise", n, "-o", filepath.Join(dir, "x.npy"), "--report", filepath.Join(dir, "f")},
			"--report " + filepath.Join(dir, "f") + ": its partial report " + filepath.Join(dir, "f.partial") + " is a file, not a folder"},
		{append(models, "-o", filepath.Join(dir, "x.npy"), "--report", filepath.Join(dir, "f")),
			"--report " + filepath.Join(dir, "f") + ": its partial report " + filepath.Join(dir, "f.partial") + " is a file, not a folder"},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d (want 2), want %q in\n%s", c.args, code, c.want, tail(errs, 600))
		}
	}
	sepout20Gone(t, "after the refusals", out, filepath.Join(dir, "x.npy"), filepath.Join(dir, "x.partial.npy"))
}

// DIR.partial is written and removed under its lock (as DIR under its
// own): held by another writer (a run whose --report is DIR.partial), an
// interrupted run writes its maps to the partial file and no report (exit
// 1, saying so), and a complete run leaves a stale DIR.partial it cannot
// lock (and says so).
func TestSepout20PartialReportLocked(t *testing.T) {
	dir := sepout20Fixture(t)
	out, rep, prep := filepath.Join(dir, "sep.npy"), filepath.Join(dir, "rep"), filepath.Join(dir, "rep.partial")
	base := []string{"separate", filepath.Join(dir, "d.npy"), "--noise", filepath.Join(dir, "n.npy"), "-o", out, "--report", rep, "--log-every", "1"}
	// partial2: an earlier run's DIR.partial that stkit recorded writing
	// (a folder it did not record is not written to: DIR.partial-2 then)
	stale := []byte(`{"settings": {"interrupted": true}}`)
	if err := os.MkdirAll(prep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prep, "metrics.json"), stale, 0o644); err != nil {
		t.Fatal(err)
	}
	recordPartialReport(io.Discard, sepPartialCmd, nil, rep, prep)
	l, err := dirlock.Dir(prep, "stkit synth t.npy -o s.npy --report "+prep)
	if err != nil {
		t.Fatal(err)
	}
	code, errs := runCancelled(t, "separate: iteration 3 of", append(base, "--steps", "2,8,1")...)
	want := "interrupted: wrote the current maps to " + filepath.Join(dir, "sep.partial.npy") + "; " + out + " and " + rep + " not written (only a run that finishes writes them); their report not written: --report: another stkit"
	if code != 1 || !strings.Contains(errs, want) {
		t.Errorf("locked DIR.partial: exit %d (want 1), want %q in\n%s", code, want, tail(errs, 800))
	}
	if _, err := os.Stat(filepath.Join(dir, "sep.partial.npy")); err != nil {
		t.Errorf("no partial maps: %v", err)
	}
	sepout20Gone(t, "locked DIR.partial", out, rep, prep+"-2")
	if b, _ := os.ReadFile(filepath.Join(prep, "metrics.json")); string(b) != string(stale) {
		t.Errorf("the locked DIR.partial's metrics.json was changed: %.80s", b)
	}

	// a stale interrupted report in DIR.partial, locked: left
	if err := os.WriteFile(filepath.Join(prep, "metrics.json"), []byte(`{"settings": {"interrupted": true}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs = runCLI(t, append(base, "--steps", "2,4,1")...)
	if code != 0 || !strings.Contains(errs, "separate: note: left "+prep+", the report of an earlier run stopped early: --report: another stkit") {
		t.Errorf("complete run, DIR.partial locked: exit %d (want 0), want it left in\n%s", code, tail(errs, 800))
	}
	if _, err := os.Stat(filepath.Join(prep, "metrics.json")); err != nil {
		t.Errorf("the locked DIR.partial was removed: %v", err)
	}
	sepout20Gone(t, "complete run", filepath.Join(dir, "sep.partial.npy"))
	l.Release()
}
