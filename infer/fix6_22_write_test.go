package infer

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestFix6WriteKeepsManifest: ModelSet.Write leaves its receiver's
// manifest as it was. A set whose manifest records patch priors it has not
// loaded and cannot read (Dir "") was written without them (refused since
// fixb23), and the old writePatchPriors set Manifest.PatchPriors = nil on
// the caller's manifest (here shared with the loaded set, which then lost
// its priors); a
// manifest without format, version and npz_members kept those Write filled
// in. Fails on the old code (PatchPriors nil after Write, format and
// members set).
func TestFix6WriteKeepsManifest(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 20, Seed: 3, Latent: LatentPosterior,
		PatchPrior: &PatchPriorOptions{K: 2, MaxRows: 600, Iters: 8}}); err != nil {
		t.Fatal(err)
	}
	ms, err := LoadModels(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ms.Manifest.PatchPriors == nil {
		t.Fatal("the export recorded no patch priors")
	}
	snap := func(m *ModelManifest) string {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before, rec := snap(ms.Manifest), ms.Manifest.PatchPriors
	// a loaded set written elsewhere (its priors read from ms.Dir)
	if err := ms.Write(filepath.Join(t.TempDir(), "copy")); err != nil {
		t.Fatal(err)
	}
	if got := snap(ms.Manifest); got != before || ms.Manifest.PatchPriors != rec {
		t.Errorf("loaded set: Write changed the manifest:\n got %s\nwant %s", got, before)
	}
	// the manifest without the priors loaded and no folder to read them
	// from: refused since fixb23 (TestFixb23WriteUnloadedPriors), the
	// caller's manifest unchanged
	mem := &ModelSet{Manifest: ms.Manifest, Components: ms.Components}
	out := filepath.Join(t.TempDir(), "mem")
	if err := mem.Write(out); err == nil {
		t.Error("set without its priors: written")
	}
	if ms.Manifest.PatchPriors != rec || snap(ms.Manifest) != before {
		t.Errorf("set without its priors: Write changed the caller's manifest: patch_priors %+v (want %+v)", ms.Manifest.PatchPriors, rec)
	}
	if !ms.HasPatchPriors(0, 1) {
		t.Error("the loaded set lost its patch priors")
	}
	// a manifest without format, version and members: filled in on disk only
	bare := *ms.Manifest
	bare.Format, bare.Version, bare.Members, bare.PatchPriors = "", 0, nil, nil
	set := &ModelSet{Manifest: &bare, Components: ms.Components}
	out = filepath.Join(t.TempDir(), "bare")
	if err := set.Write(out); err != nil {
		t.Fatal(err)
	}
	if bare.Format != "" || bare.Version != 0 || bare.Members != nil {
		t.Errorf("bare manifest after Write: format %q, version %d, %d members (want \"\", 0, none)", bare.Format, bare.Version, len(bare.Members))
	}
	if back, err := LoadModels(out); err != nil {
		t.Fatal(err)
	} else if back.Manifest.Format != ModelFormatName || back.Manifest.Version != ModelFormatVersion || back.Manifest.Members["mean"] == "" {
		t.Errorf("written: format %q, version %d, members %v", back.Manifest.Format, back.Manifest.Version, back.Manifest.Members)
	}
}
