package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// misc24Python returns the python3 that runs docs/experiments/read_models.py
// (which needs the standard library alone): /usr/bin/python3, else the first
// python3 on PATH, else "".
func misc24Python() string {
	if st, err := os.Stat("/usr/bin/python3"); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
		return "/usr/bin/python3"
	}
	if p, err := exec.LookPath("python3"); err == nil {
		return p
	}
	return ""
}

// misc24ReadModels runs read_models.py with args and returns its exit status
// and its output (stdout and stderr together).
func misc24ReadModels(t *testing.T, py string, args ...string) (int, string) {
	t.Helper()
	script := filepath.Join("..", "..", "docs", "experiments", "read_models.py")
	out, err := exec.Command(py, append([]string{script}, args...)...).CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out)
	}
	t.Fatalf("%s %s: %v", py, script, err)
	return -1, ""
}

// TestMisc24ReadModelsPy: docs/experiments/read_models.py (the standard-library
// reader of a model folder, which README's "Per-component model format"
// cites) had no test. It reads the models fixture's folder exported with
// patch priors (stkit export --patch-prior, K 2, P 6): exit 0, 46 members
// (20 per component, 3 per patch prior), 0 errors, 0 warnings; its
// --checksums lines for patch_index and the patch priors' members agree
// exactly with Go's loaders (LoadModels, LoadPatchPrior: the sums in C
// order, one value after another); a copy with a patch prior removed and a
// stray file gives exit 1 with the error and the warning named; no
// argument is a usage error, exit 2.
func TestMisc24ReadModelsPy(t *testing.T) {
	py := misc24Python()
	if py == "" {
		t.Skip("no python3 (neither /usr/bin/python3 nor one on PATH): read_models.py needs one")
	}
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)

	sums := filepath.Join(work, "sums.txt")
	code, out := misc24ReadModels(t, py, pp, "--checksums", sums)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if want := fmt.Sprintf("46 members read from %s: 0 errors, 0 warnings", pp); code != 0 || lines[len(lines)-1] != want {
		t.Fatalf("exit %d, last line %q, want exit 0 and %q\n%s", code, lines[len(lines)-1], want, out)
	}
	b, err := os.ReadFile(sums)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{} // "FILE:MEMBER" -> "DTYPE SHAPE CHECKSUMS"
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		k, v, _ := strings.Cut(l, " ")
		got[k] = v
	}
	if len(got) != 46 {
		t.Errorf("--checksums: %d distinct member lines, want 46\n%s", len(got), b)
	}

	ms, err := infer.LoadModels(pp)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms.Components) != 2 {
		t.Fatalf("%d components, want 2", len(ms.Components))
	}
	for k, c := range ms.Components {
		s, s2 := 0, 0
		for _, v := range c.PatchIndex {
			s, s2 = s+v, s2+v*v
		}
		key := fmt.Sprintf("component_%d.npz:patch_index", k)
		if want := fmt.Sprintf("int64 (%d,) sum=%d sumsq=%d", len(c.PatchIndex), s, s2); got[key] != want {
			t.Errorf("%s: read_models.py %q, Go %q", key, got[key], want)
		}
	}
	for k := range 2 {
		pr, err := infer.LoadPatchPrior(filepath.Join(pp, fmt.Sprintf("patch_prior_%d.npz", k)))
		if err != nil {
			t.Fatal(err)
		}
		if pr.K != 2 || pr.P != 6 {
			t.Fatalf("patch prior %d: K %d, P %d, want 2, 6", k, pr.K, pr.P)
		}
		for _, m := range []struct {
			name, shape string
			x           []float64
		}{
			{"weights", "(2,)", pr.Weights},
			{"means", "(2, 6, 6)", pr.Means},
			{"covs", "(2, 36, 36)", pr.Covs},
		} {
			key := fmt.Sprintf("patch_prior_%d.npz:%s", k, m.name)
			s, s2 := 0.0, 0.0
			for _, v := range m.x {
				s += v
				s2 += float64(v * v) // no fused multiply-add: Python's order of rounding
			}
			var ps, ps2 float64
			if n, err := fmt.Sscanf(got[key], "float64 "+m.shape+" sum=%g sumsq=%g", &ps, &ps2); n != 2 || err != nil {
				t.Errorf("%s: read_models.py %q, want float64 %s sum=… sumsq=… (%v)", key, got[key], m.shape, err)
				continue
			}
			if ps != s || ps2 != s2 || math.IsNaN(s) {
				t.Errorf("%s: read_models.py sum %.17g sumsq %.17g, Go %.17g, %.17g", key, ps, ps2, s, s2)
			}
		}
	}

	// A copy missing patch_prior_1.npz, with a file the manifest does not name.
	bad := filepath.Join(work, "bad")
	if err := os.CopyFS(bad, os.DirFS(pp)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(bad, "patch_prior_1.npz")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "notes.txt"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out = misc24ReadModels(t, py, bad)
	for _, want := range []string{
		"\nwarning: notes.txt: in the folder but not named by manifest.json\n",
		"\nERROR: patch_prior_1.npz: missing (named by manifest.json)\n",
		fmt.Sprintf("\n43 members read from %s: 1 errors, 1 warnings\n", bad),
	} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("patch_prior_1.npz removed, notes.txt added: exit %d (want 1), output lacks %q\n%s", code, want, out)
		}
	}
	if code, out = misc24ReadModels(t, py); code != 2 || !strings.Contains(out, "read_models.py MODELDIR [--checksums FILE]") {
		t.Errorf("no argument: exit %d, want 2 and the usage\n%s", code, out)
	}
}
