package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Ctrl-C during the demo's training: stkit train's own error ends with
// "continue with --resume", which does not apply to the demo (it is rerun
// whole with --force, as its last line says). The demo's message, its
// summary.json and index.html name the run's checkpoint folder instead and
// never suggest --resume.
func TestDemoInterruptTrainNoResumeHint(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	h := startHelper(t, "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "100000", "--steps", "6")
	if !h.waitFor(func() bool { return strings.Contains(h.stderr.String(), "epoch 1/100000") }, 90*time.Second) {
		t.Fatalf("the demo did not reach its first training epoch\n%s", tail(h.stderr.String(), 1500))
	}
	if err := h.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := h.exitCode(t, 60*time.Second)
	errs := h.stderr.String()
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, tail(errs, 1500))
	}
	run := filepath.Join(dir, "run")
	line := regexp.MustCompile(`demo: 3\. train the VAE with a Gaussian-mixture prior: interrupted after epoch (\d+) of 100000 \(checkpoint saved in ` + regexp.QuoteMeta(run) + `\)\n`).FindStringSubmatch(errs)
	if line == nil {
		t.Errorf("stderr lacks the demo's line for the interrupted training, naming %s\n%s", run, tail(errs, 1500))
	}
	if !strings.Contains(errs, "run the whole demo again with `stkit demo -o "+dir+" --force`") {
		t.Errorf("stderr lacks the demo's --force hint\n%s", tail(errs, 1500))
	}
	if strings.Contains(errs, "--resume") {
		t.Errorf("stderr suggests --resume\n%s", tail(errs, 1500))
	}
	for _, f := range []string{"summary.json", "index.html"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if line != nil && !strings.Contains(string(b), "interrupted after epoch "+line[1]+" of 100000") {
			t.Errorf("%s does not record the interrupted training", f)
		}
		if strings.Contains(string(b), "--resume") {
			t.Errorf("%s suggests --resume", f)
		}
	}
	if _, err := os.Stat(filepath.Join(run, "checkpoints")); err != nil {
		t.Errorf("no checkpoint folder: %v", err)
	}
}
