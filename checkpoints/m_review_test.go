package checkpoints

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
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
