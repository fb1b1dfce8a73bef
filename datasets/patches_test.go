package datasets

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func rampSource(name string, b, m, n int) Source {
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = float64(i)
	}
	return Source{Name: name, Maps: x}
}

func TestCutPatchesGridAndAugment(t *testing.T) {
	src := rampSource("ramp", 2, 32, 48)
	ps, err := CutPatches([]Source{src}, PatchConfig{Size: 16, Stride: 16})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Patches) != 2*2*3 {
		t.Fatalf("%d patches, want 12", len(ps.Patches))
	}
	p := ps.Patches[4] // map 0, row 16, col 16
	if p.Map != 0 || p.Row != 16 || p.Col != 16 {
		t.Fatalf("patch 4 = %+v", p)
	}
	if got, want := ps.Patch(4)[0], src.Maps.Data[16*48+16]; got != want {
		t.Errorf("pixel (0,0) = %g, want %g", got, want)
	}
	// augmentation permutes pixels: same multiset
	aug, err := CutPatches([]Source{src}, PatchConfig{Size: 16, Stride: 16, Augment: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	sum := func(x []float64) (s float64) {
		for _, v := range x {
			s += v
		}
		return
	}
	rotated := 0
	for i := range aug.Patches {
		if sum(aug.Patch(i)) != sum(ps.Patch(i)) {
			t.Fatal("augmentation changed pixel values")
		}
		if aug.Patches[i].Rot != 0 || aug.Patches[i].Flip {
			rotated++
		}
	}
	if rotated == 0 {
		t.Error("no patch was rotated or flipped")
	}
	if _, err := CutPatches([]Source{src}, PatchConfig{Size: 64}); err == nil {
		t.Error("patch larger than the map accepted")
	}
	// NaN handling
	src.Maps.Data[5] = math.NaN()
	if _, err := CutPatches([]Source{src}, PatchConfig{Size: 16, Stride: 16}); err == nil {
		t.Error("NaN patch accepted")
	}
	sk, err := CutPatches([]Source{src}, PatchConfig{Size: 16, Stride: 16, SkipNaN: true})
	if err != nil || sk.Skipped != 1 || len(sk.Patches) != 11 {
		t.Errorf("skip NaN: %v, skipped %d, kept %d", err, sk.Skipped, len(sk.Patches))
	}
}

func TestLoadSourcesDirectory(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadSources([]string{dir}); err == nil {
		t.Error("empty directory accepted")
	}
	m := stlayer.NewMaps(1, 16, 16)
	WriteMaps(filepath.Join(dir, "b.npy"), m)
	WriteMaps(filepath.Join(dir, "a.npy"), m)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	srcs, err := LoadSources([]string{dir})
	if err != nil || len(srcs) != 2 || filepath.Base(srcs[0].Name) != "a.npy" {
		t.Fatalf("%v %v", srcs, err)
	}
}

func TestBuildFeaturesResume(t *testing.T) {
	var srcs []Source
	for s := 0; s < 2; s++ {
		x := stlayer.NewMaps(1, 64, 64)
		f, _ := LogNormalField(64, 64, -2-float64(s), 0.5+0.3*float64(s), uint64(s+1))
		copy(x.Data, f)
		srcs = append(srcs, Source{Name: []string{"a", "b"}[s], Maps: x})
	}
	cfg := PatchConfig{Size: 32, Stride: 16}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4, Iso: true, Synthesis: true}
	dir := t.TempDir()
	eng := cpu.New()
	calls := 0
	f, err := BuildFeatures(dir, ps, cfg, spec, eng, 5, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if f.Manifest.N != 18 || f.Manifest.Dim == 0 || len(f.X) != 18*f.Manifest.Dim || calls != 4 {
		t.Fatalf("n %d dim %d calls %d", f.Manifest.N, f.Manifest.Dim, calls)
	}
	// simulate an interrupted run: remove the last chunk and the completion mark
	man, _ := ReadManifest(dir)
	man.Complete = false
	writeJSON(filepath.Join(dir, "manifest.json"), man)
	os.Remove(chunkPath(dir, 3))
	os.Remove(filepath.Join(dir, "features.npy"))
	computed := 0
	counting := &countingEngine{Engine: eng, n: &computed}
	g, err := BuildFeatures(dir, ps, cfg, spec, counting, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if computed != 1 {
		t.Errorf("resume recomputed %d chunks, want 1", computed)
	}
	for i := range f.X {
		if f.X[i] != g.X[i] {
			t.Fatal("resumed features differ")
		}
	}
	// a changed configuration is refused, then recomputed from scratch
	// with Replace
	computed = 0
	spec2 := spec
	spec2.J = 2
	if _, err := BuildFeatures(dir, ps, cfg, spec2, counting, 5, nil); !errors.Is(err, ErrOtherConfiguration) || computed != 0 {
		t.Fatalf("changed spec without Replace: %v (%d chunks computed)", err, computed)
	}
	if _, err := BuildFeatures(dir, ps, cfg, spec2, counting, 5, nil, BuildOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	if computed != 4 {
		t.Errorf("changed spec recomputed %d chunks, want 4", computed)
	}
	h, err := LoadFeatures(dir)
	if err != nil || h.Manifest.Spec.J != 2 {
		t.Fatalf("load: %v", err)
	}
	z := h.Normalised()
	mean := 0.0
	for i := 0; i < h.Manifest.N; i++ {
		mean += float64(z[i*h.Manifest.Dim+1])
	}
	if math.Abs(mean/float64(h.Manifest.N)) > 1e-5 {
		t.Errorf("z-scored column mean %g", mean)
	}
	tr, va := Split(100, 0.2, 1)
	if len(tr) != 80 || len(va) != 20 {
		t.Errorf("split %d/%d", len(tr), len(va))
	}
}

type countingEngine struct {
	stlayer.Engine
	n *int
}

func (c *countingEngine) Forward(key string, s stlayer.Stat, x *stlayer.Maps) (*stlayer.Coeffs, error) {
	*c.n++
	return c.Engine.Forward(key, s, x)
}
