package datasets

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func TestFilePartAndCheckMapsPath(t *testing.T) {
	for in, want := range map[string]string{
		"a/x.npz:maps": "a/x.npz", "x.NPZ:m": "x.NPZ", "x.npz": "x.npz", "x.npy": "x.npy", "dir/": "dir/", "x.fits": "x.fits",
	} {
		if got := FilePart(in); got != want {
			t.Errorf("FilePart(%q) = %q, want %q", in, got, want)
		}
	}
	for _, ok := range []string{"o.npy", "o.NPY", "o.npz", "o.npz:s", "o.fits", "o.fit", "o.fts"} {
		if err := CheckMapsPath(ok); err != nil {
			t.Errorf("CheckMapsPath(%q): %v", ok, err)
		}
	}
	for p, frag := range map[string]string{"o.txt": `unknown file type ".txt"`, "o": `unknown file type ""`, "dir/": "unknown file type", "o.fits.gz": "gzip"} {
		err := CheckMapsPath(p)
		if err == nil || !strings.Contains(err.Error(), frag) {
			t.Errorf("CheckMapsPath(%q) = %v, want an error with %q", p, err, frag)
		}
		// It lists the output types only: .fits.gz cannot be written.
		if err != nil && frag != "gzip" && strings.Contains(err.Error(), ".fits.gz") {
			t.Errorf("CheckMapsPath(%q) offers .fits.gz for an output: %v", p, err)
		}
		// WriteMaps refuses the same names, writing nothing.
		dir := t.TempDir()
		if err := WriteMaps(filepath.Join(dir, p), stlayer.NewMaps(1, 4, 4)); err == nil {
			t.Errorf("WriteMaps(%q) wrote", p)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 0 {
			t.Errorf("WriteMaps(%q) left %d files", p, len(ents))
		}
	}
}

// LoadSources accepts the "x.npz:member" paths that Read accepts (it used to
// stat the whole string and report "no such file").
func TestLoadSourcesNPZMember(t *testing.T) {
	dir := t.TempDir()
	a := &Array{DType: "float64", Shape: []int{8, 8}, Float64: make([]float64, 64)}
	b := &Array{DType: "float64", Shape: []int{2, 16, 16}, Float64: make([]float64, 512)}
	for i := range b.Float64 {
		b.Float64[i] = float64(i)
	}
	p := filepath.Join(dir, "two.npz")
	if err := WriteNPZ(p, []NamedArray{{Name: "a", Array: a}, {Name: "b", Array: b}}, false); err != nil {
		t.Fatal(err)
	}
	srcs, err := LoadSources([]string{p + ":b"})
	if err != nil {
		t.Fatal(err)
	}
	if m := srcs[0].Maps; m.B != 2 || m.M != 16 || m.Data[511] != 511 {
		t.Errorf("member b read as %d×%d×%d", m.B, m.M, m.N)
	}
	if _, err := LoadSources([]string{p + ":nope"}); err == nil || !strings.Contains(err.Error(), `no member "nope"`) {
		t.Errorf("missing member: %v", err)
	}
	if _, err := LoadSources([]string{filepath.Join(dir, "none.npz") + ":b"}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestCutPatchesRefusesBadConfig(t *testing.T) {
	src := []Source{{Name: "m", Maps: stlayer.NewMaps(1, 32, 32)}}
	for _, c := range []struct {
		cfg  PatchConfig
		frag string
	}{
		{PatchConfig{Size: 16, Stride: -4}, "stride -4"},
		{PatchConfig{Size: 16, MaxPerSource: -1}, "-1 patches per source"},
		{PatchConfig{Size: 16, Window: "tukey", Alpha: 5}, "outside [0, 1]"},
		{PatchConfig{Size: 16, Window: "tukey", Alpha: -0.1}, "outside [0, 1]"},
	} {
		if _, err := CutPatches(src, c.cfg); err == nil || !strings.Contains(err.Error(), c.frag) {
			t.Errorf("%+v: %v, want an error with %q", c.cfg, err, c.frag)
		}
	}
}

// SkipConstant drops the patches whose pixels are all equal and counts them;
// the option leaves the JSON (hence the fingerprint) of older configurations
// unchanged.
func TestCutPatchesSkipConstant(t *testing.T) {
	m := stlayer.NewMaps(1, 32, 32)
	for i := 16 * 32; i < len(m.Data); i++ { // top half 0 (a mask), bottom half varies
		m.Data[i] = float64(i % 7)
	}
	src := []Source{{Name: "masked", Maps: m}}
	ps, err := CutPatches(src, PatchConfig{Size: 16, Stride: 16})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Patches) != 4 || !ps.IsConstant(0) || !ps.IsConstant(1) || ps.IsConstant(2) {
		t.Fatalf("%d patches, constant %v %v %v", len(ps.Patches), ps.IsConstant(0), ps.IsConstant(1), ps.IsConstant(2))
	}
	ps, err = CutPatches(src, PatchConfig{Size: 16, Stride: 16, SkipConstant: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Patches) != 2 || ps.Constant != 2 || ps.Patches[0].Row != 16 {
		t.Errorf("with SkipConstant: %d patches, %d constant, first at row %d", len(ps.Patches), ps.Constant, ps.Patches[0].Row)
	}
	if _, err := CutPatches([]Source{{Name: "flat", Maps: stlayer.NewMaps(1, 16, 16)}}, PatchConfig{Size: 16, SkipConstant: true}); err == nil {
		t.Error("all patches constant: no error")
	}
	b, _ := json.Marshal(PatchConfig{Size: 16, Stride: 8, Seed: 3})
	if strings.Contains(string(b), "SkipConstant") {
		t.Errorf("PatchConfig JSON without the option mentions it: %s", b)
	}
}

// A constant patch makes the self-normalised features non-finite: the error
// names where the patch comes from, not only its index.
func TestBuildFeaturesNamesConstantPatch(t *testing.T) {
	m := stlayer.NewMaps(1, 32, 64)
	f, _ := LogNormalField(32, 64, -2, 0.5, 1)
	copy(m.Data, f)
	for r := 0; r < 32; r++ {
		for c := 32; c < 64; c++ {
			m.Data[r*64+c] = 0.25
		}
	}
	cfg := PatchConfig{Size: 32, Stride: 32}
	ps, err := CutPatches([]Source{{Name: "half.npy", Maps: m}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.SCov, J: 3, L: 4, Iso: true, Synthesis: true}
	_, err = BuildFeatures(t.TempDir(), ps, cfg, spec, cpu.New(), 4, nil)
	if err == nil || !strings.Contains(err.Error(), "half.npy, map 0, row 0, column 32") || !strings.Contains(err.Error(), "not finite") {
		t.Errorf("error %v, want it to name half.npy, map 0, row 0, column 32", err)
	}
}

func TestReadManifestTruncatedJSON(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(`{"version": 1, "spec": {`), 0o644)
	_, err := ReadManifest(dir)
	if err == nil || !strings.Contains(err.Error(), "manifest.json: not valid JSON (truncated or damaged file?)") {
		t.Errorf("truncated manifest: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "manifest.json"), nil, 0o644)
	if _, err := ReadManifest(dir); err == nil || !strings.Contains(err.Error(), "truncated or damaged") {
		t.Errorf("empty manifest: %v", err)
	}
}

// CutPatches refuses sources whose maps are missing or whose Data length is
// not B·M·N (it indexed past the slice), naming the source.
func TestCutPatchesRefusesBadSources(t *testing.T) {
	good := stlayer.NewMaps(1, 16, 16)
	ragged := &stlayer.Maps{B: 2, M: 16, N: 16, Data: make([]float64, 300)}
	cfg := PatchConfig{Size: 8}
	for _, c := range []struct {
		name string
		srcs []Source
		want string
	}{
		{"nil maps", []Source{{Name: "a.npy"}}, "a.npy"},
		{"ragged maps", []Source{{Name: "good"}, {Name: "b.npy", Maps: ragged}}, "b.npy"},
		{"no sources", nil, "no"},
		{"empty batch", []Source{{Name: "c.npy", Maps: stlayer.NewMaps(0, 16, 16)}}, "no"},
	} {
		if len(c.srcs) == 2 {
			c.srcs[0].Maps = good
		}
		testutil.Refused(t, c.name, func() error { _, err := CutPatches(c.srcs, cfg); return err }, c.want)
	}
	testutil.Refused(t, "NaN alpha", func() error {
		_, err := CutPatches([]Source{{Name: "g", Maps: good}}, PatchConfig{Size: 8, Window: "tukey", Alpha: math.NaN()})
		return err
	}, "Tukey")
}

// The host helpers never panic: Split clamps the validation fraction and
// TukeyWindow returns nothing for a non-positive size.
func TestSplitAndTukeyClamp(t *testing.T) {
	for _, c := range []struct {
		n      int
		val    float64
		nt, nv int
	}{{10, 1.5, 0, 10}, {10, -0.3, 10, 0}, {10, math.NaN(), 10, 0}, {-3, 0.5, 0, 0}, {0, 0.5, 0, 0}, {10, 0.25, 7, 3}} {
		var tr, va []int
		testutil.Refused(t, "Split", func() error { tr, va = Split(c.n, c.val, 1); return errors.New("ran") })
		if len(tr) != c.nt || len(va) != c.nv {
			t.Errorf("Split(%d, %g) = %d train, %d valid; want %d, %d", c.n, c.val, len(tr), len(va), c.nt, c.nv)
		}
	}
	for _, s := range []int{0, -4} {
		var w []float64
		testutil.Refused(t, "TukeyWindow", func() error { w = TukeyWindow(s, 0.3); return errors.New("ran") })
		if len(w) != 0 {
			t.Errorf("TukeyWindow(%d) has %d values", s, len(w))
		}
	}
}

// BuildFeatures refuses a missing or inconsistent patch set, a nil engine
// and an empty folder name before touching the disk.
func TestBuildFeaturesRefusesBadInput(t *testing.T) {
	eng := cpu.New()
	srcs := []Source{{Name: "n", Maps: mustWhite(t, 32)}}
	cfg := PatchConfig{Size: 16, Stride: 16}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 4}
	short := *ps
	short.Data = short.Data[:len(short.Data)-1]
	none := *ps
	none.Patches, none.Data = nil, nil
	for _, c := range []struct {
		name string
		dir  string
		ps   *PatchSet
		eng  stlayer.Engine
		want string
	}{
		{"nil patch set", "d", nil, eng, "nil"},
		{"no patches", "d", &none, eng, "no patches"},
		{"data length", "d", &short, eng, "values"},
		{"nil engine", "d", ps, nil, "engine"},
		{"empty folder name", "", ps, eng, "folder"},
	} {
		dir := c.dir
		root := t.TempDir()
		if dir != "" {
			dir = filepath.Join(root, dir)
		}
		testutil.Refused(t, c.name, func() error { _, err := BuildFeatures(dir, c.ps, cfg, spec, c.eng, 0, nil); return err }, c.want)
		if ents, _ := os.ReadDir(root); len(ents) != 0 {
			t.Errorf("%s: refused BuildFeatures wrote %d entries", c.name, len(ents))
		}
	}
}

// LoadFeatures refuses a folder whose norm.json or patches.npy disagree with
// the manifest (Normalised used to panic or divide by zero on them).
func TestLoadFeaturesRefusesInconsistentFiles(t *testing.T) {
	srcs := []Source{{Name: "n", Maps: mustWhite(t, 32)}}
	cfg := PatchConfig{Size: 16, Stride: 16}
	ps, err := CutPatches(srcs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := BuildFeatures(dir, ps, cfg, stats.Spec{Kind: stats.WST, J: 2, L: 4}, cpu.New(), 0, nil); err != nil {
		t.Fatal(err)
	}
	norm := filepath.Join(dir, "norm.json")
	orig, _ := os.ReadFile(norm)
	for name, body := range map[string]string{
		"short mean": `{"mean": [1], "std": [1]}`,
		"zero std":   ``,
		"truncated":  string(orig[:len(orig)/2]),
	} {
		if name == "zero std" {
			var nm map[string][]float64
			_ = json.Unmarshal(orig, &nm)
			nm["std"][0] = 0
			b, _ := json.Marshal(nm)
			body = string(b)
		}
		if err := os.WriteFile(norm, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		testutil.Refused(t, "norm.json "+name, func() error { _, err := LoadFeatures(dir); return err }, "norm.json")
	}
	if err := os.WriteFile(norm, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFeatures(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Normalised()) != len(f.X) {
		t.Fatal("Normalised length")
	}
	// patches.npy of another patch size.
	if err := WriteNPY(filepath.Join(dir, "patches.npy"), &Array{DType: "float32", Shape: []int{f.Manifest.N, 8, 8}, Float64: make([]float64, f.Manifest.N*64)}); err != nil {
		t.Fatal(err)
	}
	testutil.Refused(t, "patches.npy of another size", func() error { _, err := LoadFeatures(dir); return err }, "patches.npy")
	testutil.Refused(t, "LoadFeatures on a file", func() error { _, err := LoadFeatures(norm); return err }, "manifest.json")
	var nf *Features
	if got := nf.Normalised(); got != nil {
		t.Errorf("nil Features normalised to %d values", len(got))
	}
}

func mustWhite(t *testing.T, n int) *stlayer.Maps {
	t.Helper()
	x, err := WhiteNoise(n, n, 3)
	if err != nil {
		t.Fatal(err)
	}
	m, err := StackMaps(n, n, x)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
