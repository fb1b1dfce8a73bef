package datasets

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
)

// Reading an .npz archive of several arrays without naming one reads the
// first and says so (a warning naming every member and the FILE.npz:NAME
// form); naming one, or an archive of one array, says nothing.
func TestNPZFirstMemberWarning(t *testing.T) {
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn})))
	defer slog.SetDefault(old)
	dir := t.TempDir()
	mk := func(v float64) *Array {
		return &Array{Shape: []int{2, 2}, DType: "float64", Float64: []float64{v, v, v, v}}
	}
	multi := filepath.Join(dir, "multi.npz")
	if err := WriteNPZ(multi, []NamedArray{{"I", mk(1)}, {"Q", mk(2)}, {"U", mk(3)}}, false); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one.npz")
	if err := WriteNPZ(one, []NamedArray{{"I", mk(1)}}, false); err != nil {
		t.Fatal(err)
	}
	a, err := Read(multi)
	if err != nil || a.Float64[0] != 1 {
		t.Fatalf("first member: %v, %v", a, err)
	}
	msg := buf.String()
	for _, want := range []string{"multi.npz has 3 arrays", "I, Q, U", `\"I\"`, "FILE.npz:NAME"} {
		if !strings.Contains(msg, want) {
			t.Errorf("warning %q lacks %q", msg, want)
		}
	}
	buf.Reset()
	if a, err := Read(multi + ":Q"); err != nil || a.Float64[0] != 2 {
		t.Fatalf("member Q: %v, %v", a, err)
	}
	if _, err := Read(one); err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 0 {
		t.Errorf("unexpected warning: %s", buf.String())
	}
}
