package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// smallPatchSet cuts 18 patches of 32² from two 64² log-normal fields.
func smallPatchSet(t *testing.T) (*PatchSet, PatchConfig) {
	t.Helper()
	var srcs []Source
	for s := 0; s < 2; s++ {
		x := stlayer.NewMaps(1, 64, 64)
		f, _ := LogNormalField(64, 64, -2-float64(s), 0.5, uint64(s+1))
		copy(x.Data, f)
		srcs = append(srcs, Source{Name: []string{"a", "b"}[s], Maps: x})
	}
	cfg := PatchConfig{Size: 32, Stride: 16}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ps, cfg
}

type failingEngine struct{ stlayer.Engine }

func (failingEngine) Forward(string, stlayer.Stat, *stlayer.Maps) (*stlayer.Coeffs, error) {
	return nil, errors.New("interrupted")
}

// BuildFeatures never overwrites what is not its own: a folder whose
// manifest.json is a model folder's (stkit export; version 1 too) was taken
// for a dataset of another configuration and its manifest replaced, and a
// rebuild removed the whole features/ subfolder (RemoveAll), user files
// included. A rebuild interrupted before its first chunk left the old
// complete manifest over the new patches (LoadFeatures then failed on a
// missing features.npy instead of saying the run did not finish).
func TestBuildFeaturesFolderSafety(t *testing.T) {
	ps, cfg := smallPatchSet(t)
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4, Iso: true, Synthesis: true}
	eng := cpu.New()

	models := t.TempDir()
	manifest := []byte(`{"format": "stkit-component-models", "version": 1, "patch_size": 32}` + "\n")
	os.WriteFile(filepath.Join(models, "manifest.json"), manifest, 0o644)
	if _, err := BuildFeatures(models, ps, cfg, spec, eng, 8, nil); err == nil || !strings.Contains(err.Error(), "not a patch dataset's") {
		t.Errorf("build into a model folder: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(models, "manifest.json")); string(b) != string(manifest) {
		t.Error("the model folder's manifest.json was changed")
	}
	if ents, _ := os.ReadDir(models); len(ents) != 1 {
		t.Errorf("the refused build wrote %d entries into the model folder", len(ents)-1)
	}
	if _, err := ReadManifest(models); err == nil || !strings.Contains(err.Error(), "not a patch dataset's") {
		t.Errorf("ReadManifest of a model folder: %v", err)
	}

	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "features"), 0o755)
	notes := filepath.Join(dir, "features", "notes.txt")
	os.WriteFile(notes, []byte("mine"), 0o644)
	if _, err := BuildFeatures(dir, ps, cfg, spec, eng, 8, nil); err != nil {
		t.Fatal(err)
	}
	spec2 := spec
	spec2.J = 2
	if _, err := BuildFeatures(dir, ps, cfg, spec2, failingEngine{eng}, 8, nil); err == nil {
		t.Fatal("the failing engine did not fail")
	}
	if b, err := os.ReadFile(notes); err != nil || string(b) != "mine" {
		t.Errorf("a user file in features/ was removed by the rebuild: %v", err)
	}
	if man, err := ReadManifest(dir); err != nil || man.Complete || man.Spec.J != 2 {
		if err == nil {
			t.Errorf("after an interrupted rebuild the manifest has J=%d, complete %v; want the new configuration (J=2), unfinished", man.Spec.J, man.Complete)
		} else {
			t.Errorf("after an interrupted rebuild: %v", err)
		}
	}
	if _, err := LoadFeatures(dir); err == nil || !strings.Contains(err.Error(), "did not finish") {
		t.Errorf("LoadFeatures after an interrupted rebuild: %v", err)
	}
	// The rebuild resumes and completes.
	f, err := BuildFeatures(dir, ps, cfg, spec2, eng, 8, nil)
	if err != nil || f.Manifest.Spec.J != 2 || !f.Manifest.Complete || f.Manifest.Dim == 0 {
		t.Fatalf("resumed rebuild: %v", err)
	}
	if _, err := LoadFeatures(dir); err != nil {
		t.Fatal(err)
	}
}

// A damaged (not JSON) manifest.json is rebuilt when the folder holds a
// dataset's other files, which is how such a dataset is repaired; alone, it
// may be anyone's and is refused.
func TestBuildFeaturesDamagedManifest(t *testing.T) {
	ps, cfg := smallPatchSet(t)
	spec := stats.Spec{Kind: stats.SCov, J: 2, L: 4, Iso: true, Synthesis: true}
	lone := t.TempDir()
	os.WriteFile(filepath.Join(lone, "manifest.json"), []byte(`{"vers`), 0o644)
	if _, err := BuildFeatures(lone, ps, cfg, spec, cpu.New(), 8, nil); err == nil || !strings.Contains(err.Error(), "not overwriting") {
		t.Errorf("damaged manifest alone: %v", err)
	}
	ds := t.TempDir()
	if _, err := BuildFeatures(ds, ps, cfg, spec, cpu.New(), 8, nil); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(ds, "manifest.json"), []byte(`{"vers`), 0o644)
	if _, err := LoadFeatures(ds); err == nil || !strings.Contains(err.Error(), "truncated or damaged") {
		t.Errorf("LoadFeatures of a damaged manifest: %v", err)
	}
	if f, err := BuildFeatures(ds, ps, cfg, spec, cpu.New(), 8, nil); err != nil || !f.Manifest.Complete {
		t.Fatalf("rebuilding a dataset with a damaged manifest: %v", err)
	}
}
