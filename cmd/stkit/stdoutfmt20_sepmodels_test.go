package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// separate --models -o /dev/stdout was refused ('unknown file type ""'):
// now --format writes the components through the descriptor (the bytes
// after a log's own decode to the file run's maps), and without --format
// the name is refused naming --format.
func TestStdoutfmt20SeparateModels(t *testing.T) {
	fix := modelsFixture(t)
	dir := t.TempDir()
	args := []string{"separate", filepath.Join(fix, "mix.npy"), "--models", filepath.Join(fix, "models"), "--components", "0,1", "--tau", "-1", "--steps", "0,2"}
	file := filepath.Join(dir, "s.npy")
	if code, _, errs := runCLI(t, append(args, "-o", file)...); code != 0 {
		t.Fatalf("file run: exit %d\n%s", code, tail(errs, 600))
	}
	ref, err := datasets.ReadMaps(file)
	if err != nil || ref.B != 2 {
		t.Fatalf("%v %+v", err, ref)
	}
	if got := stdoutfmt20Stream(t, dir, "npy", args...); !slices.Equal(got, ref.Data) {
		t.Errorf("the components in the stream differ from the file run's")
	}
	code, out, errs := runCLI(t, append(args, "-o", "/dev/stdout")...)
	if want := "-o /dev/stdout: cannot tell the output format from the name: give --format npy, npz or fits"; code != 2 || !strings.Contains(errs, want) || out != "" {
		t.Errorf("-o /dev/stdout: exit %d, want 2 and %q in\n%s", code, want, tail(errs, 600))
	}
}
