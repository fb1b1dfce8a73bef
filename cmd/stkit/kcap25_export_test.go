package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestKcap25ExportFewRows: export --patch-prior on the models fixture with
// --patch-prior-rows 100 (K 20 needs 740) left component 0 without a prior
// before kcap25 ("export: warning: component 0 has no patch prior: patch
// prior: EM: no mixture component holds 36 rows … of the 100 training
// rows (iteration 1)"), and --patch-prior-rows 37 with K 20 was refused
// (rows ≥ 2·k). Both components now get priors of ⌊100/37⌋ = 2
// components: a one-line note per component on stderr, the summary line
// gives the K fitted and kept, manifest.json's patch_priors records
// mixture_components 20 and mixture_components_used [2, 2], separate's
// method words say so, and read_models.py reads the folder without a
// warning (and checks the new key). --patch-prior-rows 36 is refused up
// front.
func TestKcap25ExportFewRows(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := filepath.Join(work, "pp")
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", pp, "--samples", "10", "--patch-prior", "--patch-prior-k", "20", "--patch-prior-rows", "100")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, tail(errs, 2000))
	}
	if strings.Contains(errs, "has no patch prior") || strings.Contains(errs, "no mixture component holds") {
		t.Errorf("export warned of a missing prior:\n%s", tail(errs, 2000))
	}
	for k := range 2 {
		want := fmt.Sprintf("export: note: patch prior of component %d: 2 mixture components, not --patch-prior-k 20: its 100 training rows hold at most 2 (each must hold P² + 1 = 37 rows of 6×6 pixels; 740 rows keep 20: more training patches, or a larger --patch-prior-rows where it capped them)\n", k)
		if strings.Count(errs, want) != 1 {
			t.Errorf("stderr lacks (once) %q\n%s", want, tail(errs, 2000))
		}
	}
	ms, err := infer.LoadModels(pp)
	if err != nil {
		t.Fatal(err)
	}
	pps, err := ms.LoadPatchPriors()
	if err != nil || len(pps) != 2 || pps[0] == nil || pps[1] == nil || pps[0].K > 2 || pps[1].K > 2 {
		t.Fatalf("priors %v, %v; want two of at most 2 Gaussians", pps, err)
	}
	var man struct {
		PatchPriors map[string]any `json:"patch_priors"`
	}
	b, err := os.ReadFile(filepath.Join(pp, infer.ModelManifestFile))
	if err != nil || json.Unmarshal(b, &man) != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(man.PatchPriors["mixture_components"], " ", man.PatchPriors["mixture_components_used"]); got != "20 [2 2]" {
		t.Errorf("manifest patch_priors mixture_components, mixture_components_used: %s, want 20 [2 2]", got)
	}
	k0, k1 := pps[0].K, pps[1].K
	summary := fmt.Sprintf("  patch priors: K 20 Gaussians asked, fitted 2 and 2 (at most one per P² + 1 training rows), kept %d and %d (the fit drops dead ones) on 6×6 sub-patches", k0, k1)
	if k0 == 2 && k1 == 2 {
		summary = "  patch priors: K 20 Gaussians asked, fitted 2 and 2 (at most one per P² + 1 training rows) on 6×6 sub-patches"
	}
	if !strings.Contains(errs, summary) {
		t.Errorf("stderr lacks %q\n%s", summary, tail(errs, 2000))
	}
	words := fmt.Sprintf("%d- and %d-Gaussian priors (K 20 asked, 2 fitted on their training rows; the fit dropped dead Gaussians)", k0, k1)
	switch {
	case k0 == 2 && k1 == 2:
		words = "2-Gaussian priors (K 20 asked, 2 fitted on their training rows)"
	case k0 == k1:
		words = fmt.Sprintf("%d-Gaussian priors (K 20 asked, 2 fitted on their training rows; the fit dropped dead Gaussians)", k0)
	}
	if got := patchPriorKWords(ms, []int{0, 1}); got != words {
		t.Errorf("separate's words: %q, want %q", got, words)
	}
	if py := misc24Python(); py != "" {
		code, out := misc24ReadModels(t, py, pp)
		if !strings.HasSuffix(strings.TrimSpace(out), ": 0 errors, 0 warnings") || code != 0 {
			t.Errorf("read_models.py: exit %d\n%s", code, out)
		}
		// a record that contradicts the files is an error there
		bad := filepath.Join(work, "bad")
		if err := os.CopyFS(bad, os.DirFS(pp)); err != nil {
			t.Fatal(err)
		}
		var full map[string]any
		if err := json.Unmarshal(b, &full); err != nil {
			t.Fatal(err)
		}
		full["patch_priors"].(map[string]any)["mixture_components_used"] = []int{21, 2}
		nb, err := json.Marshal(full)
		if err != nil || os.WriteFile(filepath.Join(bad, infer.ModelManifestFile), nb, 0o644) != nil {
			t.Fatalf("could not edit the manifest: %v", err)
		}
		code, out = misc24ReadModels(t, py, bad)
		if code != 1 || !strings.Contains(out, "patch_priors.mixture_components_used[0] 21, mixture_components 20 (want K <= used <= mixture_components)") {
			t.Errorf("read_models.py on mixture_components_used [21, 2]: exit %d\n%s", code, out)
		}
	}
	// 37 rows hold one component: accepted (refused before, rows < 2·k);
	// 36 hold none: refused before the export starts
	if code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "p37"), "--samples", "10", "--patch-prior", "--patch-prior-k", "20", "--patch-prior-rows", "37"); code != 0 ||
		!strings.Contains(errs, "export: note: patch prior of component 1: 1 mixture component, not --patch-prior-k 20: its 37 training rows hold at most 1 (") {
		t.Errorf("--patch-prior-rows 37: exit %d\n%s", code, tail(errs, 2000))
	}
	wantBadInput(t, []string{"export", filepath.Join(dir, "run"), "-o", filepath.Join(work, "p36"), "--patch-prior", "--patch-prior-rows", "36"},
		"--patch-prior-k 20, --patch-prior-rows 36: want k ≥ 1 and rows ≥ 37", filepath.Join(work, "p36"))
}
