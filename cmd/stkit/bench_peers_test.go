package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/bench"
)

// stubBenchRows makes every bench row return fixed timings without running.
func stubBenchRows(t *testing.T) {
	saved := benchExec
	t.Cleanup(func() { benchExec = saved })
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		return json.Marshal(bench.Row{Family: "wph", Config: "x", Engine: "cpu", Batch: 1, Forward: 0.05, ForwardBack: 0.1, PeakMiB: 1})
	}
}

// TestBenchPeerTimingsNote: without timings.json (a user's machine has no
// ../shared), with a damaged one, or at a --size the peers were not timed at,
// bench still exits 0 and says, under the table, why the peer and ratio
// columns are empty and what to do; it said nothing (the legend's "— where no
// peer timing matches" suggested the rows had no peer). With the file, the
// ratios are peer-relative as the legend says (ours/peer: 0.05/1.803).
func TestBenchPeerTimingsNote(t *testing.T) {
	stubBenchRows(t)
	sh, err := filepath.Abs(sharedDir(t))
	if err != nil {
		t.Fatal(err)
	}

	// no shared folder anywhere above the working directory, $STKIT_SHARED unset
	t.Setenv("STKIT_SHARED", "")
	os.Unsetenv("STKIT_SHARED")
	wd := t.TempDir()
	t.Chdir(wd)
	code, out, errs := runCLI(t, "bench", "--only", "wph")
	if code != 0 || !strings.Contains(out, "peer timings: no shared/reference/timings.json found (no shared/ folder beside or above "+wd+" and $STKIT_SHARED is unset): the peer and ratio columns are empty; run stkit bench from the stkit checkout, whose ../shared/reference holds it, or set $STKIT_SHARED to that shared folder") {
		t.Errorf("no shared: exit %d, stdout\n%s\nstderr\n%s", code, out, errs)
	}

	// $STKIT_SHARED names a folder without the file
	empty := t.TempDir()
	t.Setenv("STKIT_SHARED", empty)
	code, out, _ = runCLI(t, "bench", "--only", "wph")
	want := "peer timings: cannot read " + filepath.Join(empty, "reference", "timings.json") + " ("
	if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "the peer and ratio columns are empty") {
		t.Errorf("missing file: exit %d, stdout\n%s\nwant %q", code, out, want)
	}

	// a damaged file
	os.MkdirAll(filepath.Join(empty, "reference"), 0o755)
	os.WriteFile(filepath.Join(empty, "reference", "timings.json"), []byte("{not json"), 0o644)
	code, out, _ = runCLI(t, "bench", "--only", "wph")
	if code != 0 || !strings.Contains(out, "peer timings: cannot read "+filepath.Join(empty, "reference", "timings.json")) {
		t.Errorf("damaged file: exit %d, stdout\n%s", code, out)
	}

	// the real file: ratios, and at another --size a note instead
	t.Setenv("STKIT_SHARED", sh)
	code, out, _ = runCLI(t, "bench", "--only", "wph")
	if code != 0 || !strings.Contains(out, "PyWPH") || !strings.Contains(out, "0.03") || strings.Contains(out, "peer timings:") {
		t.Errorf("with timings.json: exit %d, stdout\n%s", code, out)
	}
	code, out, _ = runCLI(t, "bench", "--only", "wph", "--size", "128")
	if code != 0 || !strings.Contains(out, "peer timings: the peers were timed on 256×256 maps; with --size 128 the peer and ratio columns are empty") {
		t.Errorf("--size 128: exit %d, stdout\n%s", code, out)
	}
}

// TestBenchHelpDocuments: bench --help says what the ratio is (ours/peer,
// per map, < 1 faster), the units of the columns, how to choose the engine
// and the --json fields with their units (Forward is per call on the whole
// batch, PeerForward per map): it gave none of the JSON fields or units.
func TestBenchHelpDocuments(t *testing.T) {
	_, errs, _ := runCLI(t, "bench", "--help") // help is on stdout
	help := strings.Join(strings.Fields(errs), " ")
	for _, want := range []string{
		"ratio = our seconds per map (s ÷ B) ÷ the peer's seconds per map: < 1 is faster than the peer",
		"median seconds of one call on the whole batch of B maps",
		"stkit --engine graph bench",
		"Family, Config, Engine, Batch, Forward and ForwardBack",
		"PeerName, PeerForward and PeerFB (the peer's seconds per map; ratio = Forward / Batch / PeerForward)",
		"synth a 10-iteration synthesis",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("bench --help lacks %q:\n%s", want, errs)
		}
	}
}
