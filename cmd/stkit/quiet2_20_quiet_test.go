package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The graph engine's compilation line said "note: …" (the label of the
// lines -q keeps) yet -q dropped it (quietKeeps keeps "NAME: note: …"). It
// is information on the wait, like a progress line: unlabelled, dropped.
func TestQuiet2GraphCompileLine(t *testing.T) {
	l := graphCompileLine("cuda")
	if want := "graph engine on cuda: each statistic is compiled once per batch and map size; the first call can take minutes\n"; l != want {
		t.Errorf("line %q, want %q", l, want)
	}
	if quietKeeps([]byte(l)) || strings.Contains(l, "note:") || strings.Contains(l, "warning:") {
		t.Errorf("%q: labelled or kept under -q (quietKeeps)", l)
	}
	var b bytes.Buffer
	if n, err := (quietWriter{&b}).Write([]byte(l)); n != len(l) || err != nil || b.Len() != 0 {
		t.Errorf("-q wrote %q (n %d, %v), want nothing", b.String(), n, err)
	}
}

// Under -q the demo's line on a Ctrl-C ("stkit demo: interrupt in step …")
// was dropped (it is neither "NAME: note:" nor "stkit: "); only the final
// error showed. It goes to the process's stderr now (unquiet).
func TestQuiet2DemoInterruptShows(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	w := &demoSignalWriter{trigger: "\x00never"}
	old := demoNotify
	demoNotify = func(ch chan<- os.Signal) { ch <- os.Interrupt } // Ctrl-C at once
	interruptSeen.Store(false)
	defer func() { demoNotify = old; interruptSeen.Store(false) }()
	var out bytes.Buffer
	code := run([]string{"-q", "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "3", "--steps", "6"}, &out, w)
	want := ": the demo stops once the command under way has stopped or ended (files are written whole) and runs no later step (press Ctrl-C again to quit at once)\n"
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(w.String(), want) && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // the handler writes its line on its own goroutine
	}
	errs := w.String()
	if code != 1 || !strings.Contains(errs, "\nstkit demo: interrupt") || !strings.Contains(errs, want) {
		t.Fatalf("-q demo with Ctrl-C: exit %d, stderr lacks the interrupt line:\n%s", code, tail(errs, 1500))
	}
	if !strings.Contains(errs, "stkit: demo interrupted in step 1") {
		t.Errorf("-q demo: stderr lacks the final error:\n%s", tail(errs, 1500))
	}
	if strings.Contains(errs, "$ stkit ") || strings.Contains(errs, "the whole stkit pipeline") {
		t.Errorf("-q demo: information lines on stderr:\n%s", tail(errs, 1500))
	}
}

// -q filters stderr only: train's summary and stats --compare's table are
// the commands' results on stdout and stay (the -q usage says so).
func TestQuiet2StdoutKept(t *testing.T) {
	ds := tinyDataset(t)
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	var so, se bytes.Buffer
	if rc := run(append([]string{"-q", "train", ds, "-o", runDir, "--clusters", "2", "--epochs", "1", "--seed", "5"}, tinyTrain...), &so, &se); rc != 0 {
		t.Fatalf("-q train: exit %d: %s", rc, tail(se.String(), 800))
	}
	if se.Len() != 0 {
		t.Errorf("-q train: stderr %q, want empty", se.String())
	}
	for _, want := range []string{"trained epochs 1–1 in ", "\nepoch 1: loss ", "\ncheckpoint: " + filepath.Join(runDir, "checkpoints") + "/", "\nmetrics: " + filepath.Join(runDir, "metrics.csv") + ", "} {
		if !strings.Contains(so.String(), want) {
			t.Errorf("-q train: stdout lacks %q:\n%s", want, so.String())
		}
	}
	noise, smooth := twoSourceMaps(t, dir)
	so.Reset()
	se.Reset()
	if rc := run([]string{"-q", "stats", noise, "--compare", smooth, "-J", "2"}, &so, &se); rc != 0 {
		t.Fatalf("-q stats --compare: exit %d: %s", rc, se.String())
	}
	if se.Len() != 0 {
		t.Errorf("-q stats --compare: stderr %q, want empty", se.String())
	}
	for _, want := range []string{"compare: A = MAP " + noise + ", 2 maps vs B = --compare " + smooth + ", 2 maps;", "\nχ²/dof = ", "\nclass  dof  χ²/dof"} {
		if !strings.Contains(so.String(), want) {
			t.Errorf("-q stats --compare: stdout lacks %q:\n%s", want, so.String())
		}
	}
	so.Reset()
	if rc := run([]string{"--help"}, &so, &se); rc != 0 || !strings.Contains(so.String(), "standard output (a command's tables and summaries, as train's and stats --compare's) is left as it is") {
		t.Errorf("--help: exit %d, the -q line does not say that stdout stays:\n%s", rc, so.String())
	}
}
