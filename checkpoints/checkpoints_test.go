package checkpoints

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/graph"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"
)

// testContext builds a context with variables of several dtypes and scopes.
func testContext(scale float32) *context.Context {
	ctx := context.New()
	ctx.In("model").In("dense").VariableWithValue("weights", [][]float32{{1 * scale, 2}, {3, 4 * scale}, {5, 6}})
	ctx.In("model").VariableWithValue("bias", []float64{0.5, -1.25 * float64(scale)}).SetTrainable(true)
	ctx.In("model").VariableWithValue("running_mean", []float32{7, 8}).SetTrainable(false)
	ctx.VariableWithValue("global_step", int64(42*scale)).SetTrainable(false)
	rng, _ := graph.RNGStateFromSeed(int64(scale * 100))
	ctx.InAbsPath(context.RootScope).VariableWithValue(context.RNGStateVariableName, rng).SetTrainable(false)
	ctx.In("metrics").In("ema_uuid_x").VariableWithValue("total", float32(3))
	return ctx
}

type cfg struct {
	K    int    `json:"k"`
	Name string `json:"name"`
}

func TestSaveReadRestoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m, err := Open(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	src := testContext(1)
	meta := map[string]any{"mean": []float64{1, 2}, "std": []float64{0.5, 0.25}, "fingerprint": "abc"}
	path, err := m.Save(src, State{Epoch: 2, Step: 42, Seed: 9, Extra: map[string]float64{"best": 1.5}}, cfg{3, "wst"}, meta)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(path) != "ckpt-000000000042.stkc" {
		t.Errorf("file name %s", path)
	}
	// No temporary file left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(entries))
	}
	c, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.State.Epoch != 2 || c.State.Step != 42 || c.State.Seed != 9 || c.State.Extra["best"] != 1.5 {
		t.Errorf("state %+v", c.State)
	}
	var gotMeta struct {
		Mean        []float64 `json:"mean"`
		Fingerprint string    `json:"fingerprint"`
	}
	if err := c.DecodeMetadata(&gotMeta); err != nil || gotMeta.Mean[1] != 2 || gotMeta.Fingerprint != "abc" {
		t.Errorf("metadata %+v %v", gotMeta, err)
	}
	var gotCfg cfg
	if err := c.DecodeConfig(&gotCfg); err != nil || gotCfg != (cfg{3, "wst"}) {
		t.Errorf("config %+v %v", gotCfg, err)
	}
	for _, name := range c.VariableNames() {
		if strings.HasPrefix(name, "/metrics") {
			t.Errorf("excluded metrics variable %s was saved", name)
		}
	}

	// Restore into a context that already holds some variables (different values) and lacks others.
	dst := context.New()
	dst.In("model").In("dense").VariableWithValue("weights", [][]float32{{0, 0}, {0, 0}, {0, 0}})
	if err := c.Restore(dst); err != nil {
		t.Fatal(err)
	}
	for v := range src.IterVariables() {
		if strings.HasPrefix(v.Scope(), "/metrics") {
			if dst.GetVariableByScopeAndName(v.Scope(), v.Name()) != nil {
				t.Errorf("metrics variable restored")
			}
			continue
		}
		w := dst.GetVariableByScopeAndName(v.Scope(), v.Name())
		if w == nil {
			t.Fatalf("variable %s not restored", v.ScopeAndName())
		}
		if w.Trainable != v.Trainable {
			t.Errorf("%s trainable %v, want %v", v.ScopeAndName(), w.Trainable, v.Trainable)
		}
		a, b := w.MustValue(), v.MustValue()
		if !a.Shape().Equal(b.Shape()) {
			t.Fatalf("%s shape %s vs %s", v.ScopeAndName(), a.Shape(), b.Shape())
		}
		var ba, bb []byte
		_ = a.ConstBytes(func(x []byte) { ba = append(ba, x...) })
		_ = b.ConstBytes(func(x []byte) { bb = append(bb, x...) })
		if string(ba) != string(bb) {
			t.Errorf("%s restored bytes differ", v.ScopeAndName())
		}
	}
	if got := tensors.MustCopyFlatData[int64](dst.GetVariableByScopeAndName("/", "global_step").MustValue())[0]; got != 42 {
		t.Errorf("global_step %d", got)
	}
	// A restore into a variable of another shape is refused.
	bad := context.New()
	bad.In("model").VariableWithValue("bias", []float64{1, 2, 3})
	if err := c.Restore(bad); err == nil || !strings.Contains(err.Error(), "shape") {
		t.Errorf("shape mismatch not reported: %v", err)
	}
}

func TestKeepLastN(t *testing.T) {
	dir := t.TempDir()
	m, _ := Open(dir, 2)
	ctx := testContext(1)
	for step := int64(1); step <= 5; step++ {
		if _, err := m.Save(ctx, State{Epoch: int(step), Step: step * 10}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	list, _ := m.List()
	if len(list) != 2 || filepath.Base(list[0]) != "ckpt-000000000040.stkc" || filepath.Base(list[1]) != "ckpt-000000000050.stkc" {
		t.Fatalf("kept %v", list)
	}
	// A stray temporary file (a crash mid-write) is ignored by List and Latest.
	if err := os.WriteFile(filepath.Join(dir, ".ckpt-000000000060.stkc.tmp123"), []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, skipped, err := m.Latest()
	if err != nil || len(skipped) != 0 || c.State.Step != 50 {
		t.Fatalf("Latest: %v %v %v", c, skipped, err)
	}
}

func TestCorruptFallsBackToPrevious(t *testing.T) {
	dir := t.TempDir()
	m, _ := Open(dir, 5)
	if _, err := m.Save(testContext(1), State{Epoch: 1, Step: 10}, cfg{K: 2}, nil); err != nil {
		t.Fatal(err)
	}
	p2, err := m.Save(testContext(2), State{Epoch: 2, Step: 20}, cfg{K: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p2)

	for _, tc := range []struct {
		name   string
		mutate func([]byte) []byte
		msg    string
	}{
		{"truncated", func(b []byte) []byte { return b[:len(b)/2] }, "truncated"},
		{"truncated-tail", func(b []byte) []byte { return b[:len(b)-5] }, "SHA-256 mismatch"},
		{"tiny", func(b []byte) []byte { return b[:10] }, "too short"},
		{"bitflip", func(b []byte) []byte {
			c := append([]byte(nil), b...)
			c[len(c)-40] ^= 1
			return c
		}, "SHA-256 mismatch"},
		{"badmagic", func(b []byte) []byte {
			c := append([]byte(nil), b...)
			c[0] = 'X'
			return c
		}, "bad magic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(p2, tc.mutate(data), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Read(p2)
			if err == nil || !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p2) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Read of a %s file: %v", tc.name, err)
			}
			dst := context.New()
			c, skipped, err := m.Resume(dst, cfg{K: 2})
			if err != nil {
				t.Fatalf("Resume did not fall back: %v", err)
			}
			if c.State.Step != 10 || len(skipped) != 1 || !errors.Is(skipped[0], ErrCorrupt) {
				t.Fatalf("fell back to step %d, skipped %v", c.State.Step, skipped)
			}
			if got := tensors.MustCopyFlatData[int64](dst.GetVariableByScopeAndName("/", "global_step").MustValue())[0]; got != 42 {
				t.Errorf("restored global_step %d, want the step-10 checkpoint's 42", got)
			}
		})
	}
	// With every checkpoint corrupt the error is clear.
	list, _ := m.List()
	for _, p := range list {
		_ = os.WriteFile(p, []byte("garbage"), 0o644)
	}
	if _, _, err := m.Latest(); err == nil || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("all-corrupt directory: %v", err)
	}
	empty, _ := Open(t.TempDir(), 1)
	if _, _, err := empty.Latest(); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("empty directory: %v", err)
	}
}

func TestResumeRefusesOtherConfig(t *testing.T) {
	m, _ := Open(t.TempDir(), 1)
	if _, err := m.Save(testContext(1), State{Step: 1}, map[string]any{"k": 3, "st": map[string]any{"J": 6, "L": 8}}, nil); err != nil {
		t.Fatal(err)
	}
	// Same content, other key order and struct vs map: accepted.
	type st struct {
		L int `json:"L"`
		J int `json:"J"`
	}
	ok := struct {
		ST st  `json:"st"`
		K  int `json:"k"`
	}{st{8, 6}, 3}
	if _, _, err := m.Resume(context.New(), ok); err != nil {
		t.Fatalf("equivalent config refused: %v", err)
	}
	_, _, err := m.Resume(context.New(), map[string]any{"k": 4, "st": map[string]any{"J": 6, "L": 8}})
	if !errors.Is(err, ErrConfigMismatch) || !strings.Contains(err.Error(), `"k": saved 3, requested 4`) {
		t.Fatalf("mismatch error: %v", err)
	}
}

// A save after falling back past corrupt newer checkpoints must survive the
// pruning: the corrupt files have higher steps, so pruning by step alone
// removed the checkpoint just written (and the good one resumed from) when
// they outnumbered keep (a run resumed with a smaller --keep), leaving only
// corrupt files while Save reported success.
func TestPruneKeepsCheckpointJustSaved(t *testing.T) {
	dir := t.TempDir()
	m, _ := Open(dir, 5)
	var paths []string
	for _, step := range []int64{100, 200, 300, 400} {
		p, err := m.Save(testContext(1), State{Step: step}, cfg{K: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, p := range paths[1:] {
		if err := os.WriteFile(p, []byte("garbage"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m, _ = Open(dir, 2)
	c, skipped, err := m.Resume(context.New(), cfg{K: 1})
	if err != nil || c.State.Step != 100 || len(skipped) != 3 {
		t.Fatalf("Resume: %v %v %v", c, skipped, err)
	}
	p, err := m.Save(testContext(1), State{Step: 150}, cfg{K: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the checkpoint just saved is gone: %v", err)
	}
	c, _, err = m.Latest()
	if err != nil || c.State.Step != 150 {
		t.Fatalf("Latest after the save: %v %v", c, err)
	}
	if list, _ := m.List(); len(list) != 2 {
		t.Errorf("kept %v, want 2 files", list)
	}
}
