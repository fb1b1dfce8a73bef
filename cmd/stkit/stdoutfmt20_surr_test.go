package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// stdoutfmt20Decode writes b to dir/NAME and reads its maps back.
func stdoutfmt20Decode(t *testing.T, dir, name string, b []byte) []float64 {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := datasets.ReadMaps(p)
	if err != nil {
		t.Fatalf("%s (%d bytes): %v", name, len(b), err)
	}
	return m.Data
}

// surrogate -o /dev/stdout was refused ('unknown file type ""', exit 2):
// now --format npy|npz|fits writes the surrogates through the descriptor,
// appending to a `>> log` (the bytes after the log's own are the maps of a
// file run), and -o A,B --joint may name a stream; without --format such a
// name is refused naming --format.
func TestStdoutfmt20Surrogate(t *testing.T) {
	dir := t.TempDir()
	q := writeSmallMap(t, dir, "q.npy")
	u := filepath.Join(dir, "u.npy")
	{
		x, _ := datasets.ReadMaps(q)
		for i := range x.Data {
			x.Data[i] = x.Data[i]*x.Data[i] - 1
		}
		if err := datasets.WriteMaps(u, x); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"surrogate", q, "-n", "3", "--seed", "5"}
	file := filepath.Join(dir, "f.npy")
	if code, _, errs := runCLI(t, append(args, "-o", file)...); code != 0 {
		t.Fatalf("file run: exit %d\n%s", code, errs)
	}
	ref, err := datasets.ReadMaps(file)
	if err != nil || ref.B != 3 {
		t.Fatalf("%v %+v", err, ref)
	}
	for _, format := range []string{"npy", "npz", "fits"} {
		f, ino := openAppendFD(t, dir, "log."+format, "before\n")
		fd := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
		code, _, errs := runCLI(t, append(args, "-o", fd, "--format", format)...)
		b := readSameInode(t, f, ino)
		if code != 0 {
			t.Fatalf("--format %s: exit %d\n%s", format, code, tail(errs, 600))
		}
		if !bytes.HasPrefix(b, []byte("before\n")) {
			t.Fatalf("--format %s: the log's own bytes were not kept: %q", format, b[:min(len(b), 16)])
		}
		if got := stdoutfmt20Decode(t, dir, "got."+format, b[7:]); !slices.Equal(got, ref.Data) {
			t.Errorf("--format %s: the maps in the stream differ from the file run's", format)
		}
	}
	// the real /dev/stdout of a process: only the maps on stdout
	argsJSON, _ := json.Marshal(append(args, "-o", "/dev/stdout", "--format", "npy"))
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "STKIT_HELPER_PROCESS=1", "STKIT_HELPER_ARGS="+string(argsJSON))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("/dev/stdout: %v\n%s", err, tail(stderr.String(), 600))
	}
	if fb, _ := os.ReadFile(file); !bytes.Equal(stdout.Bytes(), fb) {
		t.Errorf("/dev/stdout: %d bytes, want the file run's %d bytes", stdout.Len(), len(fb))
	}

	// --joint -o Q,STREAM: the file and the stream hold the file run's maps
	jargs := []string{"surrogate", q, u, "--joint", "--seed", "2"}
	qf, uf := filepath.Join(dir, "qs.npy"), filepath.Join(dir, "us.npy")
	if code, _, errs := runCLI(t, append(jargs, "-o", qf+","+uf)...); code != 0 {
		t.Fatalf("joint file run: exit %d\n%s", code, errs)
	}
	qRef, _ := datasets.ReadMaps(qf)
	uRef, _ := datasets.ReadMaps(uf)
	q2 := filepath.Join(dir, "qs2.npy")
	f, ino := openAppendFD(t, dir, "ulog", "")
	fd := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	code, _, errs := runCLI(t, append(jargs, "-o", q2+","+fd, "--format", "npy")...)
	b := readSameInode(t, f, ino)
	if code != 0 {
		t.Fatalf("joint -o Q,STREAM: exit %d\n%s", code, tail(errs, 600))
	}
	if got, err := datasets.ReadMaps(q2); err != nil || !slices.Equal(got.Data, qRef.Data) {
		t.Errorf("joint: %s differs from the file run's Q (%v)", q2, err)
	}
	if got := stdoutfmt20Decode(t, dir, "u2.npy", b); !slices.Equal(got, uRef.Data) {
		t.Errorf("joint: the stream differs from the file run's U")
	}
	// a failing stream: the regular file is not written, a note says what
	// the stream keeps
	if _, err := os.Stat("/dev/full"); err == nil {
		q3 := filepath.Join(dir, "qs3.npy")
		code, _, errs := runCLI(t, append(jargs, "-o", q3+",/dev/full", "--format", "npy")...)
		if _, err := os.Stat(q3); code != 1 || err == nil || !strings.Contains(errs, "surrogate: note: -o /dev/full is a stream: what was written to it before the failure stays there") {
			t.Errorf("-o Q,/dev/full: exit %d (want 1), %s written: %v\n%s", code, q3, err == nil, tail(errs, 600))
		}
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{append(slices.Clone(args), "-o", "/dev/stdout"), "-o /dev/stdout: cannot tell the output format from the name: give --format npy, npz or fits"},
		{append(slices.Clone(jargs), "-o", q2+",/dev/stdout"), "-o /dev/stdout: cannot tell the output format from the name: give --format"},
		{append(slices.Clone(args), "-o", "-"), "give -o /dev/stdout --format npy"},
		{append(slices.Clone(args), "-o", filepath.Join(dir, "x.fits"), "--format", "npy"), "the name says fits, the format asked for is npy"},
		{append(slices.Clone(args), "-o", "/dev/stdout", "--format", "csv"), "unknown format \"csv\" (want npy, npz or fits)"},
	} {
		code, out, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%v: exit %d, want 2 and %q in\n%s", c.args[len(c.args)-2:], code, c.want, tail(errs, 600))
		}
	}
	// the help says how
	_, out, errs := runCLI(t, "surrogate", "--help")
	for _, w := range []string{"-format", "needs --format npy, npz or fits", "cannot be taken back"} {
		if !strings.Contains(out+errs, w) {
			t.Errorf("surrogate --help lacks %q", w)
		}
	}
}
