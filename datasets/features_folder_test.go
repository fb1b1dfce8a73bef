package datasets

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
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
	replace := BuildOptions{Replace: true}
	if _, err := BuildFeatures(dir, ps, cfg, spec2, failingEngine{eng}, 8, nil, replace); err == nil {
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

// BuildFeatures refuses to discard a dataset of another configuration
// (complete or unfinished: computing features can take hours) and names
// what differs; the same configuration, also spelled otherwise, is reused or
// resumed with the dataset's own chunk size; Replace rebuilds. Before, any
// change (even --chunk, or --seed without augmentation) silently recomputed
// everything.
func TestBuildFeaturesOtherConfiguration(t *testing.T) {
	ps, cfg := smallPatchSet(t)
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4, Iso: true, Synthesis: true}
	computed := 0
	eng := &countingEngine{Engine: cpu.New(), n: &computed}
	dir := t.TempDir()
	f, err := BuildFeatures(dir, ps, cfg, spec, eng, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	n, dim := f.Manifest.N, f.Manifest.Dim
	computed = 0
	snap := func() map[string]string {
		out := map[string]string{}
		for _, d := range []string{dir, filepath.Join(dir, "features")} {
			ents, _ := os.ReadDir(d)
			for _, e := range ents {
				b, _ := os.ReadFile(filepath.Join(d, e.Name()))
				out[filepath.Join(d, e.Name())] = string(b)
			}
		}
		return out
	}
	cut := func(c PatchConfig) *PatchSet {
		var srcs []Source
		for i, name := range ps.Sources {
			x := stlayer.NewMaps(1, 64, 64)
			g, _ := LogNormalField(64, 64, -2-float64(i), 0.5, uint64(i+1))
			copy(x.Data, g)
			srcs = append(srcs, Source{Name: name, Maps: x})
		}
		p, err := CutPatches(srcs, c)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	renamed := *ps
	renamed.Sources = []string{"a", "c"}
	changed := *ps
	changed.Data = slices.Clone(ps.Data)
	changed.Data[5] += 1
	spec2 := spec
	spec2.J = 2
	augment := cfg
	augment.Augment = true
	stride := cfg
	stride.Stride = 8
	for _, c := range []struct {
		name string
		ps   *PatchSet
		cfg  PatchConfig
		spec stats.Spec
		want ConfigChange
	}{
		{"J", ps, cfg, spec2, ConfigChange{"J", "3", "2"}},
		{"stride", cut(stride), stride, spec, ConfigChange{"stride", "16", "8"}},
		{"augment", cut(augment), augment, spec, ConfigChange{"augment", "false", "true"}},
		{"sources", &renamed, cfg, spec, ConfigChange{"sources", "b", "c"}},
		{"pixels", &changed, cfg, spec, ConfigChange{"pixels", "of the dataset's patches", "of the maps now (their contents changed)"}},
	} {
		before := snap()
		var ce *ConfigChangeError
		err := CheckBuild(dir, c.ps, c.cfg, c.spec)
		if !errors.As(err, &ce) || !errors.Is(err, ErrOtherConfiguration) || !ce.Complete || ce.N != n || ce.Dim != dim ||
			!slices.Contains(ce.Changes, c.want) || (c.name != "augment" && len(ce.Changes) != 1) {
			t.Errorf("%s: CheckBuild: %v, want a change %v", c.name, err, c.want)
		}
		if _, err := BuildFeatures(dir, c.ps, c.cfg, c.spec, eng, 8, nil); !errors.Is(err, ErrOtherConfiguration) ||
			!strings.Contains(err.Error(), "a complete patch dataset (18 patches × ") || !strings.Contains(err.Error(), c.want.String()) {
			t.Errorf("%s: BuildFeatures: %v", c.name, err)
		}
		if computed != 0 || !maps.Equal(before, snap()) {
			t.Errorf("%s: the refused build computed %d chunks or changed the folder", c.name, computed)
		}
	}

	// The same configuration, spelled otherwise, with another chunk size:
	// reused, nothing computed.
	same := cfg
	same.Stride, same.Seed, same.Window, same.Alpha, same.SkipConstant = 0, 7, "none", 0.5, true
	same.Size = 32
	if err := CheckBuild(dir, ps, same, spec); err != nil {
		t.Errorf("CheckBuild of the same configuration: %v", err)
	}
	if g, err := BuildFeatures(dir, ps, same, spec, eng, 5, nil); err != nil || computed != 0 || !slices.Equal(g.X, f.X) {
		t.Errorf("same configuration: %v, %d chunks computed", err, computed)
	}

	// An unfinished dataset (killed during chunk 1, which left temporaries)
	// of another configuration is refused too; of the same, resumed with
	// its chunk size; the temporaries of the killed writes are removed and
	// nothing else.
	man, _ := ReadManifest(dir)
	man.Complete = false
	writeJSON(filepath.Join(dir, "manifest.json"), man)
	os.Remove(filepath.Join(dir, "features.npy"))
	os.Remove(chunkPath(dir, 1))
	stale := []string{".features.npy.tmp123", ".manifest.json.tmp9", filepath.Join("features", ".chunk_00001.npy.tmp77")}
	kept := []string{".notes.tmp1", ".features.npy.tmpx", "features.npy.tmp1", filepath.Join("features", ".chunk_00001.npy.tmp")}
	for _, p := range append(slices.Clone(stale), kept...) {
		os.WriteFile(filepath.Join(dir, p), []byte("half"), 0o644)
	}
	before := snap()
	err = CheckBuild(dir, ps, cfg, spec2)
	var ce *ConfigChangeError
	if !errors.As(err, &ce) || ce.Complete || ce.Done != 2 || ce.Chunks != 3 ||
		!strings.Contains(err.Error(), "an unfinished patch dataset (2 of 3 feature chunks computed)") {
		t.Errorf("unfinished dataset of another configuration: %v", err)
	}
	if _, err := BuildFeatures(dir, ps, cfg, spec2, eng, 8, nil); !errors.Is(err, ErrOtherConfiguration) || computed != 0 || !maps.Equal(before, snap()) {
		t.Errorf("unfinished dataset of another configuration: %v (%d chunks computed)", err, computed)
	}
	g, err := BuildFeatures(dir, ps, cfg, spec, eng, 5, nil)
	if err != nil || computed != 1 || g.Manifest.ChunkSize != 8 || !g.Manifest.Complete || !slices.Equal(g.X, f.X) {
		t.Errorf("resume: %v, %d chunks computed (want 1 of 8 patches)", err, computed)
	}
	for _, p := range stale {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("stale temporary %s kept", p)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s (not a temporary of the build) removed", p)
		}
	}

	// Replace rebuilds.
	computed = 0
	if g, err := BuildFeatures(dir, ps, cfg, spec2, eng, 8, nil, BuildOptions{Replace: true}); err != nil || computed != 3 || g.Manifest.Spec.J != 2 {
		t.Errorf("Replace: %v, %d chunks computed", err, computed)
	}
	if _, err := BuildFeatures(dir, ps, cfg, spec2, eng, 8, nil, BuildOptions{}, BuildOptions{}); err == nil {
		t.Error("two BuildOptions accepted")
	}
}

// Sources naming the same files count as the same (another spelling of the
// path), unless their .npz members differ.
func TestSameSources(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.npz")
	os.WriteFile(a, []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	other := filepath.Join(dir, "sub", "..", "a.npz")
	for _, c := range []struct {
		a, b []string
		want bool
	}{
		{[]string{a}, []string{other}, true},
		{[]string{a + ":m"}, []string{other + ":m"}, true},
		{[]string{a + ":m"}, []string{other + ":n"}, false},
		{[]string{a}, []string{filepath.Join(dir, "b.npz")}, false},
		{[]string{a}, []string{a, a}, false},
	} {
		if got := sameSources(c.a, c.b); got != c.want {
			t.Errorf("sameSources(%v, %v) = %v", c.a, c.b, got)
		}
	}
}
