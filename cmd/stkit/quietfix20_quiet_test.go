package main

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// -q (2f02b09) keeps only the stderr lines labelled "NAME: warning: " or
// "NAME: note: " (and stkit's own). Lines a user must see were not
// labelled and vanished under -q: data left out ("stats: --skip-nan: left
// out 1 of the 3 maps", patches skipped for NaN, the border in no patch,
// the window --crop valid chose), checkpoints skipped ("train: skipping
// unreadable checkpoint"), fallbacks ("train: no checkpoint …: starting a
// new run"), files removed (patches --force, synth's stale partial file),
// failures the run goes on after (a bench row). They are labelled now; the
// tests run each command family with -q on an input that triggers the
// line and assert it is printed, and that an information line is not.

// quietfix20Run runs `stkit -q ARGS` and returns the exit code and stderr.
func quietfix20Run(t *testing.T, args ...string) (int, string) {
	t.Helper()
	code, _, errs := runCLI(t, append([]string{"-q"}, args...)...)
	return code, errs
}

// quietfix20Only fails unless every line of errs is one -q keeps.
func quietfix20Only(t *testing.T, what, errs string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimRight(errs, "\n"), "\n") {
		if l != "" && !quietKeeps([]byte(l)) {
			t.Errorf("%s: -q printed the unlabelled line %q", what, l)
		}
	}
}

// quietfix20Maps writes B maps of M×N (values from a fixed pattern) with
// NaN at the pixels nan (map, row, column) to dir/name.
func quietfix20Maps(t *testing.T, dir, name string, B, M, N int, nan ...[3]int) string {
	t.Helper()
	m := stlayer.NewMaps(B, M, N)
	for i := range m.Data {
		m.Data[i] = math.Sin(float64(i)*0.37) + 0.3*math.Cos(float64(i*i%97))
	}
	for _, p := range nan {
		m.Data[(p[0]*M+p[1])*N+p[2]] = math.NaN()
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMaps(p, m); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestQuietfix20Stats(t *testing.T) {
	dir := t.TempDir()
	in := quietfix20Maps(t, dir, "m.npy", 3, 16, 16, [3]int{1, 5, 7})
	out := filepath.Join(dir, "c.npy")
	// the information line is there without -q …
	if code, _, errs := runCLI(t, "stats", in, "-J", "2", "--skip-nan", "-o", out); code != 0 || !strings.Contains(errs, "stats: wrote "+out) {
		t.Fatalf("without -q: exit %d, no 'stats: wrote':\n%s", code, errs)
	}
	// … and gone under -q, the left-out map still said
	code, errs := quietfix20Run(t, "stats", in, "-J", "2", "--skip-nan", "-o", out)
	if want := "stats: note: --skip-nan: left out 1 of the 3 maps of "; code != 0 || !strings.Contains(errs, want) || !strings.Contains(errs, "; 2 maps kept\n") {
		t.Errorf("-q stats --skip-nan: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
	if strings.Contains(errs, "stats: wrote") || strings.Count(errs, "\n") != 1 {
		t.Errorf("-q stats --skip-nan: want the one note line, got:\n%s", errs)
	}
	// --crop valid: the window chosen from the data
	edge := quietfix20Maps(t, dir, "e.npy", 1, 20, 20, [3]int{0, 0, 3}, [3]int{0, 0, 11})
	code, errs = quietfix20Run(t, "stats", edge, "-J", "2", "--crop", "valid", "-o", filepath.Join(dir, "e.json"))
	if want := "stats: note: --crop valid: MAP " + edge + ": kept rows 1–18, columns 0–19 (18×20, 90 % of the map's pixels"; code != 0 || !strings.Contains(errs, want) {
		t.Errorf("-q stats --crop valid: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
	quietfix20Only(t, "stats", errs)
}

func TestQuietfix20Patches(t *testing.T) {
	dir := t.TempDir()
	// 40×40 with NaN at (2, 2): a 16/16 grid at 0,0 has 4 patches, one
	// with the NaN; 8 rows and 8 columns are in no patch; a grid starting
	// at 3,3 keeps 4
	in := quietfix20Maps(t, dir, "m.npy", 1, 40, 40, [3]int{0, 2, 2})
	ds := filepath.Join(dir, "ds")
	base := []string{"patches", in, "--size", "16", "--skip-nan", "-J", "2"}
	code, errs := quietfix20Run(t, append(base, "--stride", "16", "-o", ds)...)
	for _, want := range []string{
		"patches: note: 3 patches from 1 source (1 skipped for non-finite pixels); features ",
		"patches: note: --size 16 --stride 16 leaves the last 8 rows and 8 columns of the 40×40 maps in no patch (576 of 1600 pixels per map, 36.0%)",
		"patches: note: a grid starting at row ",
		" would keep 4 NaN-free patches instead of 3: add --grid-offset auto",
	} {
		if code != 0 || !strings.Contains(errs, want) {
			t.Errorf("-q patches: exit %d, stderr lacks %q:\n%s", code, want, errs)
		}
	}
	if strings.Contains(errs, "patches: wrote") {
		t.Errorf("-q patches printed the information line:\n%s", errs)
	}
	quietfix20Only(t, "patches", errs)
	// --force over a dataset of another configuration: it is discarded
	code, errs = quietfix20Run(t, append(base, "--stride", "8", "--force", "-o", ds)...)
	if want := "patches: note: --force: discarding "; code != 0 || !strings.Contains(errs, want) || !strings.Contains(errs, " of another configuration in "+ds) {
		t.Errorf("-q patches --force: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
	quietfix20Only(t, "patches --force", errs)
	// --grid-offset auto: the offset chosen from the data
	code, errs = quietfix20Run(t, append(base, "--stride", "16", "--grid-offset", "auto", "-o", filepath.Join(dir, "ds2"))...)
	if want := "patches: note: --grid-offset auto: the grid starts at row "; code != 0 || !strings.Contains(errs, want) || !strings.Contains(errs, "4 patches without NaN") {
		t.Errorf("-q patches --grid-offset auto: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
	if strings.Contains(errs, "4 patches from") {
		t.Errorf("-q patches --grid-offset auto: no patch left out, yet the count is printed:\n%s", errs)
	}
	quietfix20Only(t, "patches --grid-offset auto", errs)
}

func TestQuietfix20TrainClusters(t *testing.T) {
	ds := tinyDataset(t)
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	// --resume with --clusters on no run: a new one is started
	code, errs := quietfix20Run(t, append([]string{"train", ds, "-o", run, "--resume", "--clusters", "2", "--seed", "5", "--epochs", "2"}, tinyTrain...)...)
	if want := "train: note: no checkpoint in " + run + ": starting a new run\n"; code != 0 || !strings.Contains(errs, want) {
		t.Fatalf("-q train --resume --clusters: exit %d, stderr lacks %q:\n%s", code, want, tail(errs, 800))
	}
	quietfix20Only(t, "train", errs)
	mgr, _ := checkpoints.Open(filepath.Join(run, "checkpoints"), 0)
	list, _ := mgr.List()
	if len(list) < 2 {
		t.Fatalf("run has %d checkpoints, want 2", len(list))
	}
	newest := list[len(list)-1]
	b, _ := os.ReadFile(newest)
	if err := os.WriteFile(newest, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	// clusters falls back to the previous checkpoint
	code, errs = quietfix20Run(t, "clusters", run, ds, "-o", filepath.Join(dir, "a.csv"), "--no-plots")
	if want := "clusters: warning: skipping unreadable checkpoint: "; code != 0 || !strings.Contains(errs, want) || !strings.Contains(errs, filepath.Base(newest)) {
		t.Errorf("-q clusters: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}
	quietfix20Only(t, "clusters", errs)
	// train too, and resumes from the one before (its "resuming" line is
	// information, gone under -q)
	code, errs = quietfix20Run(t, "train", ds, "-o", run, "--resume", "--epochs", "2")
	if want := "train: warning: skipping unreadable checkpoint: "; code != 0 || !strings.Contains(errs, want) || strings.Contains(errs, "train: resuming") {
		t.Errorf("-q train --resume: exit %d, stderr lacks %q or has 'train: resuming':\n%s", code, want, tail(errs, 800))
	}
	quietfix20Only(t, "train --resume", errs)
	code, errs = quietfix20Run(t, "train", ds, "-o", run, "--resume", "--epochs", "2")
	if want := "train: note: " + run + " has already done 2 epochs (≥ --epochs 2): nothing to do; to train further, pass --resume --epochs N with N > 2 (e.g. --epochs 4)\n"; code != 0 || errs != want {
		t.Errorf("-q train --resume of a completed run: exit %d, stderr %q, want %q", code, errs, want)
	}
}

func TestQuietfix20SynthRemovesPartial(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out, part := filepath.Join(dir, "s.npy"), filepath.Join(dir, "s.partial.npy")
	if err := os.WriteFile(part, []byte("stale"), 0o644); err != nil {
		t.Fatal(err)
	}
	// a partial file stkit wrote: only such a file is removed (partialsafe20)
	recordPartial(io.Discard, "synth", nil, out, part)
	code, errs := quietfix20Run(t, "synth", target, "-J", "3", "--steps", "2", "-n", "1", "--seed", "4", "-o", out)
	want := "synth: note: removed " + part + ", the unfinished maps of an earlier run stopped early (" + out + " now holds the complete result)\n"
	if code != 0 || !strings.Contains(errs, want) || strings.Contains(errs, "synth: loss") {
		t.Errorf("-q synth: exit %d, want %q and no 'synth: loss' line:\n%s", code, want, errs)
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("%s not removed: %v", part, err)
	}
	quietfix20Only(t, "synth", errs)
}

func TestQuietfix20SurrogateBench(t *testing.T) {
	dir := t.TempDir()
	q := surr19Maps(t, dir, "Q.npy", 2, 6, 8, 0)
	u := surr19Maps(t, dir, "U.npy", 2, 6, 8, 3)
	full := filepath.Join(dir, "full.npy")
	if err := os.Symlink("/dev/full", full); err != nil {
		t.Fatal(err)
	}
	code, errs := quietfix20Run(t, "surrogate", q, u, "--seed", "2", "-o", filepath.Join(dir, "a.npy")+","+full)
	if want := "surrogate: note: -o's files were not replaced: those that existed are as they were\n"; code == 0 || !strings.Contains(errs, want) {
		t.Errorf("-q surrogate to /dev/full: exit %d, stderr lacks %q:\n%s", code, want, errs)
	}

	saved := benchExec
	defer func() { benchExec = saved }()
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		return nil, errors.New("exit status 1")
	}
	code, errs = quietfix20Run(t, "bench", "--only", "wst")
	if want := "bench: warning: wst/cpu/1 failed: exit status 1\n"; code != 1 || !strings.Contains(errs, want) || strings.Contains(errs, "bench wst/cpu/1 …") {
		t.Errorf("-q bench with a failing row: exit %d, stderr lacks %q (or has the row's start line):\n%s", code, want, errs)
	}
}

// separate's line when it shifts s̃ to the mean of DATA (the tests above do
// not run separate): -q keeps it.
func TestQuietfix20SeparateMeanShift(t *testing.T) {
	for _, l := range []string{sepMeanShiftNote(0.25, -0.19)} {
		if !quietKeeps([]byte(l)) || !strings.HasPrefix(l, "separate: note: the statistics do not see the mean: s̃ shifted by 0.25") {
			t.Errorf("-q drops or mislabels %q", l)
		}
	}
}
