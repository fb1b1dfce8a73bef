package main

import (
	"bytes"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// stdoutfmt20Stream runs args with -o a descriptor appending to a log
// holding "before\n" and --format format, and returns the maps written
// after the log's own bytes.
func stdoutfmt20Stream(t *testing.T, dir, format string, args ...string) []float64 {
	t.Helper()
	f, ino := openAppendFD(t, dir, "log."+format, "before\n")
	fd := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	code, _, errs := runCLI(t, append(args, "-o", fd, "--format", format)...)
	b := readSameInode(t, f, ino)
	if code != 0 {
		t.Fatalf("%s -o %s --format %s: exit %d\n%s", args[0], fd, format, code, tail(errs, 600))
	}
	if !bytes.HasPrefix(b, []byte("before\n")) {
		t.Fatalf("%s --format %s: the log's own bytes were not kept", args[0], format)
	}
	return stdoutfmt20Decode(t, dir, "got-"+args[0]+"."+format, b[7:])
}

// sample and separate (with samples) -o /dev/stdout were refused
// ('unknown file type ""'), as synth's was before b843d95: now --format
// npy|npz|fits writes through the descriptor (a `>> log` gets the file
// run's maps after its own bytes); without --format such a name is refused
// naming --format.
func TestStdoutfmt20SampleSeparate(t *testing.T) {
	models := filepath.Join(modelsFixture(t), "models")
	dir := t.TempDir()
	sargs := []string{"sample", models, "--component", "0", "-n", "2", "--steps", "2", "--seed", "4"}
	file := filepath.Join(dir, "s.npy")
	if code, _, errs := runCLI(t, append(sargs, "-o", file)...); code != 0 {
		t.Fatalf("sample file run: exit %d\n%s", code, tail(errs, 600))
	}
	ref, err := datasets.ReadMaps(file)
	if err != nil || ref.B != 2 {
		t.Fatalf("%v %+v", err, ref)
	}
	if got := stdoutfmt20Stream(t, dir, "npy", sargs...); !slices.Equal(got, ref.Data) {
		t.Errorf("sample: the maps in the stream differ from the file run's")
	}

	sd := sepout20Fixture(t)
	pargs := []string{"separate", filepath.Join(sd, "d.npy"), "--noise", filepath.Join(sd, "n.npy"), "--steps", "2,1,1"}
	sep := filepath.Join(dir, "sep.npy")
	if code, _, errs := runCLI(t, append(pargs, "-o", sep)...); code != 0 {
		t.Fatalf("separate file run: exit %d\n%s", code, tail(errs, 600))
	}
	sref, err := datasets.ReadMaps(sep)
	if err != nil || sref.B != 2 {
		t.Fatalf("%v %+v", err, sref)
	}
	if got := stdoutfmt20Stream(t, dir, "fits", pargs...); !slices.Equal(got, sref.Data) {
		t.Errorf("separate: the maps in the stream differ from the file run's")
	}

	for _, args := range [][]string{sargs, pargs} {
		code, out, errs := runCLI(t, append(slices.Clone(args), "-o", "/dev/stdout")...)
		if want := "-o /dev/stdout: cannot tell the output format from the name: give --format npy, npz or fits"; code != 2 || !strings.Contains(errs, want) || out != "" {
			t.Errorf("%s -o /dev/stdout: exit %d, want 2 and %q in\n%s", args[0], code, want, tail(errs, 600))
		}
		_, out, errs = runCLI(t, args[0], "--help")
		if !strings.Contains(out+errs, "-format") || !strings.Contains(out+errs, "/dev/stdout") {
			t.Errorf("%s --help does not give --format for /dev/stdout", args[0])
		}
	}
}
