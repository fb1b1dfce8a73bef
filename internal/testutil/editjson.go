package testutil

import (
	"encoding/json"
	"os"
	"testing"
)

// EditJSON rewrites the JSON object in file p with f (indented, mode 0644):
// tests use it to make an older or damaged manifest from a fresh one.
func EditJSON(t testing.TB, p string, f func(m map[string]any)) {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	if b, err = json.MarshalIndent(m, "", "  "); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
