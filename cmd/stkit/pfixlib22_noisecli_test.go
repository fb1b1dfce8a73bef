package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// pfixlib22: separate --models --components 0,1,noise:σ with a folder that
// has patch priors for 0 and 1 ran the statistics (auto) and refused
// --patch-prior on; the library now passes the noise's σ² to the
// patch-prior separation (infer.PatchPriorUnusable, infer.NoiseSigma),
// and the method line names it. 0,noise:0.5 keeps the statistics.
func TestPfixlib22SeparateNoiseCLI(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	mix := filepath.Join(dir, "mix.npy")
	for _, mode := range []string{"auto", "on"} {
		code, _, errs := runCLI(t, "separate", mix, "--models", pp, "--components", "0,1,noise:0.5", "-o", filepath.Join(work, mode+".npy"), "--patch-prior", mode, "--steps", "0,2")
		want := "separate: method: patch prior (the two-source posterior mean under the components' 2-Gaussian priors of 6×6 pixel patches plus white noise of variance 0.25 (noise:0.5), stride 1; no L-BFGS stage: --patch-prior off for the statistics alone)\n"
		if code != 0 || !strings.Contains(errs, want) {
			t.Errorf("--patch-prior %s, 0,1,noise:0.5: exit %d, want %q\n%s", mode, code, want, errs)
		}
	}
}
