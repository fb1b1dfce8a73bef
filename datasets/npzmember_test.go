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

// SetNotify hands the several-arrays notice to the caller instead of slog (the
// CLI printed it as a raw "time=… level=WARN msg=…" log line), returns the
// handler it replaces, and SetNotify(nil) restores slog.
func TestNPZNoticeThroughSetNotify(t *testing.T) {
	var logged bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelWarn})))
	defer slog.SetDefault(old)
	multi := filepath.Join(t.TempDir(), "iqu.npz")
	mk := func(v float64) *Array { return &Array{Shape: []int{1, 2}, DType: "float64", Float64: []float64{v, v}} }
	if err := WriteNPZ(multi, []NamedArray{{"I", mk(1)}, {"Q", mk(2)}}, false); err != nil {
		t.Fatal(err)
	}
	var got []string
	if prev := SetNotify(func(msg string) { got = append(got, msg) }); prev != nil {
		t.Errorf("SetNotify returned a previous handler by default")
	}
	if _, err := ReadMaps(multi); err != nil {
		t.Fatal(err)
	}
	want := multi + ` has 2 arrays (I, Q): reading the first, "I"; choose one with FILE.npz:NAME`
	if len(got) != 1 || got[0] != want {
		t.Errorf("notices %q, want [%q]", got, want)
	}
	if logged.Len() != 0 {
		t.Errorf("with a handler set, slog got %q", logged.String())
	}
	if prev := SetNotify(nil); prev == nil {
		t.Error("SetNotify(nil) did not return the handler it replaced")
	}
	if _, err := Read(multi); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !strings.Contains(logged.String(), "level=WARN") || !strings.Contains(logged.String(), "iqu.npz has 2 arrays") {
		t.Errorf("after SetNotify(nil): handler got %d notices, slog %q", len(got), logged.String())
	}
}
