package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestFixy24PatchPriorRolesWords: separate --models --patch-prior on or
// start with components that are not two learned plus at most one
// noise:σ is refused in the command line's terms (patchPriorUnservable's),
// not with infer's PatchPriorRoles text ("the patch-prior separation takes
// two learned components, got 1 and a white-noise component (noise:0.5)",
// or "… nor white noise (NoiseComponent) …", a Go identifier). Fails on
// the old code (infer's Why printed as it is).
func TestFixy24PatchPriorRolesWords(t *testing.T) {
	ms := &infer.ModelSet{Dir: "m", Manifest: &infer.ModelManifest{},
		Components: []*infer.ComponentModel{{}, {}, {}}}
	learned := func(k int) infer.SepComponent {
		return infer.SepComponent{Name: "component " + string(rune('0'+k)), Model: ms.Components[k]}
	}
	stray := infer.SepComponent{Name: "x", Model: &infer.ComponentModel{K: 0}}
	for _, c := range []struct {
		comps []infer.SepComponent
		want  string
	}{
		{[]infer.SepComponent{learned(0), learned(1), learned(2)},
			"stkit: --patch-prior on: the patch prior separates two learned components (and at most one noise:σ), --components gives 3 learned; use the statistics alone (--patch-prior off)"},
		{[]infer.SepComponent{learned(0), stray},
			"stkit: --patch-prior on: x is neither one of the folder's learned components nor one noise:σ, so no patch prior would serve it; use the statistics alone (--patch-prior off)"},
		{[]infer.SepComponent{learned(0)},
			"stkit: --patch-prior on: the patch prior separates two learned components and at most one noise:σ, --components gives 1; use the statistics alone (--patch-prior off)"},
	} {
		err := sepModelsPriorRefusal(ms, c.comps, "on", "only", "off", false)
		if err == nil || "stkit: "+err.Error() != c.want {
			t.Errorf("%d components: %v\nwant %s", len(c.comps), err, c.want)
		}
	}
	// the command line: one learned component and a noise:σ
	dir := modelsFixture(t)
	work := t.TempDir()
	for _, mode := range []string{"on", "start"} {
		out := filepath.Join(work, mode+".npy")
		code, stdout, errs := runCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", filepath.Join(dir, "models"), "--components", "0,noise:0.5",
			"--patch-prior", mode, "--steps", "0,2", "-o", out)
		want := "stkit: --patch-prior " + mode + ": the patch prior separates two learned components (and at most one noise:σ), --components gives 1 learned; use the statistics alone (--patch-prior off)\n"
		if code != 2 || stdout != "" || errs != want {
			t.Errorf("--patch-prior %s: exit %d (want 2), stdout %q, stderr\n%s\nwant only\n%s", mode, code, stdout, errs, want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("--patch-prior %s: %s written", mode, out)
		}
	}
}
