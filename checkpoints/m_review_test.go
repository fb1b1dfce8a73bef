package checkpoints

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Save's config and metadata: json.RawMessage and []byte are JSON text, stored canonically (sorted
// keys, no spaces); text that is not exactly one JSON value (trailing data, invalid bytes) is
// refused with nothing written, as CheckConfig refuses such a want.
func TestSaveJSONTextArguments(t *testing.T) {
	dir := t.TempDir()
	m, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testContext(1)
	p, err := m.Save(ctx, State{Step: 1}, json.RawMessage(`{"b": 1, "a": [2, 3]}`), []byte(` {"z":"x","y":null} `))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.Config) != `{"a":[2,3],"b":1}` || string(c.Metadata) != `{"y":null,"z":"x"}` {
		t.Errorf("config %s, metadata %s; want the canonical forms", c.Config, c.Metadata)
	}
	for _, bad := range []any{json.RawMessage(`{"a":1} {"b":2}`), json.RawMessage(`{"a":1}x`), []byte{0xff, 0xfe}, json.RawMessage(``)} {
		if _, err := m.Save(ctx, State{Step: 2}, bad, nil); err == nil || !strings.Contains(err.Error(), "config") {
			t.Errorf("config %q: error %v, want a refusal naming the config", bad, err)
		}
		if _, err := m.Save(ctx, State{Step: 2}, nil, bad); err == nil || !strings.Contains(err.Error(), "metadata") {
			t.Errorf("metadata %q: error %v, want a refusal naming the metadata", bad, err)
		}
		if err := c.CheckConfig(bad); err == nil || errors.Is(err, ErrConfigMismatch) {
			t.Errorf("CheckConfig(%q): %v, want an encoding error", bad, err)
		}
	}
	if list, _ := m.List(); len(list) != 1 {
		t.Errorf("refused saves wrote files: %v", list)
	}
	// Trailing spaces are no second value.
	if err := c.CheckConfig(json.RawMessage("{\"b\":1,\"a\":[2,3]}\n\t ")); err != nil {
		t.Errorf("CheckConfig with trailing white space: %v", err)
	}
}

// ErrNoCheckpoint is wrapped by the errors of Latest and Resume on a folder without checkpoints
// (the error also names the folder).
func TestNoCheckpointWrapped(t *testing.T) {
	dir := t.TempDir()
	m, err := Open(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir+"/notes.txt", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err1 := m.Latest()
	_, _, err2 := m.Resume(testContext(1), nil)
	for i, err := range []error{err1, err2} {
		if !errors.Is(err, ErrNoCheckpoint) || !strings.Contains(err.Error(), dir) {
			t.Errorf("call %d: %v, want an error wrapping ErrNoCheckpoint naming %s", i, err, dir)
		}
	}
}

// The documented file layout, read without this package: magic "STKCKPT1", header length (uint64
// LE), header JSON (format, created, state, config, metadata, variables with scope, name, dtype,
// dims, trainable, offset and length into the payload), the payload of little-endian values, and
// the SHA-256 of everything before it; the file is named ckpt-<step, 12 digits>.stkc.
func TestFileLayoutIndependentReader(t *testing.T) {
	m, err := Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Save(testContext(1), State{Epoch: 3, Step: 42, Seed: 7, Extra: map[string]float64{"best": 0.5}}, map[string]int{"k": 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "ckpt-000000000042.stkc" {
		t.Errorf("file name %s", filepath.Base(p))
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if string(b[:8]) != "STKCKPT1" {
		t.Fatalf("magic %q", b[:8])
	}
	n := binary.LittleEndian.Uint64(b[8:16])
	body := b[:len(b)-32]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(b)-32:]) {
		t.Error("trailing 32 bytes are not the SHA-256 of the rest")
	}
	var h struct {
		Format    int             `json:"format"`
		Created   string          `json:"created"`
		State     State           `json:"state"`
		Config    json.RawMessage `json:"config"`
		Metadata  json.RawMessage `json:"metadata"`
		Variables []struct {
			Scope, Name, DType string
			Dims               []int
			Trainable          bool
			Offset, Length     int64
		} `json:"variables"`
	}
	if err := json.Unmarshal(body[16:16+n], &h); err != nil {
		t.Fatal(err)
	}
	if _, err := time.Parse(time.RFC3339Nano, h.Created); err != nil || h.Format != 1 || h.State.Epoch != 3 || h.State.Step != 42 ||
		h.State.Seed != 7 || h.State.Extra["best"] != 0.5 || string(h.Config) != `{"k":2}` || string(h.Metadata) != "null" {
		t.Errorf("header %+v (created: %v)", h, err)
	}
	payload := body[16+n:]
	found := 0
	end := int64(0)
	for _, v := range h.Variables {
		end = max(end, v.Offset+v.Length)
		if strings.HasPrefix(v.Scope, "/metrics") {
			t.Errorf("excluded variable %s/%s saved", v.Scope, v.Name)
		}
		if v.Scope == "/model/dense" && v.Name == "weights" {
			found++
			if v.DType != "Float32" || len(v.Dims) != 2 || v.Dims[0] != 3 || v.Dims[1] != 2 || v.Length != 24 {
				t.Errorf("weights record %+v", v)
			}
			for i, want := range []float32{1, 2, 3, 4, 5, 6} {
				if got := math.Float32frombits(binary.LittleEndian.Uint32(payload[v.Offset+4*int64(i):])); got != want {
					t.Errorf("weights[%d] = %g, want %g", i, got, want)
				}
			}
		}
		if v.Scope == "/model" && v.Name == "bias" {
			found++
			if got := math.Float64frombits(binary.LittleEndian.Uint64(payload[v.Offset+8:])); v.DType != "Float64" || !v.Trainable || got != -1.25 {
				t.Errorf("bias record %+v, bias[1] = %g", v, got)
			}
		}
	}
	if found != 2 || end != int64(len(payload)) {
		t.Errorf("found %d of the 2 probed variables; variables end at %d of a %d-byte payload", found, end, len(payload))
	}
}
