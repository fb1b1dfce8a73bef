package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/stlayer"
)

// unwritableDir returns an existing folder in which files cannot be created:
// a read-only temporary folder, or (as root, who ignores permissions) /sys.
func unwritableDir(t *testing.T) string {
	t.Helper()
	d := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(d, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(d, 0o755) })
	for _, c := range []string{d, "/sys", "/proc"} {
		if f, err := os.CreateTemp(c, "probe-*"); err == nil {
			f.Close()
			os.Remove(f.Name())
			continue
		}
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
	}
	t.Fatalf("no unwritable folder found (read-only temp folder, /sys, /proc are all writable here)")
	return ""
}

// wantBadInput runs stkit and checks exit code 2, a one-line error holding
// frag, no Go panic, and (for the names in noFiles) that nothing was written.
func wantBadInput(t *testing.T, args []string, frag string, noFiles ...string) {
	t.Helper()
	code, _, errs := runCLI(t, args...)
	last := strings.TrimSpace(errs)
	if i := strings.LastIndex(last, "\n"); i >= 0 {
		last = last[i+1:]
	}
	if code != 2 || !strings.Contains(last, frag) || strings.Contains(errs, "panic") || strings.Contains(errs, "goroutine") {
		t.Errorf("%v: exit %d (want 2), last line %q lacks %q", args, code, last, frag)
	}
	for _, f := range noFiles {
		if _, err := os.Stat(f); err == nil {
			t.Errorf("%v: %s was written", args, f)
		}
	}
}

// An output that cannot be written (unwritable folder, a name whose extension
// the command cannot write, a folder given as the file) is refused before any
// work: before, synth, separate and sample ran to the end and failed on the
// write (exit 1); stats -o NAME without an extension printed the table and
// wrote nothing with exit 0.
func TestOutputRefusedBeforeWork(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	samples := writeTestMap(t, dir, "c.npy", 3)
	ro := unwritableDir(t)
	file := filepath.Join(dir, "afile")
	os.WriteFile(file, []byte("x"), 0o644)
	synth := []string{"synth", mp, "-n", "1", "--steps", "3"}
	sep := []string{"separate", mp, "--contaminant", samples, "--steps", "2"}
	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }
	cases := []struct {
		args []string
		frag string
	}{
		{with(synth, "-o", filepath.Join(ro, "s.npy")), "cannot write in " + ro},
		{with(synth, "-o", filepath.Join(dir, "s.txt")), "cannot tell the output format from the name: give --format"}, // b843d95
		{with(synth, "-o", filepath.Join(dir, "s2.npy"), "--report", filepath.Join(ro, "rep")), "cannot write in " + ro},
		{with(synth, "-o", filepath.Join(dir, "s3.npy"), "--report", filepath.Join(file, "rep")), "is a file, not a folder"},
		{with(sep, "-o", filepath.Join(ro, "x.npy")), "cannot write in " + ro},
		{with(sep, "-o", filepath.Join(dir, "x.txt")), "cannot tell the output format from the name: give --format"},
		{with(sep, "-o", filepath.Join(dir, "x.fits.gz")), "gzip-compressed FITS"},
		{with(sep, "-o", filepath.Join(dir, "x2.npy"), "--report", filepath.Join(ro, "rep")), "cannot write in " + ro},
		{[]string{"surrogate", mp, "-o", filepath.Join(dir, "g.txt")}, "cannot tell the output format from the name: give --format"},
		{[]string{"surrogate", mp, "-o", dir}, "cannot tell the output format from the name"},
		{[]string{"stats", mp, "-o", filepath.Join(dir, "coeffs")}, "cannot tell the output format"},
		{[]string{"stats", mp, "--format", "npy"}, "needs an output file"},
		{[]string{"stats", mp, "-o", filepath.Join(ro, "c.npy")}, "cannot write in " + ro},
		{[]string{"stats", mp, "-o", dir, "--format", "npy"}, "-o " + dir + " is a folder, not a file name"},
		{[]string{"patches", mp, "-o", filepath.Join(file, "ds"), "--size", "32"}, "is a file, not a folder"},
		{[]string{"patches", mp, "-o", filepath.Join(ro, "ds"), "--size", "32"}, "cannot write in " + ro},
		{[]string{"train", filepath.Join(dir, "nods"), "-o", filepath.Join(ro, "run"), "--clusters", "2"}, "cannot write in " + ro},
		{[]string{"demo", "-o", filepath.Join(file, "demo")}, "is a file, not a folder"},
		{[]string{"bench", "--only", "wst", "--json", filepath.Join(ro, "b.json")}, "cannot write in " + ro},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.frag) || strings.Contains(errs, "L-BFGS") || strings.Contains(errs, "stage 1") {
			t.Errorf("%v: exit %d (want 2 before any work), stderr lacks %q:\n%s", c.args, code, c.frag, tail(errs, 600))
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if n := e.Name(); n != "m.npy" && n != "c.npy" && n != "afile" {
			t.Errorf("left behind: %s", n)
		}
	}
}

// An output file whose folder does not exist, or whose "folder" is a file,
// is refused before any work with the flag named: the message was "output
// directory nodir does not exist" (which option?), and for -o
// /etc/passwd/x.npy it said /etc/passwd "does not exist".
func TestOutputFolderMissingNamesFlag(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	samples := writeTestMap(t, dir, "c.npy", 3)
	file := filepath.Join(dir, "afile")
	os.WriteFile(file, []byte("x"), 0o644)
	nodir := filepath.Join(dir, "nodir")
	cases := []struct {
		args []string
		frag string
	}{
		{[]string{"surrogate", mp, "-o", filepath.Join(nodir, "g.npy")}, "-o " + filepath.Join(nodir, "g.npy") + ": the folder " + nodir + " does not exist (create it first, or change -o)"},
		{[]string{"stats", mp, "-o", filepath.Join(nodir, "c.json")}, "-o " + filepath.Join(nodir, "c.json") + ": the folder " + nodir + " does not exist"},
		{[]string{"stats", mp, "--plot", filepath.Join(nodir, "p.png")}, "--plot " + filepath.Join(nodir, "p.png") + ": the folder " + nodir + " does not exist (create it first, or change --plot)"},
		{[]string{"synth", mp, "-o", filepath.Join(nodir, "s.npy"), "--steps", "3"}, "-o " + filepath.Join(nodir, "s.npy") + ": the folder " + nodir + " does not exist"},
		{[]string{"separate", mp, "--contaminant", samples, "--steps", "2", "-o", filepath.Join(nodir, "x.npz:s")}, "-o " + filepath.Join(nodir, "x.npz") + ": the folder " + nodir + " does not exist"},
		{[]string{"bench", "--only", "wst", "--json", filepath.Join(nodir, "b.json")}, "--json " + filepath.Join(nodir, "b.json") + ": the folder " + nodir + " does not exist (create it first, or change --json)"},
		{[]string{"surrogate", mp, "-o", filepath.Join(file, "g.npy")}, "-o " + filepath.Join(file, "g.npy") + ": " + file + " is a file, not a folder"},
		{[]string{"stats", mp, "-o", filepath.Join(file, "sub", "c.npy")}, "part of its path is a file"},
	}
	for _, c := range cases {
		wantBadInput(t, c.args, c.frag)
	}
	if _, err := os.Stat(nodir); err == nil {
		t.Errorf("%s was created", nodir)
	}
}

// Out-of-range flag values are refused with the flag's name instead of being
// silently replaced (--steps 0 ran 300 iterations, --history 0 used 20), used
// as given (--ps -1 rewarded a spectrum mismatch, --lr-final -1), turned into
// a JSON error (--lr NaN: "json: unsupported value: NaN"), or exhausting
// memory (-L 1000: the scattering-covariance index tables, a runtime fatal
// error with a stack trace).
func TestFlagRangesRefused(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	samples := writeTestMap(t, dir, "c.npy", 3)
	out := filepath.Join(dir, "o.npy")
	ds := filepath.Join(dir, "nods")
	run := filepath.Join(dir, "run")
	cases := []struct {
		args []string
		frag string
	}{
		{[]string{"stats", mp, "-L", "33"}, "-L 33: the number of orientations must be in 1…32"},
		{[]string{"stats", mp, "-L", "-3"}, "-L -3"},
		{[]string{"stats", mp, "--kind", "wph", "-dn", "-1"}, "-dn -1"},
		{[]string{"synth", mp, "-o", out, "--steps", "0"}, "--steps 0: the number of L-BFGS iterations must be ≥ 1"},
		{[]string{"synth", mp, "-o", out, "--steps", "-5"}, "--steps -5"},
		{[]string{"synth", mp, "-o", out, "--steps", "3", "--history", "0"}, "--history 0"},
		{[]string{"synth", mp, "-o", out, "--steps", "3", "--ps", "-1"}, "--ps -1: want a number ≥ 0"},
		{[]string{"synth", mp, "-o", out, "--steps", "3", "--hist", "NaN"}, "--hist NaN: want a finite number"},
		{[]string{"synth", mp, "-o", out, "--steps", "3", "--log-every", "-1"}, "--log-every -1"},
		{[]string{"synth", mp, "-o", out, "--steps", "3", "-L", "1000"}, "-L 1000"},
		{[]string{"separate", mp, "--contaminant", samples, "-o", out, "--steps", "2", "--history", "0"}, "--history 0"},
		{[]string{"separate", mp, "--contaminant", samples, "-o", out, "--steps", "2", "-L", "64"}, "-L 64"},
		{[]string{"patches", mp, "-o", filepath.Join(dir, "ds1"), "--size", "32", "--stride", "-4"}, "stride -4 is negative"},
		{[]string{"patches", mp, "-o", filepath.Join(dir, "ds2"), "--size", "32", "--window", "tukey", "--alpha", "5"}, "outside [0, 1]"},
		{[]string{"patches", mp, "-o", filepath.Join(dir, "ds3"), "--size", "32", "--max-per-source", "-1"}, "per source"},
		{[]string{"patches", mp, "-o", filepath.Join(dir, "ds4"), "--size", "32", "--chunk", "-1"}, "--chunk -1"},
		{[]string{"patches", mp, "-o", filepath.Join(dir, "ds5"), "--size", "32", "-L", "1000"}, "-L 1000"},
		{[]string{"train", ds, "-o", run, "--clusters", "2", "--lr", "NaN"}, "--lr NaN: want a finite number"},
		{[]string{"train", ds, "-o", run, "--clusters", "2", "--lr-final", "-1"}, "--lr-final -1"},
		{[]string{"train", ds, "-o", run, "--clusters", "2", "--wrec", "Inf"}, "--wrec +Inf"},
		{[]string{"train", ds, "-o", run, "--clusters", "2", "--clip", "NaN"}, "--clip NaN"},
		{[]string{"train", ds, "-o", run, "--clusters", "2", "--keep", "-1"}, "--keep -1"},
		{[]string{"train", ds, "-o", run, "--clusters", "2", "--early-stop", "-1"}, "--early-stop -1"},
		{[]string{"bench", "--reps", "0"}, "--reps 0"},
		{[]string{"bench", "--only", "wsst"}, `unknown family "wsst"`},
		{[]string{"bench", "--engines", "gpu"}, `unknown engine "gpu"`},
		{[]string{"version", "extra"}, "takes no arguments"},
	}
	for _, c := range cases {
		wantBadInput(t, c.args, c.frag, out, run)
	}
	for _, d := range []string{"ds1", "ds2", "ds3", "ds4", "ds5"} {
		if _, err := os.Stat(filepath.Join(dir, d)); err == nil {
			t.Errorf("patches left a dataset folder %s", d)
		}
	}
}

// --batch 0, --lr 0, --tau0 0 and --tau-min 0 were all refused with one
// message, "need --batch ≥ 2 and positive --lr, --tau0, --tau-min"; each
// now names its flag, the value given and what is allowed, before the
// dataset is read.
func TestTrainRateFlagsOwnMessages(t *testing.T) {
	dir := t.TempDir()
	ds := filepath.Join(dir, "nods")
	run := filepath.Join(dir, "run")
	base := []string{"train", ds, "-o", run, "--clusters", "2"}
	for _, c := range []struct {
		flag, v, frag string
	}{
		{"--batch", "0", "--batch 0: the batch size must be ≥ 2"},
		{"--batch", "1", "--batch 1: the batch size must be ≥ 2"},
		{"--lr", "0", "--lr 0: the initial learning rate must be > 0 (default 0.01)"},
		{"--tau0", "0", "--tau0 0: the initial Gumbel-softmax temperature must be > 0 (default 1)"},
		{"--tau-min", "0", "--tau-min 0: the final Gumbel-softmax temperature must be > 0 (default 0.5)"},
	} {
		wantBadInput(t, append(append([]string{}, base...), c.flag, c.v), c.frag, run)
	}
}

// Flags that shared one message, or were refused without the value given,
// now name the flag, the value and what is allowed (sample's "--size,
// --stride must be ≥ 0 and --steps ≥ 1", demo's "--epochs and --steps must
// be ≥ 1", "--top must be ≥ 1", separate --models' `--steps: "0" is not a
// valid count`, …).
func TestFlagMessagesNameValue(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	samples := writeTestMap(t, dir, "c.npy", 3)
	out := filepath.Join(dir, "o.npy")
	models := filepath.Join(dir, "nomodels")
	sample := []string{"sample", models, "--component", "0", "-o", out}
	sepm := []string{"separate", mp, "--models", models, "--components", "0,1", "-o", out}
	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }
	cases := []struct {
		args []string
		frag string
	}{
		{with(sample, "-n", "0"), "-n 0: the number of maps must be ≥ 1"},
		{with(sample, "--size", "-1"), "--size -1: the map side must be ≥ the models' patch size (0: the patch size)"},
		{with(sample, "--stride", "-2"), "--stride -2: the tile stride must be ≥ 1 (0: half a patch)"},
		{with(sample, "--steps", "0"), "--steps 0: the number of L-BFGS iterations must be ≥ 1"},
		{[]string{"demo", "-o", filepath.Join(dir, "demo"), "--patches", "5"}, "--patches 5: the demo needs ≥ 20 patches per process"},
		{[]string{"demo", "-o", filepath.Join(dir, "demo"), "--epochs", "0"}, "--epochs 0: the number of training epochs must be ≥ 1"},
		{[]string{"demo", "-o", filepath.Join(dir, "demo"), "--steps", "0"}, "--steps 0: the number of L-BFGS iterations must be ≥ 1"},
		{[]string{"synth", mp, "-o", out, "-n", "0"}, "-n 0: the number of maps must be ≥ 1"},
		{[]string{"export", filepath.Join(dir, "norun"), "-o", filepath.Join(dir, "mod"), "--samples", "1"}, "--samples 1: want ≥ 2 decoded samples per component"},
		{[]string{"clusters", filepath.Join(dir, "norun"), filepath.Join(dir, "nods"), "-o", filepath.Join(dir, "a.csv"), "--top", "0"}, "--top 0: want ≥ 1 patch per cluster"},
		{[]string{"separate", mp, "--contaminant", samples, "-o", out, "--batch", "1"}, "--batch 1: want 0 (automatic) or ≥ 2 residual samples per estimate"},
		{with(sepm, "--steps", "0,0"), "--steps 0,0: B (full-stage iterations) must be ≥ 1, got 0"},
		{with(sepm, "--steps", "-1,10"), "--steps -1,10: A (amplitude-stage iterations) must be ≥ 0 (0: no such stage), got -1"},
		{with(sepm, "--steps", "0,10,0"), "--steps 0,10,0: E (epochs) must be ≥ 1, got 0"},
		{with(sepm, "--steps", "0,x"), `--steps 0,x: "x" is not a whole number`},
		{with(sepm, "--gauss-prior", "-1"), "--gauss-prior -1: want a finite weight ≥ 0 (0: none)"},
	}
	for _, c := range cases {
		wantBadInput(t, c.args, c.frag, out, filepath.Join(dir, "demo"), filepath.Join(dir, "mod"))
	}
}

// "file.npz:member" inputs (documented in stats --help) were refused with
// "no such file or directory" because the whole string was stat'ed.
func TestNPZMemberInput(t *testing.T) {
	dir := t.TempDir()
	a := stlayer.NewMaps(1, 16, 16)
	b := stlayer.NewMaps(2, 32, 32)
	for i := range b.Data {
		b.Data[i] = float64((i*7919)%101) / 101
	}
	aa, _ := datasets.MapsToArray(a, "float64")
	ba, _ := datasets.MapsToArray(b, "float64")
	p := filepath.Join(dir, "two.npz")
	if err := datasets.WriteNPZ(p, []datasets.NamedArray{{Name: "small", Array: aa}, {Name: "maps", Array: ba}}, false); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "stats", p+":maps", "--kind", "wst", "-J", "2", "-o", filepath.Join(dir, "c.npy")); code != 0 {
		t.Fatalf("stats x.npz:maps: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, "surrogate", p+":maps", "-o", filepath.Join(dir, "g.npz:grf")); code != 0 {
		t.Fatalf("surrogate x.npz:maps: exit %d\n%s", code, errs)
	}
	g, err := datasets.ReadMaps(filepath.Join(dir, "g.npz:grf"))
	if err != nil || g.B != 2 || g.M != 32 {
		t.Fatalf("surrogate output: %v %v", g, err)
	}
	if code, _, errs := runCLI(t, "patches", p+":maps", "-o", filepath.Join(dir, "ds"), "--size", "16", "--stride", "16", "--kind", "wst", "-J", "2"); code != 0 {
		t.Fatalf("patches x.npz:maps: exit %d\n%s", code, errs)
	}
	wantBadInput(t, []string{"stats", p + ":nope"}, `no member "nope"`)
	wantBadInput(t, []string{"stats", filepath.Join(dir, "none.npz") + ":maps"}, "none.npz: no such file")
	// validation errors read "PATH: problem", as the readers' errors (the
	// library's "datasets: " is not printed: userMessage)
	nan := filepath.Join(dir, "nan.npy")
	m := stlayer.NewMaps(1, 32, 32)
	m.Data[40] = func() float64 { z := 0.0; return z / z }()
	datasets.WriteMaps(nan, m)
	wantBadInput(t, []string{"stats", nan}, "stkit: "+nan+": 1 non-finite pixel (first: NaN in map 0 at row 1, column 8)")
}

// A map with a constant (masked) region made stkit patches compute every
// feature and then fail with "patch 0: feature mean() is not finite"; it now
// stops before the features, naming the patch, and --skip-constant drops such
// patches.
func TestPatchesConstantRegion(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 64, 64)
	x, _ := datasets.LogNormalField(64, 64, -2, 0.6, 5)
	copy(m.Data, x)
	for i := 0; i < 32*64; i++ {
		m.Data[i] = 0
	}
	mp := filepath.Join(dir, "masked.npy")
	if err := datasets.WriteMaps(mp, m); err != nil {
		t.Fatal(err)
	}
	ds := filepath.Join(dir, "ds")
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "32", "--stride", "16"},
		"masked.npy: the patch at map 0, row 0, column 0 is constant (value 0): its scov features are not finite; leave such patches out with --skip-constant",
		filepath.Join(ds, "features.npy"), filepath.Join(ds, "manifest.json"))
	code, _, errs := runCLI(t, "patches", mp, "-o", ds, "--size", "32", "--stride", "16", "--skip-constant")
	if code != 0 || !strings.Contains(errs, "6 patches from 1 source (0 skipped for non-finite pixels, 3 constant)") {
		t.Fatalf("--skip-constant: exit %d\n%s", code, tail(errs, 600))
	}
	f, err := datasets.LoadFeatures(ds)
	if err != nil || f.Manifest.N != 6 || !f.Manifest.Patch.SkipConstant {
		t.Fatalf("dataset: %v", err)
	}
	// A family whose features of a constant patch are finite (WST: zeros)
	// keeps constant patches.
	if code, _, errs := runCLI(t, "patches", mp, "-o", filepath.Join(dir, "dsw"), "--size", "32", "--stride", "16", "--kind", "wst", "-J", "3"); code != 0 {
		t.Fatalf("wst: exit %d\n%s", code, tail(errs, 600))
	}
}

// stkit bench exited 0 with an empty table when every row failed in its
// child process (--reps 0 even panicked there).
func TestBenchFailedRowsExitNonZero(t *testing.T) {
	saved := benchExec
	defer func() { benchExec = saved }()
	calls := 0
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		calls++
		return nil, errors.New("exit status 1")
	}
	code, _, errs := runCLI(t, "bench", "--only", "wst,wph")
	if code != 1 || calls != 2 || !strings.Contains(errs, "2 of 2 bench rows failed: wst/cpu/1, wph/cpu/1") {
		t.Errorf("exit %d after %d rows:\n%s", code, calls, errs)
	}
}

// The closing "this machine" line names the engines the rows ran on; it
// named the cpu engine for `stkit bench --engines graph`.
func TestBenchMachineLineNamesEngines(t *testing.T) {
	saved := benchExec
	defer func() { benchExec = saved }()
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		return json.Marshal(bench.Row{Family: "wph", Config: "x", Engine: "graph", Batch: 1, Forward: 1, ForwardBack: 2, PeakMiB: 1})
	}
	code, out, errs := runCLI(t, "bench", "--only", "wph", "--engines", "graph")
	line := out[strings.Index(out, "this machine:")+1:]
	if code != 0 || !strings.Contains(out, "this machine:") || !strings.Contains(line, "graph (GoMLX)") || strings.Contains(line, "cpu (plain Go") {
		t.Errorf("exit %d, stdout\n%s\nstderr\n%s", code, out, errs)
	}
}

// A failed export (here: the dataset is not the run's) leaves no model
// folder behind; before, the folder was created first and stayed empty.
func TestExportFailureLeavesNoFolder(t *testing.T) {
	dir := modelsFixture(t)
	other := tinyDataset(t)
	out := filepath.Join(t.TempDir(), "models")
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", out, "--dataset", other, "--samples", "4"}, "--force, accepts it", out)
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(file, "m")}, "is a file, not a folder")
	// separate --models and sample refuse bad outputs and NaN flags before work
	o := filepath.Join(t.TempDir(), "o.npy")
	mix := filepath.Join(dir, "mix.npy")
	models := filepath.Join(dir, "models")
	nan := filepath.Join(t.TempDir(), "nan.npy")
	nm := stlayer.NewMaps(1, 32, 32)
	nm.Data[3] = func() float64 { z := 0.0; return z / z }()
	datasets.WriteMaps(nan, nm)
	for _, c := range []struct {
		args []string
		frag string
	}{
		{[]string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--tau", "NaN"}, "--tau must be positive"},
		{[]string{"separate", mix, "--models", models, "--components", "0,1", "-o", strings.TrimSuffix(o, ".npy") + ".txt"}, "cannot tell the output format from the name: give --format"},
		{[]string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--history", "0"}, "--history 0"},
		{[]string{"separate", mix, "--models", models, "--components", "0,1", "-o", o, "--truth", mix + "," + nan}, "1 non-finite pixel"},
		{[]string{"sample", models, "--component", "0", "-o", strings.TrimSuffix(o, ".npy") + ".txt"}, "cannot tell the output format from the name: give --format"},
		{[]string{"sample", models, "--component", "0", "-o", o, "--history", "-1"}, "--history -1"},
		{[]string{"sample", models, "--component", "0", "-o", o, "--report", filepath.Join(file, "r")}, "is a file, not a folder"},
	} {
		wantBadInput(t, c.args, c.frag, o)
	}
}

// A mistyped flag gave the whole usage text (and the flag package's own copy
// of the error) before the error; it is now one line naming the command's
// --help. --help itself still prints the usage.
func TestBadFlagOneLine(t *testing.T) {
	for _, c := range [][]string{
		{"stats", "m.npy", "--bogus"},
		{"synth", "m.npy", "-n", "abc", "-o", "x.npy"},
		{"train", "ds", "-o", "run", "--epoch", "3"},
		{"separate", "m.npy", "--models", "md", "--contaminant", "c.npy"},
	} {
		code, out, errs := runCLI(t, c...)
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(errs, "(run `stkit "+c[0]+" --help` for the flags)") || out != "" {
			t.Errorf("%v: exit %d, %d stderr lines:\n%s", c, code, len(lines), tail(errs, 400))
		}
	}
	if code, out, _ := runCLI(t, "stats", "--help"); code != 0 || !strings.Contains(out, "Usage: stkit stats") || !strings.Contains(out, "-kind") {
		t.Errorf("stats --help: exit %d\n%s", code, tail(out, 400))
	}
}

// A second `stkit demo` into the same folder made the maps and features again
// and then failed at the training step ("already holds a run"); it now stops
// at once.
func TestDemoRefusesFolderWithRun(t *testing.T) {
	out := t.TempDir()
	if err := os.MkdirAll(filepath.Join(out, "run", "checkpoints"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Without --force it is not told to add --force, which refuses it too.
	wantBadInput(t, []string{"demo", "-o", out, "--patches", "20", "--epochs", "1", "--steps", "1", "--size", "32"}, "no demo summary.json", filepath.Join(out, "data"))
	// --force replaces only a folder the demo wrote (it has summary.json).
	wantBadInput(t, []string{"demo", "-o", out, "--force", "--patches", "20", "--epochs", "1", "--steps", "1", "--size", "32"}, "no demo summary.json", filepath.Join(out, "data"))
	if _, err := os.Stat(filepath.Join(out, "run", "checkpoints")); err != nil {
		t.Errorf("the refused --force removed the run: %v", err)
	}
}

// --val leaving fewer than 2 training patches failed inside the training
// loop (exit 1) after the run folder and run.json were written.
func TestTrainValLeavesTooFewRows(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	wantBadInput(t, []string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "1", "--val", "0.999"}, "training needs at least 2", run)
}

// --resume of a RUN that is not there (a misspelt -o) says so; it used to
// announce a new run and then ask for --clusters below the whole usage.
// With --clusters it starts the run (a restartable job).
func TestResumeMissingRun(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "rnu")
	wantBadInput(t, []string{"train", ds, "-o", run, "--resume"}, "--resume: no run to continue in "+run+" (no such folder)", run)
	if err := os.Mkdir(run, 0o755); err != nil {
		t.Fatal(err)
	}
	wantBadInput(t, []string{"train", ds, "-o", run, "--resume"}, "(it has no checkpoint)", filepath.Join(run, "checkpoints"))
	code, _, errs := runCLI(t, "train", ds, "-o", run, "--resume", "--clusters", "2", "--epochs", "1", "--z", "2", "--h", "8", "--layers", "1")
	if code != 0 || !strings.Contains(errs, "starting a new run") {
		t.Errorf("--resume --clusters on a new RUN: exit %d\n%s", code, tail(errs, 600))
	}
}

// A resume refused for changed settings rewrote run.json with the refused
// values first, so that run.json no longer described the run.
func TestRefusedResumeKeepsRunJSON(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	if code, _, errs := runCLI(t, "train", ds, "-o", run, "--clusters", "2", "--epochs", "1", "--z", "2", "--h", "8", "--layers", "1"); code != 0 {
		t.Fatalf("train: exit %d\n%s", code, tail(errs, 600))
	}
	before, err := os.ReadFile(filepath.Join(run, "run.json"))
	if err != nil {
		t.Fatal(err)
	}
	wantBadInput(t, []string{"train", ds, "-o", run, "--resume", "--epochs", "2", "--lr", "0.5"}, `"train.learning_rate": saved 0.01, requested 0.5`)
	after, _ := os.ReadFile(filepath.Join(run, "run.json"))
	if string(after) != string(before) {
		t.Error("the refused resume changed run.json")
	}
}

// Finite but huge pixel values overflow the statistics: stats wrote a file of
// +Inf coefficients with exit 0, and separate wrote its starting point as the
// result before failing with exit 1. Both now refuse the map, writing nothing.
func TestOverflowingMap(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 32, 32)
	x, _ := datasets.LogNormalField(32, 32, -2, 0.6, 3)
	for i, v := range x {
		m.Data[i] = v * 1e300
	}
	huge := filepath.Join(dir, "huge.npy")
	datasets.WriteMaps(huge, m)
	s := stlayer.NewMaps(3, 32, 32)
	for i := range s.Data {
		s.Data[i] = float64((i*7919)%211) / 211
	}
	samples := filepath.Join(dir, "s.npy")
	datasets.WriteMaps(samples, s)
	out := filepath.Join(dir, "o.npy")
	wantBadInput(t, []string{"stats", huge, "-J", "2", "-o", out}, "coefficients are not finite", out)
	// infer (b1b26be) now finds first that the samples are negligible next to
	// such data (an input error too); it was reported with exit 1.
	wantBadInput(t, []string{"separate", huge, "--contaminant", samples, "--steps", "2", "-o", out}, "negligible next to the data", out)
}

// A dataset written into its input folder was read back as maps by the next
// run (features.npy as a 2-D map, patches.npy as a batch): 98 patches became
// 246 without a word.
func TestPatchesOutputIsInputFolder(t *testing.T) {
	dir := t.TempDir()
	writeTestMap(t, dir, "m.npy", 1)
	wantBadInput(t, []string{"patches", dir, "-o", dir + string(filepath.Separator), "--size", "32"}, "is also an input folder", filepath.Join(dir, "patches.npy"))
	wantBadInput(t, []string{"patches", dir, "-o", filepath.Join(dir, "..", filepath.Base(dir)), "--size", "32"}, "is also an input folder")
}

// A request whose result alone cannot fit in the available memory is refused
// before any work with the size it needs (sample -n 1000000 --size 4096 tried
// to allocate 128 TiB; synth and export likewise). STKIT_MEM_AVAILABLE stands
// for the machine's MemAvailable.
func TestResultTooLargeRefused(t *testing.T) {
	dir := modelsFixture(t)
	mp := writeTestMap(t, t.TempDir(), "m.npy", 1)
	o := filepath.Join(t.TempDir(), "o.npy")
	out := filepath.Join(t.TempDir(), "models")
	t.Setenv("STKIT_MEM_AVAILABLE", "100000")
	for _, c := range []struct {
		args []string
		frag string
	}{
		{[]string{"synth", mp, "-n", "1000", "-o", o}, "-n 1000 maps of 64×64: the result alone needs 31.2 MiB of memory and 97.7 KiB is available"},
		{[]string{"sample", filepath.Join(dir, "models"), "--component", "0", "-n", "1000", "-o", o}, "-n 1000 --size"},
		{[]string{"export", filepath.Join(dir, "run"), "-o", out, "--samples", "100000"}, "--samples 100000: the result alone needs"},
	} {
		wantBadInput(t, c.args, c.frag, o, out)
	}
	// Within the available memory the same checks pass.
	t.Setenv("STKIT_MEM_AVAILABLE", "")
	if err := checkResultFits("x", 1); err != nil {
		t.Errorf("1 byte refused: %v", err)
	}
}

// `stkit --engine graph bench` benchmarks the graph engine; before, bench
// ignored the global flag and ran its --engines default (cpu) silently.
// An explicit --engines still wins.
func TestBenchHonoursGlobalEngine(t *testing.T) {
	saved := benchExec
	defer func() { benchExec = saved }()
	var rows []string
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		for i, a := range args {
			if a == "--row" && i+1 < len(args) {
				rows = append(rows, args[i+1])
			}
		}
		return nil, errors.New("stub")
	}
	runCLI(t, "--engine", "graph", "bench", "--only", "wst")
	runCLI(t, "--engine", "graph", "bench", "--only", "wst", "--engines", "cpu")
	runCLI(t, "bench", "--only", "wst")
	if want := []string{"wst/graph/1", "wst/cpu/1", "wst/cpu/1"}; !slices.Equal(rows, want) {
		t.Errorf("rows %v, want %v", rows, want)
	}
}

// The common first-run mistakes get an error that says what to do: a map
// too small for -J names the largest J the maps allow, a folder given where
// one map file is read says so (not "unknown file type": separate's DATA;
// stats reads a folder as a set of maps since eb58d43, and refuses an
// output inside it, 39aaed5), and separate without samples names the flags
// that give them. All exit 2.
func TestCommonMistakesActionable(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1) // 64×64
	wantBadInput(t, []string{"stats", mp, "-J", "6", "-o", filepath.Join(dir, "x.npy")}, "use -J 5 or less for 64×64 maps", filepath.Join(dir, "x.npy"))
	wantBadInput(t, []string{"synth", mp, "-J", "7", "-o", filepath.Join(dir, "s.npy")}, "use -J 5 or less", filepath.Join(dir, "s.npy"))
	wantBadInput(t, []string{"stats", dir, "-o", filepath.Join(dir, "y.npy")}, "that MAP reads as a set of maps", filepath.Join(dir, "y.npy"))
	wantBadInput(t, []string{"separate", dir, "--noise", mp, "-o", filepath.Join(t.TempDir(), "w.npy")}, "is a folder; give one map file")
	wantBadInput(t, []string{"separate", mp, "-o", filepath.Join(dir, "z.npy")}, "--contaminant FILE", filepath.Join(dir, "z.npy"))
	if got, want := largestJ(64, 64), 5; got != want {
		t.Errorf("largestJ(64, 64) = %d, want %d", got, want)
	}
	if got := largestJ(33, 35); got != 4 {
		t.Errorf("largestJ(33, 35) = %d, want 4 (2^(J+1) = 32 ≤ 33; no divisibility)", got)
	}
	if got := largestJ(3, 100); got != 0 {
		t.Errorf("largestJ(3, 100) = %d, want 0", got)
	}
	if got := largestJ(96, 128); got != 5 {
		t.Errorf("largestJ(96, 128) = %d, want 5 (96 = 3·32)", got)
	}
}

// separate --models --min-fraction NaN passed the range check (NaN < 0 and
// NaN ≥ 1 are both false) and masked nothing, as --min-fraction 0 would.
func TestMinFractionNaNRefused(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	out := filepath.Join(dir, "o.npy")
	base := []string{"separate", mp, "--models", filepath.Join(dir, "nomodels"), "--components", "0,1", "-o", out}
	for _, v := range []string{"NaN", "1", "-0.1"} {
		wantBadInput(t, append(append([]string{}, base...), "--min-fraction", v), "--min-fraction "+v+": want a fraction in [0, 1) (0: no mask)", out)
	}
}

// patches --window tukey --alpha 0 was computed with the library's default
// α = 0.3 (0 is its "unset"), and --alpha without --window tukey was
// ignored; both are now refused before any work.
func TestPatchesAlphaNotReplaced(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	base := []string{"patches", mp, "-o", ds, "--size", "32"}
	with := func(more ...string) []string { return append(append([]string{}, base...), more...) }
	wantBadInput(t, with("--window", "tukey", "--alpha", "0"), "--alpha 0: a Tukey window with α = 0 tapers nothing", ds)
	wantBadInput(t, with("--alpha", "0.5"), `--alpha 0.5 is the Tukey window's parameter, but the window is "none"`, ds)
	wantBadInput(t, with("--window", "hann", "--alpha", "0.5"), `unknown window "hann"`, ds)
}

// -dn with another family than wph was ignored by the statistic but written
// into its description and a dataset's spec ("scov J=6 … dn=3").
func TestDNOnlyForWPH(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	out := filepath.Join(dir, "o.npy")
	ds := filepath.Join(dir, "ds")
	for _, args := range [][]string{
		{"stats", mp, "--kind", "scov", "-dn", "3", "-o", out},
		{"stats", mp, "--kind", "wst", "-dn", "1", "-o", out},
		{"synth", mp, "-dn", "2", "-o", out, "--steps", "2"},
		{"patches", mp, "-o", ds, "--size", "32", "-dn", "2"},
	} {
		wantBadInput(t, args, "τ shifts exist for --kind wph only", out, ds)
	}
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "wph", "-J", "3", "-dn", "1", "-o", out); code != 0 {
		t.Fatalf("stats --kind wph -dn 1: exit %d\n%s", code, errs)
	}
}
