package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// The graph engine's four-step FFT (pure-Go backend) refuses a side with a
// prime factor above 128 (262 = 2·131) while it builds the graph, before
// any compilation, with an error matching stlayer.ErrSize; stats exited 1
// for it (every family: wph, scov, wst), where the README puts size
// refusals under bad input, exit 2. Now exit 2 for each, the message names
// 262 and --engine cpu, and nothing is written. exitCode gives 2 for any
// error wrapping ErrSize or ErrScales, 1 for a shape error of no kind (a
// statistic's bug).
func TestTidy20SizeRefusalExit2(t *testing.T) {
	dir := t.TempDir()
	w, err := datasets.WhiteNoise(262, 262, 5)
	if err != nil {
		t.Fatal(err)
	}
	m := stlayer.NewMaps(1, 262, 262)
	copy(m.Map(0), w)
	mp := filepath.Join(dir, "m262.npy")
	if err := datasets.WriteMaps(mp, m); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"wph", "scov", "wst"} {
		out := filepath.Join(dir, kind+".npz")
		code, _, errs := runCLI(t, "--backend", "go", "--engine", "graph", "stats", mp, "--kind", kind, "-J", "2", "-o", out)
		if code != 2 {
			t.Errorf("%s on 262²: exit %d, want 2: %s", kind, code, tail(errs, 300))
		}
		for _, want := range []string{"FFT length 262", "--engine cpu"} {
			if !strings.Contains(errs, want) {
				t.Errorf("%s: stderr does not name %q: %s", kind, want, tail(errs, 300))
			}
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %s written (%v)", kind, out, err)
		}
	}
	for _, c := range []struct {
		err  error
		want int
	}{
		{fmt.Errorf("wph: %w", &stlayer.ErrShape{Msg: "m", Kind: stlayer.ErrSize}), 2},
		{fmt.Errorf("wph: %w", &stlayer.ErrShape{Msg: "m", Kind: stlayer.ErrScales}), 2},
		{fmt.Errorf("wph: %w", &stlayer.ErrShape{Msg: "m"}), 1},
		{errors.New("disk full"), 1},
	} {
		if got := exitCode(c.err, io.Discard); got != c.want {
			t.Errorf("exitCode(%v) = %d, want %d", c.err, got, c.want)
		}
	}
}
