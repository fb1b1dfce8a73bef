package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// snapshot records the bytes of files, to check later that none changed.
func snapshot(t *testing.T, paths ...string) map[string]string {
	t.Helper()
	s := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s[p] = string(b)
	}
	return s
}

func unchanged(t *testing.T, what string, s map[string]string) {
	t.Helper()
	for p, b := range s {
		if got, err := os.ReadFile(p); err != nil || string(got) != b {
			t.Errorf("%s: %s was changed or removed (%v)", what, p, err)
		}
	}
}

// An output that names one of the command's inputs is refused before any
// work (exit 2) and the input is left as it was: before, stats, synth,
// separate and surrogate read the input, worked, and replaced it by their
// result with exit 0 (`stkit separate d.npy --noise n.npy -o d.npy` lost the
// data map). Other spellings of the same file (./x/../, a symbolic link)
// count; another member of the same .npz archive does not, and the archive
// keeps its other members.
func TestOutputIsInputRefused(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	m2 := writeTestMap(t, dir, "m2.npy", 1)
	c := writeTestMap(t, dir, "c.npy", 3)
	refs := filepath.Join(dir, "refs")
	os.Mkdir(refs, 0o755)
	r1 := writeTestMap(t, refs, "r1.npy", 1)
	writeTestMap(t, refs, "r2.npy", 1)
	link := filepath.Join(dir, "link.npy")
	if err := os.Symlink("m.npy", link); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	npz := filepath.Join(dir, "in.npz")
	if err := datasets.WriteMaps(npz+":maps", mustRead(t, m)); err != nil {
		t.Fatal(err)
	}
	pdir := filepath.Join(dir, "pdir")
	os.Mkdir(pdir, 0o755)
	pmap := writeTestMap(t, pdir, "patches.npy", 1) // a map named like a dataset file
	inputs := snapshot(t, m, m2, c, r1, npz, pmap)
	synth := []string{"synth", m, "--steps", "1"}
	with := func(base []string, more ...string) []string { return append(append([]string{}, base...), more...) }
	cases := []struct {
		args []string
		frag string
	}{
		{[]string{"stats", m, "-o", m, "--format", "npy"}, "-o " + m + " is the input " + m},
		{[]string{"stats", m, "--plot", m}, "is the input"},
		{[]string{"stats", m, "--cross", m2, "-o", m2, "--format", "npy"}, "is the input " + m2},
		{[]string{"stats", m, "-o", filepath.Join(dir, "x.json"), "--plot", filepath.Join(dir, "x.json")}, "name the same file"},
		{with(synth, "-o", m), "is the input"},
		{with(synth, "-o", filepath.Join(dir, "sub", "..", "m.npy")), "is the input"},
		{with(synth, "-o", link), "is the input"},
		{with(synth, "-o", r1, "--reference-set", refs), "is the input " + r1},
		{with(synth, "-o", r1, "--reference-set", r1+","+m2), "is the input " + r1},
		{[]string{"synth", npz + ":maps", "--steps", "1", "-o", npz + ":maps"}, "is the input"},
		{[]string{"synth", npz, "--steps", "1", "-o", npz + ":maps"}, "is the input"}, // the archive's first member, read without its name
		{[]string{"separate", m, "--noise", c, "--steps", "2", "-o", m}, "is the input " + m},
		{[]string{"separate", m, "--contaminant", c, "--steps", "2", "-o", c}, "is the input " + c},
		{[]string{"separate", m, "--contaminant", c, "--truth", m2, "--steps", "2", "-o", m2}, "is the input " + m2},
		{[]string{"surrogate", m, m2, "-o", m2}, "is the input " + m2},
		{[]string{"surrogate", refs, "-o", r1}, "is the input " + r1},
		{[]string{"patches", pmap, "-o", pdir, "--size", "32"}, "(its patches.npy) is the input " + pmap},
	}
	for _, cs := range cases {
		wantBadInput(t, cs.args, cs.frag)
		unchanged(t, strings.Join(cs.args, " "), inputs)
	}
	// Another member of the same archive: allowed, the input member kept.
	if code, _, errs := runCLI(t, "synth", npz, "--steps", "1", "-o", npz+":synth"); code != 0 {
		t.Fatalf("synth into another member of its input archive: exit %d\n%s", code, tail(errs, 400))
	}
	all, err := datasets.ReadNPZ(npz)
	if err != nil || len(all) != 2 || all[0].Name != "maps" || all[1].Name != "synth" {
		t.Fatalf("archive after writing member synth: %v %v", all, err)
	}
	if got, _ := datasets.ReadMaps(npz + ":maps"); got == nil || got.Data[5] != mustRead(t, m).Data[5] {
		t.Error("the input member changed")
	}
}

func mustRead(t *testing.T, p string) *stlayer.Maps {
	t.Helper()
	x, err := datasets.ReadMaps(p)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// fakeFolders makes a training run (checkpoints/, run.json, metrics.json,
// loss.png), a patch dataset and a model folder (their manifest.json), with
// no real content: the checks below refuse before reading them.
func fakeFolders(t *testing.T, dir string) (run, ds, models string) {
	t.Helper()
	run, ds, models = filepath.Join(dir, "run"), filepath.Join(dir, "ds"), filepath.Join(dir, "models")
	for _, d := range []string{filepath.Join(run, "checkpoints"), ds, models} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(run, "run.json"):           "{}\n",
		filepath.Join(run, "metrics.json"):       "[]\n",
		filepath.Join(run, "metrics.csv"):        "epoch\n",
		filepath.Join(run, "loss.png"):           "png",
		filepath.Join(ds, "manifest.json"):       `{"version": 1, "fingerprint": "ab", "chunk_size": 64, "complete": true}` + "\n",
		filepath.Join(ds, "norm.json"):           "{}\n",
		filepath.Join(models, "manifest.json"):   `{"format": "stkit-component-models", "version": 1}` + "\n",
		filepath.Join(models, "component_0.npz"): "zip",
	}
	for p, b := range files {
		if err := os.WriteFile(p, []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return run, ds, models
}

// Outputs that would replace a file of a training run, patch dataset or
// model folder are refused before any work: before, `--report RUN` replaced
// the run's metrics.json and loss.png, `stkit patches … -o MODELS` replaced
// the model manifest, `stkit export RUN -o DATASET` removed the dataset's
// manifest.json and wrote a model manifest in its place, `stkit clusters
// RUN DS -o RUN/metrics.csv` replaced the training metrics.
func TestOutputIntoStkitFolderRefused(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	c := writeTestMap(t, dir, "c.npy", 3)
	run, ds, models := fakeFolders(t, dir)
	var all []string
	for _, d := range []string{run, ds, models} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if !e.IsDir() {
				all = append(all, filepath.Join(d, e.Name()))
			}
		}
	}
	before := snapshot(t, all...)
	cases := []struct {
		args []string
		frag string
	}{
		{[]string{"synth", m, "--steps", "1", "-o", filepath.Join(dir, "s.npy"), "--report", run}, "is a training run"},
		{[]string{"separate", m, "--contaminant", c, "--steps", "2", "-o", filepath.Join(dir, "x.npy"), "--report", run}, "is a training run"},
		{[]string{"sample", models, "--component", "0", "-o", filepath.Join(dir, "y.npy"), "--report", run}, "is a training run"},
		{[]string{"sample", models, "--component", "0", "-o", filepath.Join(models, "component_0.npz")}, "component_0.npz of a model folder"},
		{[]string{"stats", m, "-o", filepath.Join(run, "metrics.json")}, "metrics.json of a training run"},
		{[]string{"stats", m, "-o", filepath.Join(ds, "norm.json")}, "norm.json of a patch dataset"},
		{[]string{"stats", m, "-o", filepath.Join(run, "checkpoints", "c.npy")}, "inside the checkpoints"},
		{[]string{"patches", m, "-o", models, "--size", "32"}, "is a model folder"},
		{[]string{"patches", m, "-o", run, "--size", "32"}, "is a training run"},
		{[]string{"train", ds, "-o", ds, "--clusters", "2"}, "is the dataset folder"},
		{[]string{"train", ds, "-o", models, "--clusters", "2"}, "is a model folder"},
		{[]string{"export", run, "-o", ds}, "is a patch dataset"},
		{[]string{"export", run, "-o", run}, "is a training run"},
		{[]string{"clusters", run, ds, "-o", filepath.Join(run, "metrics.csv")}, "metrics.csv of a training run"},
		{[]string{"clusters", run, ds, "-o", filepath.Join(run, "metrics.json")}, "metrics.json of a training run"},
		{[]string{"clusters", run, ds, "-o", filepath.Join(ds, "norm.json")}, "norm.json of a patch dataset"},
		{[]string{"bench", "--json", filepath.Join(run, "run.json")}, "run.json of a training run"},
	}
	for _, cs := range cases {
		wantBadInput(t, cs.args, cs.frag)
		unchanged(t, strings.Join(cs.args, " "), before)
	}
	// A file inside a dataset's feature chunks folder.
	os.MkdirAll(filepath.Join(ds, "features"), 0o755)
	wantBadInput(t, []string{"stats", m, "-o", filepath.Join(ds, "features", "x.npy")}, "inside the feature chunks")
	unchanged(t, "all", before)
}

// A device or named pipe given as the output is written in place, not
// replaced by a rename (as root, `-o /dev/full` turned the device into a
// plain file and exited 0): a pipe gets the bytes, a full device fails with
// exit 1 and an error naming it; a PNG figure, written by plotx's rename, is
// refused for such a path.
func TestOutputSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	fifo := filepath.Join(dir, "pipe.json")
	received := testutil.FIFO(t, fifo)
	if code, _, errs := runCLI(t, "stats", m, "-o", fifo, "--kind", "wst", "-J", "2"); code != 0 {
		t.Errorf("stats -o a named pipe: exit %d\n%s", code, errs)
	}
	if b := received(); !strings.Contains(string(b), `"coefficients"`) {
		t.Errorf("the pipe's reader got %q…", b[:min(len(b), 40)])
	}
	wantBadInput(t, []string{"stats", m, "--plot", fifo}, "is not a regular file")
	run, ds, _ := fakeFolders(t, dir)
	// clusters writes a pipe with --format csv (TestStdoutfmt20Clusters)
	wantBadInput(t, []string{"clusters", run, ds, "-o", fifo}, "-o "+fifo+": cannot tell the output format from the name: give --format csv")

	// A full device (testutil.FullDevice).
	full := testutil.FullDevice(t, filepath.Join(dir, "full"))
	if full == "" {
		return
	}
	for _, args := range [][]string{
		{"stats", m, "-o", full, "--format", "npy", "-J", "2"},
		{"stats", m, "-o", full, "--format", "json", "-J", "2"},
		{"synth", m, "--steps", "1", "-o", full + ".npy"},
	} {
		if args[0] == "synth" {
			if full == "/dev/full" {
				continue // no .npy name for the system device
			}
			os.Rename(full, full+".npy")
			full += ".npy"
		}
		code, _, errs := runCLI(t, args...)
		if code != 1 || !strings.Contains(errs, full) || !strings.Contains(errs, syscall.ENOSPC.Error()) || strings.Contains(errs, "panic") {
			t.Errorf("%v: exit %d (want 1), stderr lacks %s and %q:\n%s", args, code, full, syscall.ENOSPC.Error(), tail(errs, 400))
		}
		if !testutil.IsCharDevice(full) {
			t.Errorf("%v: %s is no longer a device", args, full)
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), "tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// A damaged manifest.json belongs to the folder its other files say (so that
// re-running export or patches, which the errors advise, repairs it);
// alone it is another tool's.
func TestStkitFoldersDamagedManifest(t *testing.T) {
	kinds := func(dir string) string {
		var s []string
		for _, k := range stkitFolders(dir) {
			s = append(s, k.name)
		}
		return strings.Join(s, "; ")
	}
	for _, c := range []struct {
		files []string
		want  string
	}{
		{[]string{"component_0.npz"}, modelFolder.name},
		{[]string{"patches.npy"}, datasetFolder.name},
		{nil, foreignManifest.name},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"form`), 0o644)
		for _, f := range c.files {
			os.WriteFile(filepath.Join(dir, f), nil, 0o644)
		}
		if got := kinds(dir); got != c.want {
			t.Errorf("damaged manifest with %v: %q, want %q", c.files, got, c.want)
		}
	}
}

// A refused input leaves no empty report folder: sample and separate
// --models made the folder before reading all their inputs.
func TestRefusedInputLeavesNoReportFolder(t *testing.T) {
	dir := modelsFixture(t)
	models := filepath.Join(dir, "models")
	tmp := t.TempDir()
	o := filepath.Join(tmp, "o.npy")
	rep1, rep2 := filepath.Join(tmp, "rep1"), filepath.Join(tmp, "rep2")
	wantBadInput(t, []string{"sample", models, "--component", "0", "-o", o, "--report", rep1, "--patches", filepath.Join(tmp, "missing")}, "missing", rep1, o)
	wantBadInput(t, []string{"separate", filepath.Join(dir, "mix.npy"), "--models", models, "--components", "0,x", "-o", o, "--report", rep2}, "neither a model index", rep2, o)
}
