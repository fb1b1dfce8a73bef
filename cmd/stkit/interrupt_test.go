package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
)

// lockedBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// helperRun is stkit running in a subprocess of the test binary
// (TestHelperProcess), so that it can be sent signals.
type helperRun struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan error
}

func startHelper(t *testing.T, args ...string) *helperRun {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	argsJSON, _ := json.Marshal(args)
	cmd.Env = append(os.Environ(), "STKIT_HELPER_PROCESS=1", "STKIT_HELPER_ARGS="+string(argsJSON))
	h := &helperRun{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = h.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { h.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-h.done
		}
	})
	return h
}

// waitFor polls cond every 5 ms until it holds (true) or the process ends
// or timeout passes (false).
func (h *helperRun) waitFor(cond func() bool, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		select {
		case err := <-h.done:
			h.done <- err
			return false
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return false
		}
	}
	return true
}

// exitCode waits for the process (at most timeout) and returns its exit code.
func (h *helperRun) exitCode(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case err := <-h.done:
		h.done <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(timeout):
		h.cmd.Process.Kill()
		t.Fatalf("the process did not end %v after the signal\n%s", timeout, tail(h.stderr.String(), 600))
	}
	return -1
}

// Ctrl-C during separate: the maps reached are written (as the help says),
// valid — [2, M, N], finite, planes summing to the data — with exit status 1
// and a message; no temporary file is left. The signal is acknowledged at
// once ("stopping, …"; before, nothing was printed until the work ended).
func TestSeparateInterruptWritesMaps(t *testing.T) {
	dir := t.TempDir()
	d := writeTestMap(t, dir, "d.npy", 1)
	n := filepath.Join(dir, "n.npy")
	nb := make([][]float64, 3)
	for i := range nb {
		nb[i], _ = datasets.WhiteNoise(64, 64, uint64(10+i))
	}
	nset, err := datasets.StackMaps(64, 64, nb...)
	if err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteMaps(n, nset); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "sep.npy")
	h := startHelper(t, "separate", d, "--noise", n, "--steps", "5,100000,1", "-o", out)
	if !h.waitFor(func() bool { return strings.Contains(h.stderr.String(), "stage 2/2") }, 30*time.Second) {
		t.Fatalf("separate did not reach its second stage\n%s", tail(h.stderr.String(), 600))
	}
	if err := h.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := h.exitCode(t, 20*time.Second)
	errs := h.stderr.String()
	if code != 1 || !strings.Contains(errs, "interrupted: wrote the current maps to "+out) || !strings.Contains(errs, "interrupt: stopping, the maps reached are written") {
		t.Fatalf("exit %d (want 1), stderr:\n%s", code, tail(errs, 600))
	}
	sep, err := datasets.ReadMaps(out)
	if err != nil || sep.B != 2 || sep.M != 64 || sep.N != 64 {
		t.Fatalf("output after Ctrl-C: %v", err)
	}
	data, _ := datasets.ReadMaps(d)
	for i := range data.Data {
		s, r := sep.Map(0)[i], sep.Map(1)[i]
		if math.IsNaN(s) || math.IsInf(s, 0) || math.Abs(s+r-data.Data[i]) > 1e-9*(1+math.Abs(data.Data[i])) {
			t.Fatalf("pixel %d: s̃ %g + residual %g ≠ data %g", i, s, r, data.Data[i])
		}
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), "tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// Ctrl-C during train: the run stops after the current epoch with a
// checkpoint of that epoch (exit 1, "interrupted after epoch N"), and
// --resume continues from it: the finished run has every epoch once.
func TestTrainInterruptThenResume(t *testing.T) {
	ds := tinyDataset(t)
	run := filepath.Join(t.TempDir(), "run")
	args := append([]string{"train", ds, "-o", run, "--clusters", "2", "--epochs", "10000", "--seed", "5", "--keep", "2"}, tinyTrain...)
	h := startHelper(t, args...)
	mgr, _ := checkpoints.Open(filepath.Join(run, "checkpoints"), 0)
	if !h.waitFor(func() bool { c, _, err := mgr.Latest(); return err == nil && c.State.Epoch >= 1 }, 40*time.Second) {
		t.Fatalf("no checkpoint of epoch 1\n%s", tail(h.stderr.String(), 600))
	}
	if err := h.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := h.exitCode(t, 30*time.Second)
	errs := h.stderr.String()
	m := regexp.MustCompile(`interrupted after epoch (\d+) of 10000 \(checkpoint saved; continue with --resume\)`).FindStringSubmatch(errs)
	if code != 1 || m == nil || !strings.Contains(errs, "stopping, after the current epoch, with a checkpoint") {
		t.Fatalf("exit %d (want 1), stderr:\n%s", code, tail(errs, 600))
	}
	stopped, _ := strconv.Atoi(m[1])
	c, _, err := mgr.Latest()
	if err != nil || c.State.Epoch != stopped {
		t.Fatalf("latest checkpoint after Ctrl-C: epoch %v (%v), the run said it stopped after epoch %d", c, err, stopped)
	}
	if rows := readCSV(t, filepath.Join(run, "metrics.csv")); len(rows) != stopped+1 {
		t.Errorf("metrics.csv after Ctrl-C has %d epochs, want %d", len(rows)-1, stopped)
	}
	total := stopped + 2
	code, _, errs = runCLI(t, "train", ds, "-o", run, "--resume", "--epochs", strconv.Itoa(total))
	if code != 0 || !strings.Contains(errs, "resuming "+run+" at epoch "+strconv.Itoa(stopped)) {
		t.Fatalf("resume: exit %d\n%s", code, tail(errs, 600))
	}
	if c, _, err := mgr.Latest(); err != nil || c.State.Epoch != total {
		t.Errorf("after the resume the latest checkpoint is %v (%v), want epoch %d", c, err, total)
	}
	rows := readCSV(t, filepath.Join(run, "metrics.csv"))
	if len(rows) != total+1 {
		t.Fatalf("metrics.csv has %d epochs, want %d", len(rows)-1, total)
	}
	for i, r := range rows[1:] {
		if r[0] != strconv.Itoa(i+1) {
			t.Errorf("metrics.csv row %d is epoch %s", i+1, r[0])
		}
	}
}
