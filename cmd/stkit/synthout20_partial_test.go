package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// An interrupted synth wrote the maps reached under -o OUT (replacing a
// complete OUT of an earlier run) and its report into --report DIR. Now OUT
// and DIR are left byte for byte as they were, the 2 maps reached go to
// OUT.partial.npy and their report, marked interrupted, to DIR.partial; exit
// 1 and the messages name the partial file. The next run that finishes
// writes OUT and DIR and removes the stale partial file and report, saying
// so. A partial file that would be an input (TARGET s.partial.npy, -o s.npy)
// is refused before any work (exit 2), the target left as it was.
func TestSynthout20PartialNotOut(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out, rep := filepath.Join(dir, "s.npy"), filepath.Join(dir, "rep")
	part, prep := filepath.Join(dir, "s.partial.npy"), filepath.Join(dir, "rep.partial")
	base := []string{"synth", target, "-J", "3", "--steps", "12", "--seed", "4", "-o", out, "--report", rep}

	// a complete run of 1 map: OUT and DIR of an earlier result
	if code, _, errs := runCLI(t, append(base, "-n", "1")...); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, tail(errs, 800))
	}
	before, _ := os.ReadFile(out)
	metBefore, _ := os.ReadFile(filepath.Join(rep, "metrics.json"))

	code, errs := runCancelled(t, "synth: map 1 iteration 3 ", append(base, "-n", "3", "--log-every", "1")...)
	for _, want := range []string{
		"synth: interrupted at map 1 (3 of 12 iterations): wrote maps 0–1 to " + part + " (map 1 unfinished); map 2 not started, not written; " + out + " not written (only a run that finishes every map writes it)",
		"stkit: interrupted: wrote maps 0–1 of 3 to " + part + " and their report (marked interrupted) to " + prep,
	} {
		if code != 1 || !strings.Contains(errs, want) {
			t.Errorf("interrupted: exit %d (want 1), want %q in\n%s", code, want, tail(errs, 1200))
		}
	}
	if now, _ := os.ReadFile(out); len(before) == 0 || !bytes.Equal(now, before) {
		t.Errorf("OUT changed by the interrupted run (%d bytes before, %d after)", len(before), len(now))
	}
	if now, _ := os.ReadFile(filepath.Join(rep, "metrics.json")); len(metBefore) == 0 || !bytes.Equal(now, metBefore) {
		t.Errorf("the report of the complete run was changed by the interrupted run")
	}
	if got, err := datasets.ReadMaps(part); err != nil || got.B != 2 || got.M != 32 {
		t.Fatalf("%s: %v %+v, want 2 maps of 32×32", part, err, got)
	}
	if !interruptedReport(prep) {
		t.Errorf("%s is not a report marked interrupted", prep)
	}
	var m struct {
		Settings struct {
			MapsReported float64 `json:"maps_reported"`
		} `json:"settings"`
	}
	if b, err := os.ReadFile(filepath.Join(prep, "metrics.json")); err != nil || json.Unmarshal(b, &m) != nil || m.Settings.MapsReported != 2 {
		t.Errorf("%s/metrics.json: maps_reported %v, want 2 (%v)", prep, m.Settings.MapsReported, err)
	}

	// a run that finishes removes the stale partial file and report
	code, _, errs = runCLI(t, append(base, "-n", "2")...)
	if code != 0 || !strings.Contains(errs, "synth: note: removed "+part+", the unfinished maps of an earlier run stopped early") ||
		!strings.Contains(errs, "synth: note: removed "+prep+", the report of an earlier run stopped early") {
		t.Fatalf("complete run: exit %d, want 0 and both removals named\n%s", code, tail(errs, 1200))
	}
	for _, p := range []string{part, prep} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s left after a complete run (%v)", p, err)
		}
	}
	if got, err := datasets.ReadMaps(out); err != nil || got.B != 2 {
		t.Errorf("OUT after the complete run: %v %+v, want 2 maps", err, got)
	}

	// the partial file of -o would be the target
	t2 := writeSmallMap(t, dir, "u.partial.npy")
	t2Before, _ := os.ReadFile(t2)
	code, _, errs = runCLI(t, "synth", t2, "-J", "3", "--steps", "2", "-o", filepath.Join(dir, "u.npy"))
	if code != 2 || !strings.Contains(errs, "its partial file "+t2) {
		t.Errorf("TARGET = partial file: exit %d, want 2 naming it\n%s", code, tail(errs, 800))
	}
	if now, _ := os.ReadFile(t2); !bytes.Equal(now, t2Before) {
		t.Errorf("the target %s was changed", t2)
	}
}

// partialPath puts ".partial" before the extension of the file (an .npz
// member keeps its member); a stream output's partial file is CMD.partial.EXT
// in the working folder; partialReport is DIR.partial.
func TestSynthout20PartialNames(t *testing.T) {
	for _, c := range [][2]string{
		{"a/s.npy", "a/s.partial.npy"},
		{"s.fits", "s.partial.fits"},
		{"d/x.npz:maps", "d/x.partial.npz:maps"},
		{"/dev/stdout", "synth.partial.npy"},
		{"/dev/null", "synth.partial.npy"},
	} {
		if got := partialPath("synth", c[0], ".npy"); got != c[1] {
			t.Errorf("partialPath(%q) = %q, want %q", c[0], got, c[1])
		}
	}
	if got := partialReport("out/rep/"); got != "out/rep.partial" {
		t.Errorf("partialReport = %q", got)
	}
	if partialReport("") != "" {
		t.Errorf("partialReport of no report is not empty")
	}
}

// An interrupted sample wrote under -o OUT too: now s.partial.npy holds the
// map reached, s.npy is not written, and a complete run then removes the
// stale partial file.
func TestSynthout20SamplePartial(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	dir := t.TempDir()
	out, part := filepath.Join(dir, "s.npy"), filepath.Join(dir, "s.partial.npy")
	args := []string{"sample", models, "--component", "0", "-n", "2", "--steps", "3", "-o", out, "--log-every", "1"}
	code, errs := runCancelled(t, "sample: map 0 iteration 2 ", args...)
	if code != 1 || !strings.Contains(errs, "stkit: interrupted: wrote map 0 of 2 to "+part) || !strings.Contains(errs, out+" not written") {
		t.Fatalf("interrupted: exit %d (want 1)\n%s", code, tail(errs, 1200))
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("s.npy written by an interrupted run (%v)", err)
	}
	if got, err := datasets.ReadMaps(part); err != nil || got.B != 1 {
		t.Fatalf("%s: %v %+v, want 1 map", part, err, got)
	}
	code, _, errs = runCLI(t, args...)
	if code != 0 || !strings.Contains(errs, "sample: note: removed "+part) {
		t.Fatalf("complete run: exit %d\n%s", code, tail(errs, 1200))
	}
	if _, err := os.Stat(part); !os.IsNotExist(err) {
		t.Errorf("%s left after a complete run (%v)", part, err)
	}
	if got, err := datasets.ReadMaps(out); err != nil || got.B != 2 {
		t.Errorf("s.npy: %v %+v, want 2 maps", err, got)
	}
}

// synth -o /dev/stdout was refused (unknown file type ""): the format came
// from the extension. With --format npy (fits) the bytes on standard
// output decode to the same maps as a file output of the same run (float32
// equal); without --format the message asks for it; -o - names
// /dev/stdout --format; a --format that the extension contradicts is
// refused.
func TestSynthout20Stdout(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	args := []string{"synth", target, "-J", "3", "--steps", "3", "-n", "2", "--seed", "7"}
	file := filepath.Join(dir, "f.npy")
	if code, _, errs := runCLI(t, append(args, "-o", file)...); code != 0 {
		t.Fatalf("file run: exit %d\n%s", code, errs)
	}
	ref, err := datasets.ReadMaps(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"npy", "fits"} {
		argsJSON, _ := json.Marshal(append(args, "-o", "/dev/stdout", "--format", format))
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "STKIT_HELPER_PROCESS=1", "STKIT_HELPER_ARGS="+string(argsJSON))
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("--format %s: %v\n%s", format, err, tail(stderr.String(), 800))
		}
		// decode the bytes through a file of the format's name
		p := filepath.Join(dir, "stdout."+format)
		if err := os.WriteFile(p, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := datasets.ReadMaps(p)
		if err != nil || got.B != 2 || got.M != 32 || got.N != 32 {
			t.Fatalf("--format %s: %d bytes on stdout: %v %+v, want 2 maps of 32×32", format, stdout.Len(), err, got)
		}
		if !slices.Equal(got.Data, ref.Data) {
			t.Errorf("--format %s: the maps on stdout differ from the file run's", format)
		}
		if !strings.Contains(stderr.String(), "wrote /dev/stdout") {
			t.Errorf("--format %s: stderr does not say it wrote /dev/stdout\n%s", format, tail(stderr.String(), 600))
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "/dev/stdout"}, "-o /dev/stdout: cannot tell the output format from the name: give --format npy, npz or fits"},
		{[]string{"-o", "-"}, "give -o /dev/stdout --format npy"},
		{[]string{"-o", filepath.Join(dir, "x.npy"), "--format", "fits"}, "the name says npy, the format asked for is fits"},
		{[]string{"-o", "/dev/stdout", "--format", "png"}, "unknown format \"png\" (want npy, npz or fits)"},
	} {
		code, _, errs := runCLI(t, append(args, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, want 2 and %q in\n%s", c.args, code, c.want, tail(errs, 600))
		}
	}
}

// An interrupted synth to a descriptor (/dev/fd/N) wrote the maps reached
// into the stream, where its reader takes them for a result: now the stream
// gets nothing and they go to synth.partial.npy in the working folder.
func TestSynthout20StreamPartial(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	t.Chdir(dir)
	f, _ := openAppendFD(t, dir, "log", "before\n")
	fdPath := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	code, errs := runCancelled(t, "synth: map 0 iteration 2 ", "synth", target, "-J", "3", "--steps", "12", "-n", "2",
		"-o", fdPath, "--format", "npy", "--log-every", "1")
	f.Close()
	if code != 1 || !strings.Contains(errs, "stkit: interrupted: wrote map 0 of 2 to synth.partial.npy") {
		t.Fatalf("exit %d (want 1)\n%s", code, tail(errs, 1000))
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "log")); string(b) != "before\n" {
		t.Errorf("the stream got %d bytes after the interruption, want none", len(b)-7)
	}
	if got, err := datasets.ReadMaps(filepath.Join(dir, "synth.partial.npy")); err != nil || got.B != 1 {
		t.Errorf("synth.partial.npy: %v %+v, want 1 map", err, got)
	}
}
