package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// clusters -o /dev/stdout --format csv prints its tables on stderr (stdout
// holds the CSV alone); -q dropped them there, as information lines, so
// `stkit -q clusters RUN DS -o /dev/stdout --format csv > a.csv` printed
// nothing of the result asked for (the accuracy, the confusion table),
// which -q leaves alone on stdout with a file -o. They now stay on stderr
// under -q; stdout still holds the CSV alone.
func TestFixbad21ClustersQuietStdout(t *testing.T) {
	fix := modelsFixture(t)
	run, ds := filepath.Join(fix, "run"), filepath.Join(fix, "ds")
	tmp := t.TempDir()
	argsJSON, _ := json.Marshal([]string{"-q", "clusters", run, ds, "-o", "/dev/stdout", "--format", "csv", "--no-plots"})
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), "STKIT_HELPER_PROCESS=1", "STKIT_HELPER_ARGS="+string(argsJSON))
	cmd.Dir = tmp
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("-q -o /dev/stdout: %v\n%s", err, tail(stderr.String(), 600))
	}
	if !strings.HasPrefix(stdout.String(), "id,source,map,row,col,rot,flip,cluster,confidence,") || strings.Contains(stdout.String(), "best-match") {
		t.Errorf("stdout is not the CSV alone:\n%s", tail(stdout.String(), 300))
	}
	for _, want := range []string{"cluster  patches  fraction  mean confidence", "confusion (rows: source label", "best-match accuracy", "wrote /dev/stdout"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("-q: stderr lacks %q:\n%s", want, tail(stderr.String(), 600))
		}
	}
}
