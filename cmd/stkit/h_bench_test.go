package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/bench"
)

// TestBenchBadInputBeforeRows: bench --json naming a file of the shared
// reference folder it reads (timings.json, dust256.npy) replaced it with the
// rows; a batch whose maps alone exceed the available memory crashed the row
// process with the Go runtime's out-of-memory dump (exit 1); the internal
// --row with batch 0 or "x" failed with "reference batch holds no maps"
// (exit 1); `stkit --engine foo bench` blamed "--engines", a flag not
// given. Each is now exit 2 before any row runs, the files unchanged. The
// shared folder here is a temporary copy ($STKIT_SHARED).
func TestBenchBadInputBeforeRows(t *testing.T) {
	src := filepath.Join(sharedDir(t), "reference")
	sh := t.TempDir()
	ref := filepath.Join(sh, "reference")
	if err := os.Mkdir(ref, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"timings.json", "dust256.npy"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ref, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("STKIT_SHARED", sh)
	rows := 0
	saved := benchExec
	t.Cleanup(func() { benchExec = saved })
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		rows++
		return json.Marshal(bench.Row{Family: "wph", Config: "x", Engine: "cpu", Batch: 1, Forward: 0.05, ForwardBack: 0.1, PeakMiB: 1})
	}

	for _, f := range []string{"timings.json", "dust256.npy"} {
		p := filepath.Join(ref, f)
		before, _ := os.ReadFile(p)
		code, _, errs := runCLI(t, "bench", "--only", "wph", "--json", p)
		if code != 2 || !strings.Contains(errs, "--json "+p+" is the input "+p+": writing it would replace the input") {
			t.Errorf("--json %s: exit %d (want 2)\n%s", f, code, tail(errs, 600))
		}
		if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
			t.Errorf("--json %s: the shared file was replaced", f)
		}
	}

	// 8 B × 10000 maps × 256² = 4.9 GiB of maps, 1 GiB available.
	t.Setenv("STKIT_MEM_AVAILABLE", "1073741824")
	code, _, errs := runCLI(t, "bench", "--only", "wph", "--batch", "1,10000")
	if code != 2 || !strings.Contains(errs, "--batch 10000 --size 256: the maps alone need 4.9 GiB of memory and 1.0 GiB is available") {
		t.Errorf("--batch 10000: exit %d (want 2)\n%s", code, tail(errs, 600))
	}
	if rows != 0 {
		t.Errorf("%d rows ran before the bad input was refused", rows)
	}
	// 8 B × 2000 maps × 256² = 0.98 GiB: runs (control).
	out := filepath.Join(t.TempDir(), "rows.json")
	if code, _, errs := runCLI(t, "bench", "--only", "wph", "--batch", "2000", "--json", out); code != 0 || rows != 1 {
		t.Errorf("--batch 2000: exit %d, %d rows\n%s", code, rows, tail(errs, 600))
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), `"PeerName": "PyWPH"`) {
		t.Errorf("--json %s: %v\n%s", out, err, b)
	}

	// The global --engine with an unknown name was reported as "--engines:
	// unknown engine", a flag not given.
	if code, _, errs := runCLI(t, "--engine", "foo", "bench", "--only", "wph"); code != 2 || !strings.Contains(errs, `--engine "foo" (global flag): unknown engine (want auto, cpu or graph)`) {
		t.Errorf("--engine foo bench: exit %d (want 2)\n%s", code, tail(errs, 400))
	}
	if rows != 1 {
		t.Errorf("%d rows ran, want 1 (the --batch 2000 control)", rows)
	}

	for _, b := range []string{"0", "x"} {
		code, _, errs := runCLI(t, "bench", "--row", "wph/cpu/"+b)
		if code != 2 || !strings.Contains(errs, `bad --row "wph/cpu/`+b+`": batch size "`+b+`" (want an integer ≥ 1)`) {
			t.Errorf("--row wph/cpu/%s: exit %d (want 2)\n%s", b, code, tail(errs, 400))
		}
	}
}
