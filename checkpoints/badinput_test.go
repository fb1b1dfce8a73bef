package checkpoints

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/testutil"
)

// craft writes a checkpoint file with the given variable records and payload
// and a valid SHA-256: only the header's own checks can refuse it.
func craft(t *testing.T, vars []varRecord, payload []byte) string {
	t.Helper()
	h := header{Format: FormatVersion, Created: "2026-01-01T00:00:00Z", Config: json.RawMessage(`{}`), Metadata: json.RawMessage(`{}`), Variables: vars}
	hdr, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	body := append(append(append([]byte(magic), n[:]...), hdr...), payload...)
	sum := sha256.Sum256(body)
	path := filepath.Join(t.TempDir(), "ckpt-000000000001.stkc")
	if err := os.WriteFile(path, append(body, sum[:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// A checkpoint whose SHA-256 is right but whose variable extents are not
// (negative or overflowing dimensions, a negative length, a dtype without an
// element size) is refused as corrupt instead of panicking when a tensor is
// sliced out of the payload.
func TestReadRefusesBadVariableExtents(t *testing.T) {
	payload := make([]byte, 64)
	cases := map[string]varRecord{
		"negative dim":       {Scope: "/m", Name: "w", DType: "Float32", Dims: []int{-2}, Offset: 8, Length: -8},
		"overflowing dims":   {Scope: "/m", Name: "w", DType: "Float64", Dims: []int{1 << 40, 1 << 40}, Offset: 0, Length: 0},
		"negative length":    {Scope: "/m", Name: "w", DType: "Float32", Dims: []int{0}, Offset: 0, Length: -4},
		"invalid dtype":      {Scope: "/m", Name: "w", DType: "InvalidDType", Dims: []int{4}, Offset: 0, Length: 0},
		"past the payload":   {Scope: "/m", Name: "w", DType: "Float32", Dims: []int{4}, Offset: 56, Length: 16},
		"huge offset":        {Scope: "/m", Name: "w", DType: "Float32", Dims: []int{1}, Offset: 1<<63 - 2, Length: 4},
		"unknown dtype name": {Scope: "/m", Name: "w", DType: "Float8", Dims: []int{1}, Offset: 0, Length: 1},
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			path := craft(t, []varRecord{r}, payload)
			c, err := Read(path)
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Read: checkpoint %v, error %v; want ErrCorrupt", c != nil, err)
			}
		})
	}
	// The same file with a sound record reads, and its tensor has the bytes.
	for i := range payload {
		payload[i] = byte(i)
	}
	c, err := Read(craft(t, []varRecord{{Scope: "/m", Name: "w", DType: "Float32", Dims: []int{2, 2}, Offset: 16, Length: 16}}, payload))
	if err != nil {
		t.Fatal(err)
	}
	tt := c.Tensor("/m", "w")
	if tt == nil {
		t.Fatal("no tensor /m/w")
	}
	var got []byte
	tt.ConstBytes(func(b []byte) { got = append(got, b...) })
	for i, b := range got {
		if b != byte(16+i) {
			t.Fatalf("tensor byte %d = %d, want %d", i, b, 16+i)
		}
	}
}

// A resume with a changed nested setting names it by its path, not by
// printing both whole sub-objects (the stkit train message carried the full
// VAE configuration twice).
func TestConfigMismatchNamesNestedKey(t *testing.T) {
	m, _ := Open(t.TempDir(), 1)
	saved := map[string]any{"vae": map[string]any{"k": 2, "z": 8, "h": 128}, "train": map[string]any{"lr": 0.01}, "seed": 1}
	if _, err := m.Save(testContext(1), State{Step: 1}, saved, nil); err != nil {
		t.Fatal(err)
	}
	_, _, err := m.Resume(testContext(1), map[string]any{"vae": map[string]any{"k": 3, "z": 8, "h": 128}, "train": map[string]any{"lr": 0.5, "clip": 20}, "seed": 1})
	if !errors.Is(err, ErrConfigMismatch) {
		t.Fatalf("error %v, want ErrConfigMismatch", err)
	}
	want := `("train.clip": saved absent, requested 20; "train.lr": saved 0.01, requested 0.5; "vae.k": saved 2, requested 3)`
	if !strings.HasSuffix(err.Error(), want) || strings.Contains(err.Error(), `"h"`) {
		t.Errorf("error\n%v\nwant it to end with\n%s", err, want)
	}
}

// Save refuses what it could not find again (a step outside the 12-digit
// file names), a nil context and non-finite loop state, writing nothing.
func TestSaveRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	m, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(1)
	for _, c := range []struct {
		name string
		ctx  *context.Context
		st   State
		want string
	}{
		{"negative step", ctx, State{Step: -1}, "step"},
		{"13-digit step", ctx, State{Step: 1_000_000_000_000}, "step"},
		{"nil context", nil, State{Step: 1}, "nil context"},
		{"NaN extra", ctx, State{Step: 2, Extra: map[string]float64{"best_val_loss": math.NaN()}}, "best_val_loss"},
		{"Inf extra", ctx, State{Step: 3, Extra: map[string]float64{"lr": math.Inf(1)}}, "lr"},
	} {
		testutil.Refused(t, c.name, func() error { _, err := m.Save(c.ctx, c.st, nil, nil); return err }, c.want)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("refused saves left %d files", len(ents))
	}
	var none *Manager
	testutil.Refused(t, "nil manager Save", func() error { _, err := none.Save(ctx, State{}, nil, nil); return err }, "nil")
	testutil.Refused(t, "nil manager List", func() error { _, err := none.List(); return err }, "nil")
	testutil.Refused(t, "nil manager Latest", func() error { _, _, err := none.Latest(); return err }, "nil")
	// The zero Manager (not made by Open) wrote ckpt-….stkc into the working directory, then
	// failed to list "" for pruning; it is refused, and nothing is written.
	t.Chdir(dir)
	zero := &Manager{}
	const wantOpen = "Manager without a directory (make it with checkpoints.Open)"
	testutil.Refused(t, "zero manager Save", func() error { _, err := zero.Save(ctx, State{Step: 4}, nil, nil); return err }, "Save", wantOpen)
	testutil.Refused(t, "zero manager List", func() error { _, err := zero.List(); return err }, "List", wantOpen)
	testutil.Refused(t, "zero manager Latest", func() error { _, _, err := zero.Latest(); return err }, "Latest", wantOpen)
	testutil.Refused(t, "zero manager Resume", func() error { _, _, err := zero.Resume(ctx, nil); return err }, "Latest", wantOpen)
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("the zero Manager's Save wrote %d files into the working directory", len(ents))
	}
	// The largest step that fits the names saves and is found again.
	p, err := m.Save(ctx, State{Step: 999_999_999_999}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c, _, err := m.Latest(); err != nil || c.Path != p {
		t.Fatalf("Latest after saving step 999999999999: %v %v", c, err)
	}
}

// Open refuses a path that is a file; Read refuses a folder, a missing file
// and a file of another format, each naming the path.
func TestOpenReadRefuseWrongPaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	if err := os.WriteFile(file, []byte("not a checkpoint, but long enough to hold a magic, a length and a hash of 32 bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	testutil.Refused(t, "Open on a file", func() error { _, err := Open(file, 1); return err }, "plain")
	testutil.Refused(t, "Open empty", func() error { _, err := Open("", 1); return err }, "empty")
	testutil.Refused(t, "Read a folder", func() error { _, err := Read(dir); return err }, dir)
	testutil.Refused(t, "Read missing", func() error { _, err := Read(filepath.Join(dir, "nope.stkc")); return err }, "nope.stkc")
	err := testutil.Refused(t, "Read another format", func() error { _, err := Read(file); return err }, "magic")
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("another format: %v, want ErrCorrupt", err)
	}
}

// Restore checks every saved variable against the context before it writes
// any: a checkpoint that does not fit leaves the context as it was.
func TestRestoreMismatchChangesNothing(t *testing.T) {
	m, _ := Open(t.TempDir(), 1)
	saved := context.New()
	saved.In("model").VariableWithValue("a", []float32{10, 20})
	saved.In("model").VariableWithValue("b", []float32{1, 2, 3})
	if _, err := m.Save(saved, State{Step: 1}, nil, nil); err != nil {
		t.Fatal(err)
	}
	c, _, err := m.Latest()
	if err != nil {
		t.Fatal(err)
	}
	target := context.New()
	a := target.In("model").VariableWithValue("a", []float32{-1, -2})
	target.In("model").VariableWithValue("b", []float32{0, 0}) // another shape
	testutil.Refused(t, "Restore with a shape mismatch", func() error { return c.Restore(target) }, "/model/b", "shape")
	if got := a.MustValue().Value().([]float32); got[0] != -1 || got[1] != -2 {
		t.Errorf("refused Restore changed /model/a to %v", got)
	}
	if v := target.GetVariableByScopeAndName("/model", "c"); v != nil {
		t.Errorf("refused Restore created %s", v.ScopeAndName())
	}
	testutil.Refused(t, "Restore nil context", func() error { return c.Restore(nil) }, "nil context")
	testutil.Refused(t, "Resume nil context", func() error { _, _, err := m.Resume(nil, nil); return err }, "nil context")
	var none *Checkpoint
	testutil.Refused(t, "Restore nil checkpoint", func() error { return none.Restore(target) }, "nil checkpoint")
}
