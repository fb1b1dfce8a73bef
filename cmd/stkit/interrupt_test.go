package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
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
// They go to OUT's partial file sep.partial.npy, never to -o sep.npy
// (sepout20).
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
	out := filepath.Join(dir, "sep.partial.npy")
	h := startHelper(t, "separate", d, "--noise", n, "--steps", "5,100000,1", "-o", filepath.Join(dir, "sep.npy"))
	if !h.waitFor(func() bool { return strings.Contains(h.stderr.String(), "stage 2/2") }, 30*time.Second) {
		t.Fatalf("separate did not reach its second stage\n%s", tail(h.stderr.String(), 600))
	}
	if err := h.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := h.exitCode(t, 20*time.Second)
	errs := h.stderr.String()
	if code != 1 || !strings.Contains(errs, "interrupted: wrote the current maps to "+out+"; "+filepath.Join(dir, "sep.npy")+" not written") ||
		!strings.Contains(errs, "interrupt: stopping, the maps reached are written to "+out) {
		t.Fatalf("exit %d (want 1), stderr:\n%s", code, tail(errs, 600))
	}
	if _, err := os.Stat(filepath.Join(dir, "sep.npy")); !os.IsNotExist(err) {
		t.Errorf("sep.npy written by an interrupted run (%v)", err)
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
	if code != 0 || !strings.Contains(errs, "resuming "+run+" after epoch "+strconv.Itoa(stopped)+" of "+strconv.Itoa(total)+", at epoch "+strconv.Itoa(stopped+1)+"/") {
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

// cancelWriter collects a command's stderr and cancels the run's context
// (runContext) once a line holding trigger has been written: a progress line
// is written inside the optimiser's per-iteration report, so that the run
// stops right after that iteration, deterministically (no signal timing).
type cancelWriter struct {
	bytes.Buffer
	trigger string
	cancel  context.CancelFunc
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	n, err := c.Buffer.Write(p)
	if c.trigger != "" && strings.Contains(c.Buffer.String(), c.trigger) {
		c.cancel()
	}
	return n, err
}

// runCancelled runs stkit in-process with a run context that trigger
// cancels ("" = cancelled before the run starts) and returns the exit code
// and stderr.
func runCancelled(t *testing.T, trigger string, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if trigger == "" {
		cancel()
	}
	old := runContext
	runContext = func(io.Writer, string) (context.Context, context.CancelFunc) { return ctx, cancel }
	defer func() { runContext = old; cancel() }()
	w := &cancelWriter{trigger: trigger, cancel: cancel}
	var out bytes.Buffer
	code := run(args, &out, w)
	return code, w.String()
}

// writeSmallMap writes one 32×32 log-normal field to dir/name.
func writeSmallMap(t *testing.T, dir, name string) string {
	t.Helper()
	x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMaps(p, &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}); err != nil {
		t.Fatal(err)
	}
	return p
}

// Ctrl-C (a cancelled run context) during synth writes only the maps worked
// on and says which. One L-BFGS per map, stopped at iteration 3 of map 1:
// maps 0–1 are written (map 0 identical to a complete run's, map 1 not),
// maps 2–3 are not, and stderr says so. One L-BFGS on all maps, stopped at
// iteration 4: all 4 maps (all unfinished). Cancelled before the first
// iteration: nothing is written. The progress names the map, and the loss
// of several maps says it is a sum. The maps go to OUT's partial file
// (int.partial.npy), never to OUT (synthout20).
func TestSynthInterruptWritesMapsWorkedOn(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	base := []string{"synth", target, "-J", "3", "--steps", "12", "--seed", "4"}

	// A complete run of 2 maps (map 0 does not depend on -n in independent mode).
	full := filepath.Join(dir, "full.npy")
	code, _, errs := runCLI(t, append(base, "-n", "2", "-o", full)...)
	if code != 0 || !strings.Contains(errs, "(sum over maps) in ") || !strings.Contains(errs, "map 1 (of 2) loss") {
		t.Fatalf("complete run: exit %d, want 0, a loss line \"(sum over maps)\" and the bar naming the map:\n%s", code, errs)
	}
	ref, err := datasets.ReadMaps(full)
	if err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "int.partial.npy")
	code, errs = runCancelled(t, "synth: map 1 iteration 3 ", append(base, "-n", "4", "-o", filepath.Join(dir, "int.npy"), "--log-every", "1")...)
	want := "synth: interrupted at map 1 (3 of 12 iterations): wrote maps 0–1 to " + out + " (map 1 unfinished); maps 2–3 not started, not written; " +
		filepath.Join(dir, "int.npy") + " not written (only a run that finishes every map writes it)"
	if _, err := os.Stat(filepath.Join(dir, "int.npy")); !os.IsNotExist(err) {
		t.Errorf("int.npy written by an interrupted run (%v)", err)
	}
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "stkit: interrupted: wrote maps 0–1 of 4 to "+out) ||
		!strings.Contains(errs, "(sum over maps 0–1) in 15 iterations") || strings.Contains(errs, "map 2 iteration") {
		t.Fatalf("exit %d (want 1); want %q, the final error and the loss summed over maps 0–1 in 12+3 iterations in:\n%s", code, want, tail(errs, 1500))
	}
	got, err := datasets.ReadMaps(out)
	if err != nil || got.B != 2 || got.M != 32 {
		t.Fatalf("written: %v %+v, want 2 maps of 32×32", err, got)
	}
	for i, v := range got.Map(0) {
		if float32(v) != float32(ref.Map(0)[i]) {
			t.Fatalf("map 0 pixel %d: %g, the complete run's %g (map 0 was finished)", i, v, ref.Map(0)[i])
		}
	}
	if slices.Equal(got.Map(1), ref.Map(1)) {
		t.Errorf("map 1 (3 of 12 iterations) equals the complete run's map 1")
	}

	// One L-BFGS on all maps.
	joint := filepath.Join(dir, "joint.partial.npy")
	code, errs = runCancelled(t, "synth: iteration 4 ", append(base, "-n", "4", "--independent=false", "-o", filepath.Join(dir, "joint.npy"), "--log-every", "1")...)
	want = "synth: interrupted at iteration 4 of 12 (one L-BFGS on all maps): wrote maps 0–3 to " + joint + " (all unfinished)"
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "stkit: interrupted: wrote maps 0–3 of 4 to "+joint) || !strings.Contains(errs, "(sum over maps) in 4 iterations") {
		t.Fatalf("joint: exit %d (want 1); want %q in:\n%s", code, want, tail(errs, 1500))
	}
	if got, err := datasets.ReadMaps(joint); err != nil || got.B != 4 {
		t.Fatalf("joint: written %v %+v, want 4 maps", err, got)
	}

	// Cancelled before any iteration: nothing written, in both modes.
	for _, mode := range []struct{ flag, msg string }{
		{"--independent=true", "synth: interrupted at map 0 (before its first iteration): nothing written (4 maps asked for)"},
		{"--independent=false", "synth: interrupted before the first iteration (one L-BFGS on all maps): nothing written (4 maps asked for)"},
	} {
		none := filepath.Join(dir, "none.npy")
		code, errs = runCancelled(t, "", append(base, "-n", "4", mode.flag, "-o", none)...)
		if code != 1 || !strings.Contains(errs, mode.msg) || !strings.Contains(errs, "stkit: interrupted before the first iteration: nothing written") {
			t.Errorf("%s, cancelled at once: exit %d (want 1), want %q in:\n%s", mode.flag, code, mode.msg, tail(errs, 1000))
		}
		for _, p := range []string{none, filepath.Join(dir, "none.partial.npy")} {
			if _, err := os.Stat(p); !os.IsNotExist(err) {
				t.Errorf("%s, cancelled at once: %s was written (%v)", mode.flag, p, err)
			}
		}
	}
}

// Ctrl-C during sample (one L-BFGS per map) writes the maps finished and the
// one running, not the maps not started, and says so; to s.partial.npy, not
// -o s.npy (synthout20).
func TestSampleInterruptWritesMapsWorkedOn(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	dir := t.TempDir()
	out := filepath.Join(dir, "s.partial.npy")
	code, errs := runCancelled(t, "sample: map 1 iteration 2 ", "sample", models, "--component", "0", "-n", "4", "--steps", "6", "-o", filepath.Join(dir, "s.npy"), "--log-every", "1")
	if _, err := os.Stat(filepath.Join(dir, "s.npy")); !os.IsNotExist(err) {
		t.Errorf("s.npy written by an interrupted run (%v)", err)
	}
	want := "sample: interrupted at map 1 (2 of 6 iterations): wrote maps 0–1 to " + out + " (map 1 unfinished); maps 2–3 not started, not written"
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "stkit: interrupted: wrote maps 0–1 of 4 to "+out) ||
		!strings.Contains(errs, "(sum over the maps 0–1 written)") || strings.Contains(errs, "map 2 iteration") {
		t.Fatalf("exit %d (want 1); want %q in:\n%s", code, want, tail(errs, 1500))
	}
	if got, err := datasets.ReadMaps(out); err != nil || got.B != 2 || got.M != 32 {
		t.Fatalf("written: %v %+v, want 2 maps of 32×32", err, got)
	}
}

// A real Ctrl-C (SIGINT to a subprocess) during synth: the map running is
// written, unfinished, the maps not started are not, exit status 1; to
// int.partial.npy, not -o int.npy (synthout20).
func TestSynthSIGINTWritesMapsWorkedOn(t *testing.T) {
	dir := t.TempDir()
	target := writeSmallMap(t, dir, "t.npy")
	out := filepath.Join(dir, "int.partial.npy")
	h := startHelper(t, "synth", target, "-J", "3", "--steps", "100000", "-n", "3", "-o", filepath.Join(dir, "int.npy"), "--log-every", "1")
	if !h.waitFor(func() bool { return strings.Contains(h.stderr.String(), "synth: map 0 iteration 2 ") }, 30*time.Second) {
		t.Fatalf("synth did not reach iteration 2\n%s", tail(h.stderr.String(), 600))
	}
	if err := h.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	code := h.exitCode(t, 20*time.Second)
	errs := h.stderr.String()
	m := regexp.MustCompile(`synth: interrupted at map 0 \((\d+) of 100000 iterations\): wrote map 0 to (.*) \(map 0 unfinished\); maps 1–2 not started, not written`).FindStringSubmatch(errs)
	if code != 1 || m == nil || m[2] != out || !strings.Contains(errs, "stkit: interrupted: wrote map 0 of 3 to "+out) {
		t.Fatalf("exit %d (want 1), stderr:\n%s", code, tail(errs, 800))
	}
	if got, err := datasets.ReadMaps(out); err != nil || got.B != 1 {
		t.Fatalf("written: %v %+v, want 1 map", err, got)
	}
	if _, err := os.Stat(filepath.Join(dir, "int.npy")); !os.IsNotExist(err) {
		t.Errorf("int.npy written by an interrupted run (%v)", err)
	}
}

// The report's sampling-noise line says how many of the cluster's patches
// the yardstick used when --max-patches read only some of them (it said "vs
// the other 252" of a 979-patch cluster, as if the cluster had 256).
func TestSampleReportNamesCappedPatches(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	ms, err := infer.LoadModels(models)
	if err != nil {
		t.Fatal(err)
	}
	total := len(ms.Components[0].PatchIndex)
	if total < 7 {
		t.Fatalf("component 0 has %d patches, the test needs ≥ 7", total)
	}
	work := t.TempDir()
	code, _, errs := runCLI(t, "sample", models, "--component", "0", "-n", "2", "--steps", "2", "-o", filepath.Join(work, "s.npy"),
		"--report", filepath.Join(work, "rep"), "--max-patches", "6", "--log-every", "100")
	want := fmt.Sprintf("sampling noise of 2 real patches vs 4 of the cluster's %d patches (6 read, --max-patches 6; median", total)
	if code != 0 || !strings.Contains(errs, want) {
		t.Fatalf("exit %d; want %q in:\n%s", code, want, tail(errs, 1000))
	}
	code, _, errs = runCLI(t, "sample", models, "--component", "0", "-n", "2", "--steps", "2", "-o", filepath.Join(work, "s2.npy"),
		"--report", filepath.Join(work, "rep2"), "--max-patches", "0", "--log-every", "100")
	want = fmt.Sprintf("sampling noise of 2 real patches vs the other %d of the cluster's %d patches (median", total-2, total)
	if code != 0 || !strings.Contains(errs, want) {
		t.Fatalf("all patches: exit %d; want %q in:\n%s", code, want, tail(errs, 1000))
	}
}
