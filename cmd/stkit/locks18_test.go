package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/dirlock"
)

// locks18DeadPID is a process id no process has (above Linux's largest
// pid_max, 2^22).
const locks18DeadPID = 1 << 30

// locks18Hold writes the lock file path as another stkit process pid would
// (this test's own pid stands for a live one).
func locks18Hold(t *testing.T, path string, pid int, command string) {
	t.Helper()
	host, _ := os.Hostname()
	b, _ := json.Marshal(dirlock.Holder{PID: pid, Host: host, Command: command})
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// locks18Names lists the entries of dir.
func locks18Names(dir string) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}

// Two patches runs into one DATASET mixed one's manifest and patches with
// the other's feature rows, both exit 0 (or the first failed on its
// temporary file, removed by the second as a killed run's). The second is
// now refused at once (exit 2) naming the first's pid and command and the
// lock to remove, writing nothing; a lock of a process that no longer runs
// is taken over, and the lock file changes neither the dataset (reused by
// the next run) nor its folder kind.
func TestLocks18PatchesLocked(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	lock := filepath.Join(ds, dirlock.Name)
	args := []string{"patches", m, "-o", ds, "--size", "32", "--stride", "32", "--kind", "wst"}

	locks18Hold(t, lock, os.Getpid(), "stkit patches I_1.npy --size 64 -o "+ds)
	code, _, errs := runCLI(t, args...)
	if code != 2 {
		t.Fatalf("patches into a locked folder: exit %d, want 2\n%s", code, errs)
	}
	for _, w := range []string{"another stkit (pid " + strconv.Itoa(os.Getpid()) + ", `stkit patches I_1.npy --size 64 -o " + ds + "`", "is writing " + ds + ";", "remove " + lock + " if no such process runs"} {
		if !strings.Contains(errs, w) {
			t.Errorf("message lacks %q:\n%s", w, errs)
		}
	}
	if got := locks18Names(ds); len(got) != 1 || got[0] != dirlock.Name {
		t.Errorf("the refused run wrote into the folder: %v", got)
	}

	locks18Hold(t, lock, locks18DeadPID, "stkit patches killed")
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("patches over a stale lock: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(lock); !os.IsNotExist(err) {
		t.Errorf("lock left after the run (%v)", err)
	}
	if k := stkitFolders(ds); len(k) != 1 || k[0].name != datasetFolder.name {
		t.Errorf("folder kinds %v", k)
	}
	// the same configuration again, while a lock is held by nobody alive:
	// reused, nothing recomputed
	locks18Hold(t, lock, locks18DeadPID, "stkit patches killed")
	if code, _, errs := runCLI(t, args...); code != 0 || !strings.Contains(errs, "complete: reusing it") {
		t.Errorf("re-run: exit %d, want the dataset reused\n%s", code, errs)
	}

	// a run refused after locking a new folder leaves no folder behind
	fresh := filepath.Join(dir, "new", "ds")
	if code, _, errs := runCLI(t, "patches", m, "-o", fresh, "--size", "128"); code != 2 {
		t.Errorf("--size 128: exit %d, want 2\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !os.IsNotExist(err) {
		t.Errorf("a refused run left the folders it locked (%v)", err)
	}
}

// Two trainings into one RUN both exited 0 with one run's checkpoints in
// it: the second is refused at once (exit 2), before the dataset is read;
// --resume into a missing RUN still says "no such folder", and leaves none.
func TestLocks18TrainLocked(t *testing.T) {
	dir := t.TempDir()
	rc := filepath.Join(dir, "rc")
	lock := filepath.Join(rc, dirlock.Name)
	locks18Hold(t, lock, os.Getpid(), "stkit train dsA -o rc --clusters 2 --epochs 6")
	code, _, errs := runCLI(t, "train", filepath.Join(dir, "dsB"), "-o", rc, "--clusters", "3", "--epochs", "2")
	if code != 2 || !strings.Contains(errs, "`stkit train dsA -o rc --clusters 2 --epochs 6`) is writing "+rc) || !strings.Contains(errs, "remove "+lock) {
		t.Errorf("train into a locked run: exit %d, want 2 naming the holder\n%s", code, errs)
	}
	if got := locks18Names(rc); len(got) != 1 {
		t.Errorf("the refused run wrote into the folder: %v", got)
	}

	missing := filepath.Join(dir, "nope", "rc")
	code, _, errs = runCLI(t, "train", filepath.Join(dir, "dsB"), "-o", missing, "--resume")
	if code != 2 || !strings.Contains(errs, "(no such folder)") {
		t.Errorf("--resume into a missing folder: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(dir, "nope")); !os.IsNotExist(err) {
		t.Errorf("a refused train left the folders it locked (%v)", err)
	}
}

// Two exports into one MODELDIR both said "wrote": the lock .MODELDIR.lock
// beside it is held for the whole export, so a second export started while
// the first writes is refused (exit 2) naming it; the lock goes with the
// export, and an export that fails leaves neither lock nor the parent
// folders it made.
func TestLocks18ExportLocked(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	os.MkdirAll(filepath.Join(run, "checkpoints"), 0o755)
	md := filepath.Join(dir, "out", "md")
	lock := filepath.Join(dir, "out", ".md.lock")
	var during string
	stubExport(t, func(_, _, d string, _ infer.ExportOptions) (*infer.ModelSet, error) {
		if _, err := os.Stat(lock); err != nil {
			t.Errorf("no lock while exporting: %v", err)
		}
		code, _, errs := runCLI(t, "export", run, "-o", md, "--samples", "5")
		if code != 2 {
			t.Errorf("second export during the first: exit %d, want 2", code)
		}
		during = errs
		return nil, errors.New("stub: no models")
	})
	if code, _, errs := runCLI(t, "export", run, "-o", md); code != 1 || !strings.Contains(errs, "stub: no models") {
		t.Fatalf("stubbed export: exit %d\n%s", code, errs)
	}
	for _, w := range []string{"(pid " + strconv.Itoa(os.Getpid()) + ", `stkit export " + run + " -o " + md + "`", "is writing " + md + ";", "remove " + lock} {
		if !strings.Contains(during, w) {
			t.Errorf("second export's message lacks %q:\n%s", w, during)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
		t.Errorf("the failed export left %v", locks18Names(filepath.Join(dir, "out")))
	}

	locks18Hold(t, lock, os.Getpid(), "stkit export runA -o md")
	if code, _, errs := runCLI(t, "export", run, "-o", md); code != 2 || !strings.Contains(errs, "`stkit export runA -o md`") {
		t.Errorf("export beside a held lock: exit %d\n%s", code, errs)
	}
}

// patches re-run on a complete dataset whose files disagree with its
// manifest said "reusing it", then "… disagree with the manifest", exit 1,
// with no way out: the error now names --force, and --force recomputes the
// dataset, which then loads.
func TestLocks18PatchesDamagedHint(t *testing.T) {
	dir := t.TempDir()
	m := writeTestMap(t, dir, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	args := []string{"patches", m, "-o", ds, "--size", "32", "--stride", "16", "--kind", "wst"}
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("patches: exit %d\n%s", code, errs)
	}
	idx := filepath.Join(ds, "index.json")
	var patches []json.RawMessage
	b, _ := os.ReadFile(idx)
	if err := json.Unmarshal(b, &patches); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(patches[1:])
	os.WriteFile(idx, b, 0o644)
	code, _, errs := runCLI(t, args...)
	if code != 1 || !strings.Contains(errs, "disagree with the manifest") || !strings.Contains(errs, "add --force to recompute it") || strings.Contains(errs, "BuildOptions") {
		t.Errorf("damaged dataset: exit %d, want 1 naming --force\n%s", code, errs)
	}
	code, _, errs = runCLI(t, append(args, "--force")...)
	if code != 0 || !strings.Contains(errs, "could not be read (damaged or replaced files): recomputed it") {
		t.Errorf("--force: exit %d\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, args...); code != 0 || !strings.Contains(errs, "reusing it") {
		t.Errorf("after --force: exit %d\n%s", code, errs)
	}
}

// patches a.npy,b.npy said "no such file or directory" though stats and
// synth take comma lists: the list gives the dataset of the two files given
// apart (same sources, same fingerprint: the second run reuses it); an
// empty name in the list is refused (exit 2).
func TestLocks18PatchesCommaList(t *testing.T) {
	dir := t.TempDir()
	a := writeTestMap(t, dir, "a.npy", 1)
	b := writeTestMap(t, dir, "b.npy", 2)
	ds := filepath.Join(dir, "ds")
	flags := []string{"-o", ds, "--size", "32", "--stride", "32", "--kind", "wst"}
	if code, _, errs := runCLI(t, append([]string{"patches", a + ", " + b}, flags...)...); code != 0 {
		t.Fatalf("patches a,b: exit %d\n%s", code, errs)
	}
	man, err := datasets.ReadManifest(ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(man.Sources) != 2 || man.Sources[0] != a || man.Sources[1] != b || man.N != 12 {
		t.Errorf("sources %v, %d patches; want [%s %s], 12", man.Sources, man.N, a, b)
	}
	if code, _, errs := runCLI(t, append([]string{"patches", a, b}, flags...)...); code != 0 || !strings.Contains(errs, "reusing it") {
		t.Errorf("patches a b after a,b: exit %d, want the same dataset reused\n%s", code, errs)
	}
	if code, _, errs := runCLI(t, append([]string{"patches", a + ",," + b}, flags...)...); code != 2 || !strings.Contains(errs, "an empty name in the comma-separated list") {
		t.Errorf("a,,b: exit %d\n%s", code, errs)
	}
}
