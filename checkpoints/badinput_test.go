package checkpoints

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
