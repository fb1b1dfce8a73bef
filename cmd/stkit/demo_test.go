package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// A tiny demo runs end to end: every step succeeds and index.html shows the
// figures it lists.
func TestDemoTiny(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, errs := runCLI(t, "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "3", "--steps", "6")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr (tail):\n%s", code, out, tail(errs, 3000))
	}
	var sum struct {
		Steps []struct {
			Name string
			Err  string
		} `json:"steps"`
		Numbers [][2]string `json:"numbers"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Steps) != 7 {
		t.Errorf("%d steps ran, want 7: %+v", len(sum.Steps), sum.Steps)
	}
	for _, s := range sum.Steps {
		if s.Err != "" {
			t.Errorf("step %s failed: %s", s.Name, s.Err)
		}
	}
	idx, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(idx)
	n := 0
	for _, part := range strings.Split(html, `<img src="`)[1:] {
		src := part[:strings.Index(part, `"`)]
		if _, err := os.Stat(filepath.Join(dir, src)); err != nil {
			t.Errorf("index.html shows a missing image %s", src)
		}
		n++
	}
	if n < 8 {
		t.Errorf("index.html shows %d images", n)
	}
	// It shows every PNG, as the help says (it left out the histogram,
	// Minkowski and loss figures of the syntheses), each with a caption
	// saying what it shows and, for the syntheses and the separation, which
	// process each component stands for (the separation's figures name the
	// parts only by their model's index).
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".png") {
			r, _ := filepath.Rel(dir, p)
			if !strings.Contains(html, `<img src="`+filepath.ToSlash(r)+`"`) {
				t.Errorf("index.html does not show %s", r)
			}
		}
		return nil
	})
	for _, re := range []string{
		`<figcaption>Component 0 \((gaussian|lognormal|filaments)\): Minkowski functionals of the synthesis and of the training patches</figcaption>`,
		`<figcaption>Separation \(component \d = lognormal model, component \d = filaments model\): data, true parts, estimates and their errors</figcaption>`,
		`<figcaption>Clusters: patches of each component, from the most typical to the least</figcaption>`,
	} {
		if !regexp.MustCompile(re).MatchString(html) {
			t.Errorf("index.html lacks %s", re)
		}
	}
	for _, want := range []string{"cluster accuracy", "confusion"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if !strings.Contains(out, "index.html") {
		t.Errorf("summary table does not point to index.html:\n%s", out)
	}
	// Each step says what it does and why, and how long it took; the start
	// says where the outputs go; step 4 names the components by process.
	abs, _ := filepath.Abs(dir)
	for _, want := range []string{
		"stkit demo: the whole stkit pipeline in 7 steps on 3 built-in synthetic processes (no data files needed).\nWriting to " + abs + " (-o to change).",
		"  lognormal  log-normal field exp(σ g)",
		"(-o to change). Steps 2–7 print the stkit commands they run;",
		"Maps of 3 processes that differ in their non-Gaussian structure (the Gaussian field has none); step 4 must tell them\napart",
		"3 maps of 64×64 per process (for 24 patches), and 2 held-out maps of 32×32 per process",
		"wrote " + filepath.Join(dir, "data", "processes.png") + " (one map of each process)",
		"Cut 32×32 patches (every 16 pixels)",
		"val = the same loss on the 10 % of patches held out from training",
		"Best-match accuracy: the fraction of patches in the component matched to their process (1 = perfect). Its\nchance level, printed with it, is a little above 1/3: on a random assignment the best of the 6 ways to match components",
		"; chance level 0.4", // 3 × 24 patches: about 0.41 (TestDemoChanceLevel), not 1/3
		" (its mean over 1000 random assignments of these patches to components of the same sizes)\n",
		"components found, named by the process of most of their patches (the VAE was not told the processes):\n  component 0 = ",
		"Steps 6 and 7 use only these models",
		"synthesise a new 32×32 map whose ST statistics match a draw of the model (6 L-BFGS",
		"= held-out lognormal map + held-out filaments map",
		"(step 1 took ", "(step 7 took ",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	// The summary says what each number is and what is good, and scores the
	// synthesis and the separation, not only the clustering.
	for _, re := range []string{
		`(?m)^cluster accuracy \(fraction of patches in the component matched to their process; 1 = perfect, random ≈ 0\.(39|4\d)\): [01]\.\d{3}$`,
		`(?m)^confusion \(rows: process, columns: component\):\n +c0 +c1 +c2\n  gaussian +\d+ +\d+ +\d+$`,
		`(?m)^components \(named by the process of most of their patches\):\n  component 0 = (gaussian|lognormal|filaments) \(\d+ of its \d+ patches\)$`,
		"(?m)^" + regexp.QuoteMeta(demoSynthHeader) + `:\n  component 0 \(\w+\):\n    power spectrum \d+\.\d\d \(a real patch against the others: median \d+\.\d\d, 90th percentile \d+\.\d\d\)\n    histogram W1 \d+\.\d\d σ \(a real patch against the others pooled: \d+\.\d\d σ\)\n    skewness -?\d+\.\d\d \(real patches' 10–90 % range -?\d+\.\d\d to -?\d+\.\d\d: (inside|outside)\); excess kurtosis -?\d+\.\d\d \(-?\d+\.\d\d to -?\d+\.\d\d: (inside|outside)\)$`,
		"(?m)^  " + regexp.QuoteMeta(demoSynthOneDraw) + "$",
		`(?m)^separation of lognormal \+ filaments: relative error of each part, rms\(part − truth\) / std\(truth\) \(0 = perfect; 1 = no better than a flat map at the truth's mean; method: patch prior, no L-BFGS stage; start = the same estimate\):\n  lognormal +\d+\.\d{3} \(start \d+\.\d{3}\)\n  filaments +\d+\.\d{3} \(start \d+\.\d{3}\)$`,
		`(?m)^separation of lognormal \+ filaments: pixel correlation of each part with the truth \(1 = perfect; method: patch prior, no L-BFGS stage; start = the same estimate\):\n  lognormal +-?[01]\.\d{3} \(start -?[01]\.\d{3}\)\n  filaments +-?[01]\.\d{3} \(start -?[01]\.\d{3}\)$`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("summary lacks %s\n%s", re, out)
		}
	}
	if !strings.HasSuffix(out, "\n"+demoNext) || !strings.Contains(html, "<h2>Next</h2>") {
		t.Errorf("the demo does not end with what to run next on one's own maps:\n%s", tail(out, 800))
	}
	if strings.Contains(errs, "about a minute") {
		t.Errorf("a scaled-down demo claims the default run time")
	}
	if !(demoOpts{size: 64, patches: 200, epochs: 40, steps: 150}).defaults() {
		t.Errorf("the flags' defaults are not the demo's default scale")
	}
	// A second demo into the folder is refused; --force replaces the demo's
	// own files and keeps the user's.
	notes := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notes, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "samples", "stale.npy")
	if err := os.WriteFile(stale, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "1", "--steps", "2"); code != 2 || !strings.Contains(errs, "--force") {
		t.Errorf("second demo without --force: exit %d, stderr %s", code, tail(errs, 500))
	}
	if code, _, errs := runCLI(t, "demo", "-o", dir, "--force", "--size", "32", "--patches", "24", "--epochs", "1", "--steps", "2"); code != 0 || !strings.Contains(errs, "replaced the earlier demo") {
		t.Fatalf("demo --force: exit %d, stderr %s", code, tail(errs, 2000))
	}
	if b, err := os.ReadFile(notes); err != nil || string(b) != "mine" {
		t.Errorf("--force lost the user's file: %q %v", b, err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("--force kept a file of the earlier demo's samples folder")
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// Ctrl-C during the demo's training stops the demo: train saves its
// checkpoint, no later step runs (before, the demo went on with the steps
// that did not need the run, and an interrupted synthesis went on to the
// separation), and the last lines say it was interrupted, where the outputs
// are and how to start again, not "done".
func TestDemoInterruptStops(t *testing.T) {
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
	for _, want := range []string{
		"demo: 3. train the VAE with a Gaussian-mixture prior: interrupted after epoch",
		"demo interrupted in step 3. train the VAE with a Gaussian-mixture prior; the outputs of the steps before it are in " + dir,
		"run the whole demo again with `stkit demo -o " + dir + " --force`",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q\n%s", want, tail(errs, 1500))
		}
	}
	if strings.Contains(errs, "== 4.") || strings.Contains(errs, "failed") {
		t.Errorf("the demo went on after the interrupted step\n%s", tail(errs, 1500))
	}
	idx, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !strings.Contains(string(idx), "interrupted (Ctrl-C) in step 3.") {
		t.Errorf("index.html does not say the demo was interrupted (%v)", err)
	}
}

// The commands the demo suggests for one's own maps are real: each parses
// its flags (placeholders for inputs that do not exist here, so that each
// stops at its missing input, exit 2, and not at a flag). They were run as
// written on the demo's maps when written.
func TestDemoNextCommandsParse(t *testing.T) {
	tmp := t.TempDir()
	n := 0
	for _, line := range strings.Split(demoNext, "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "stkit" {
			continue
		}
		n++
		args := f[1:]
		for i, a := range args {
			switch {
			case a == "K":
				args[i] = "3"
			case !strings.HasPrefix(a, "-") && i > 0 && (strings.Contains(a, ".") || strings.HasPrefix(a, "my") || a == "synth" || a == "sep" || a == "MAPS…"):
				args[i] = filepath.Join(tmp, a)
			}
		}
		code, _, errs := runCLI(t, args...)
		if code != 2 || strings.Contains(errs, "flag") || !strings.Contains(errs, tmp) {
			t.Errorf("stkit %s: exit %d, want 2 at a missing input\n%s", strings.Join(args, " "), code, errs)
		}
	}
	if n != 7 {
		t.Errorf("%d commands in demoNext, want 7", n)
	}
	ents, _ := os.ReadDir(tmp)
	for _, e := range ents {
		t.Errorf("a suggested command with a missing input wrote %s", e.Name())
	}
}

// stkit --help points a newcomer to the demo; the demo's help states its
// run time at the defaults (measured: 50 s on 2 cores, not "a few
// minutes"), its output folder and what Ctrl-C does.
func TestDemoHelp(t *testing.T) {
	_, out, _ := runCLI(t, "help")
	if !strings.Contains(out, "New to stkit? `stkit demo` runs the whole pipeline") {
		t.Errorf("stkit help does not point to the demo:\n%s", out)
	}
	_, errs, _ := runCLI(t, "demo", "--help") // help is on stdout
	for _, want := range []string{"in about a minute\non 2 cores at the default settings", "(-o, default ./stkit-demo)", "Ctrl-C stops the demo in the step under\nway and runs no later step", "the other steps finish their command first"} {
		if !strings.Contains(errs, want) {
			t.Errorf("demo --help lacks %q:\n%s", want, errs)
		}
	}
}
