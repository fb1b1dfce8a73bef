package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// clusters -o /dev/stdout was refused ("not a regular file": its summary
// and figures are named after -o). Now --format csv writes the table
// through the descriptor (a `>> log` keeps its bytes and gets the file
// run's CSV after them), the summary goes to clusters_summary.json in the
// working folder, and with the table on standard output the printed
// tables go to stderr, so that stdout holds the CSV alone. A stream
// without --format is refused naming --format csv.
func TestStdoutfmt20Clusters(t *testing.T) {
	fix := modelsFixture(t)
	run, ds := filepath.Join(fix, "run"), filepath.Join(fix, "ds")
	tmp := t.TempDir()
	t.Chdir(tmp)
	file := filepath.Join(tmp, "a.csv")
	code, fileOut, errs := runCLI(t, "clusters", run, ds, "-o", file, "--no-plots")
	if code != 0 {
		t.Fatalf("file run: exit %d\n%s", code, tail(errs, 600))
	}
	ref, err := os.ReadFile(file)
	if err != nil || !bytes.HasPrefix(ref, []byte("id,source,map,row,col,rot,flip,cluster,confidence,p_0,p_1\n")) {
		t.Fatalf("a.csv: %v %q", err, ref[:min(len(ref), 80)])
	}
	refSum, _ := os.ReadFile(filepath.Join(tmp, "a_summary.json"))

	f, ino := openAppendFD(t, tmp, "log", "before\n")
	fd := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	code, out, errs := runCLI(t, "clusters", run, ds, "-o", fd, "--format", "csv", "--no-plots")
	b := readSameInode(t, f, ino)
	if code != 0 {
		t.Fatalf("-o %s --format csv: exit %d\n%s", fd, code, tail(errs, 600))
	}
	if want := append([]byte("before\n"), ref...); !bytes.Equal(b, want) {
		t.Errorf("the log holds %d bytes, want before\\n and the file run's %d bytes of CSV", len(b), len(ref))
	}
	// the summary beside the working folder's stem, equal but the command line
	sum, err := os.ReadFile(filepath.Join(tmp, "clusters_summary.json"))
	var a, c map[string]any
	if err != nil || json.Unmarshal(sum, &c) != nil || json.Unmarshal(refSum, &a) != nil {
		t.Fatalf("clusters_summary.json: %v", err)
	}
	for _, k := range []string{"k", "n", "counts", "mean_confidence", "accuracy", "confusion"} {
		if ja, _ := json.Marshal(a[k]); string(ja) != func() string { jc, _ := json.Marshal(c[k]); return string(jc) }() || a[k] == nil {
			t.Errorf("clusters_summary.json %s = %v, the file run's %v", k, c[k], a[k])
		}
	}
	// a descriptor other than stdout: the tables stay on stdout
	if !strings.Contains(out, "best-match accuracy") || !strings.Contains(out, "wrote "+fd+" (and clusters_summary.json)") {
		t.Errorf("stdout:\n%s", tail(out, 600))
	}

	// the process's own /dev/stdout: the CSV alone there, the tables on stderr
	argsJSON, _ := json.Marshal([]string{"clusters", run, ds, "-o", "/dev/stdout", "--format", "csv", "--no-plots"})
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "STKIT_HELPER_PROCESS=1", "STKIT_HELPER_ARGS="+string(argsJSON))
	cmd.Dir = tmp
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("/dev/stdout: %v\n%s", err, tail(stderr.String(), 600))
	}
	if !bytes.Equal(stdout.Bytes(), ref) {
		t.Errorf("/dev/stdout: %d bytes on stdout, want the file run's %d bytes of CSV alone\n%s", stdout.Len(), len(ref), tail(stdout.String(), 300))
	}
	table := fileOut[:strings.Index(fileOut, "wrote ")]
	if !strings.Contains(stderr.String(), table) {
		t.Errorf("/dev/stdout: stderr lacks the file run's tables\n%s", tail(stderr.String(), 600))
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-o", "/dev/stdout"}, "-o /dev/stdout: cannot tell the output format from the name: give --format csv"},
		{[]string{"-o", "-"}, "give /dev/stdout for standard output"},
		{[]string{"-o", "/dev/stdout", "--format", "npy"}, "unknown format \"npy\" (clusters writes a CSV table: --format csv)"},
		{[]string{"-o", filepath.Join(tmp, "x.npy"), "--format", "csv"}, "the assignments are a CSV table: give a file name ending in .csv"},
	} {
		code, out, errs := runCLI(t, append([]string{"clusters", run, ds, "--no-plots"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || out != "" {
			t.Errorf("%v: exit %d, want 2 and %q in\n%s", c.args, code, c.want, tail(errs, 600))
		}
	}
	_, out, errs = runCLI(t, "clusters", "--help")
	if !strings.Contains(out+errs, "-o /dev/stdout (/dev/fd/N, a named pipe) needs --format csv") {
		t.Errorf("clusters --help does not say how to write to standard output")
	}
}
