package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// fix4: FitPatchPrior drops dead Gaussians (45599d0), but export's
// "patch priors: K 8 Gaussians" and separate's "the components' 8-Gaussian
// priors" printed the K asked (Manifest.PatchPriors.K). On a zero-heavy
// copy of the models fixture's dataset (9 of 10 training patches all
// zero) the fits keep fewer, and both lines say so.
func TestFix4PatchPriorKeptK(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	ds := filepath.Join(work, "ds")
	if err := os.CopyFS(ds, os.DirFS(filepath.Join(dir, "ds"))); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(ds, "patches.npy"))
	if err != nil {
		t.Fatal(err)
	}
	const hdr, patch = 128, 32 * 32 * 4 // float32 [54, 32, 32]
	if len(b) != hdr+54*patch || !strings.Contains(string(b[:hdr]), "'<f4'") {
		t.Fatalf("patches.npy: %d bytes, header %q", len(b), b[:hdr])
	}
	clear(b[hdr : hdr+27*patch]) // noise.npy's 27 patches
	if err := os.WriteFile(filepath.Join(ds, "patches.npy"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	pp := filepath.Join(work, "pp")
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "--dataset", ds, "-o", pp, "--samples", "10", "--patch-prior", "--patch-prior-k", "8", "--patch-prior-rows", "500")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, tail(errs, 2000))
	}
	ms, err := infer.LoadModels(pp)
	if err != nil {
		t.Fatal(err)
	}
	pps, err := ms.LoadPatchPriors()
	if err != nil {
		t.Fatal(err)
	}
	if len(pps) != 2 || pps[0] == nil || pps[1] == nil || pps[0].K == pps[1].K || max(pps[0].K, pps[1].K) >= 8 {
		t.Fatalf("want two priors that dropped different numbers of the 8 Gaussians (measured: 5 and 2), got %v", pps)
	}
	k0, k1 := pps[0].K, pps[1].K
	want := fmt.Sprintf("  patch priors: K 8 Gaussians asked, kept %d and %d (the fit drops dead ones) on 6×6 sub-patches, ≤ 500 rows per component (patch_prior_0.npz, patch_prior_1.npz)\n", k0, k1)
	if !strings.Contains(errs, want) {
		t.Errorf("export: stderr lacks %q\n%s", want, tail(errs, 2000))
	}
	sep := func(comps string) string {
		code, _, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", pp, "--components", comps, "-o", filepath.Join(work, "a.npy"))
		if code != 0 {
			t.Fatalf("separate: exit %d\n%s", code, tail(errs, 2000))
		}
		return errs
	}
	for _, c := range []struct {
		comps string
		a, b  int
	}{{"0,1", k0, k1}, {"1,0", k1, k0}} {
		want := fmt.Sprintf("separate: method: patch prior (the two-source posterior mean under the components' %d- and %d-Gaussian priors (K 8 asked: the fit dropped dead Gaussians) of 6×6 pixel patches, stride 1;", c.a, c.b)
		if errs := sep(c.comps); !strings.Contains(errs, want) {
			t.Errorf("--components %s: stderr lacks %q\n%s", c.comps, want, errs)
		}
	}
	// priors that kept the K asked: the lines as before
	pp2 := exportPatchPriorFixture(t, dir, work)
	if ms, err := infer.LoadModels(pp2); err != nil {
		t.Fatal(err)
	} else if pps, err := ms.LoadPatchPriors(); err != nil || pps[0].K != 2 || pps[1].K != 2 {
		t.Fatalf("K 2 fixture: %v %v", pps, err)
	}
	code, _, errs = runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", pp2, "--components", "0,1", "-o", filepath.Join(work, "b.npy"))
	if want := "under the components' 2-Gaussian priors of 6×6 pixel patches, stride 1;"; code != 0 || !strings.Contains(errs, want) {
		t.Errorf("K 2 kept: exit %d, stderr lacks %q\n%s", code, want, errs)
	}
}
