package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stkit-org/stkit/datasets"
)

// demoSignalWriter collects the demo's stderr and, once trigger has been
// written, sends os.Interrupt to the demo's signal handler (the channel
// given to demoNotify) and waits until the handler has taken it (its line
// is written): the demo gets its Ctrl-C right there, deterministically.
type demoSignalWriter struct {
	mu      sync.Mutex
	b       bytes.Buffer
	trigger string
	ch      chan<- os.Signal
	sent    bool
}

func (w *demoSignalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	n, err := w.b.Write(p)
	fire := !w.sent && w.ch != nil && strings.Contains(w.b.String(), w.trigger)
	if fire {
		w.sent = true
	}
	w.mu.Unlock()
	if fire {
		w.ch <- os.Interrupt
		for deadline := time.Now().Add(10 * time.Second); !strings.Contains(w.String(), "\nstkit demo: interrupt") && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	return n, err
}

func (w *demoSignalWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// runDemoInterrupted runs a tiny demo in-process with a Ctrl-C sent when
// its stderr first holds trigger, and returns the exit code and stderr.
func runDemoInterrupted(t *testing.T, dir, trigger string) (int, string, string) {
	t.Helper()
	w := &demoSignalWriter{trigger: trigger}
	old := demoNotify
	demoNotify = func(ch chan<- os.Signal) { w.ch = ch }
	interruptSeen.Store(false)
	defer func() { demoNotify = old; interruptSeen.Store(false) }()
	var out bytes.Buffer
	code := run([]string{"demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "3", "--steps", "6"}, &out, w)
	return code, out.String(), w.String()
}

// Ctrl-C during a demo step whose command does not catch it (the maps of
// step 1, stkit patches and stats in step 2, clusters in step 4) stops the
// demo as it does in training: the command runs to its end. Export (step
// 5) catches a process signal since 9ca5a53 and stops; the case below
// signals only the demo's own channel, so export, which does not see it,
// runs to its end (before, the process ended at once, in the middle of it, with no
// message), no later command or step runs, the last lines say where the
// outputs are and how to start again, index.html says it was interrupted,
// and the exit status is 1.
func TestDemoInterruptOtherSteps(t *testing.T) {
	for _, c := range []struct {
		trigger, step, msg, output, next string
	}{
		{"wrote " + filepath.Join("DIR", "data", "gaussian.npy"), "1. generate synthetic maps",
			"interrupted (Ctrl-C) as the step ended: its outputs are complete", filepath.Join("data", "filaments.npy"), "== 2."},
		{"$ stkit patches", "2. patches and ST features",
			"interrupted (Ctrl-C) during `stkit patches`, which ran to its end (its outputs are complete); no later command or step is run",
			filepath.Join("dataset", "manifest.json"), "$ stkit stats"},
		{"$ stkit clusters", "4. clusters and confusion matrix",
			"interrupted (Ctrl-C) during `stkit clusters`, which ran to its end", filepath.Join("clusters", "assignments.csv"), "== 5."},
		{"$ stkit export", "5. export per-component ST models",
			"interrupted (Ctrl-C) during `stkit export`, which ran to its end", filepath.Join("models", "manifest.json"), "== 6."},
	} {
		t.Run(c.step[:1], func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "demo")
			code, out, errs := runDemoInterrupted(t, dir, strings.ReplaceAll(c.trigger, "DIR", dir))
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, tail(errs, 2000))
			}
			for _, want := range []string{
				"\nstkit demo: interrupt in step " + c.step + ": the demo stops once the command under way has stopped or ended (files are written whole) and runs no later step (press Ctrl-C again to quit at once)\n",
				"demo: " + c.step + ": " + c.msg,
				"stkit: demo interrupted in step " + c.step + "; the outputs of the steps before it are in " + dir + " (overview: " + filepath.Join(dir, "index.html") + "); run the whole demo again with `stkit demo -o " + dir + " --force`\n",
			} {
				if !strings.Contains(errs, want) {
					t.Errorf("stderr lacks %q\n%s", want, tail(errs, 2000))
				}
			}
			// The summary on stdout says so, without the blank lines of an
			// empty table of numbers (stopped before step 2 ended).
			if !strings.Contains(out, "s: interrupted (Ctrl-C) in step "+c.step+"; the later steps were not run\n\noverview (open in a browser)") && !strings.Contains(out, "the later steps were not run\n\npatches × features:") {
				t.Errorf("stdout:\n%s", out)
			}
			if strings.Contains(errs, c.next) || strings.Contains(errs, "failed") {
				t.Errorf("the demo went on after the interrupted step (%q)\n%s", c.next, tail(errs, 2000))
			}
			if _, err := os.Stat(filepath.Join(dir, c.output)); err != nil {
				t.Errorf("the interrupted step's command did not finish: %v", err)
			}
			if strings.HasPrefix(c.step, "2") {
				if m, err := datasets.ReadManifest(filepath.Join(dir, "dataset")); err != nil || m == nil || !m.Complete {
					t.Errorf("dataset after Ctrl-C in step 2: %+v %v, want complete", m, err)
				}
			}
			idx, err := os.ReadFile(filepath.Join(dir, "index.html"))
			if err != nil || !strings.Contains(string(idx), "interrupted (Ctrl-C) in step "+c.step[:2]) {
				t.Errorf("index.html does not say the demo was interrupted (%v)", err)
			}
			var sum struct {
				Steps []struct{ Name, Err string } `json:"steps"`
			}
			b, _ := os.ReadFile(filepath.Join(dir, "summary.json"))
			if err := json.Unmarshal(b, &sum); err != nil || len(sum.Steps) == 0 || sum.Steps[len(sum.Steps)-1].Name != c.step || !strings.Contains(sum.Steps[len(sum.Steps)-1].Err, "interrupted (Ctrl-C)") {
				t.Errorf("summary.json steps %+v (%v), want the last one %q, interrupted", sum.Steps, err, c.step)
			}
		})
	}
}

// A real Ctrl-C (SIGINT to a subprocess) during step 2's stkit patches no
// longer kills the demo: the command ends, the demo stops with exit 1.
func TestDemoSIGINTInPatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	h := startHelper(t, "demo", "-o", dir, "--size", "64", "--patches", "300", "--epochs", "3", "--steps", "6")
	if !h.waitFor(func() bool { return strings.Contains(h.stderr.String(), "$ stkit patches") }, 60*time.Second) {
		t.Fatalf("the demo did not reach stkit patches\n%s", tail(h.stderr.String(), 1500))
	}
	if err := h.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := h.exitCode(t, 60*time.Second)
	errs := h.stderr.String()
	for _, want := range []string{
		"stkit demo: interrupt in step 2. patches and ST features: the demo stops",
		"demo interrupted in step 2. patches and ST features; the outputs of the steps before it are in " + dir,
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, tail(errs, 1500))
		}
	}
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, tail(errs, 1500))
	}
	if m, err := datasets.ReadManifest(filepath.Join(dir, "dataset")); err != nil || m == nil || !m.Complete {
		t.Errorf("dataset after Ctrl-C: %+v %v, want complete", m, err)
	}
}
