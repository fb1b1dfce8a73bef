package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/wst"
)

// Cheng's algorithm='classic' was not reachable from the command line:
// stats --classic computes the global wst with wst.Config.Classic (the .npy
// equals wst's, the JSON config records it) and is refused, exit 2 with no
// output, for wph and the local wst.
func TestStatsClassicFlag(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	np := filepath.Join(dir, "c.npy")
	code, _, errs := runCLI(t, "stats", mp, "--kind", "wst", "-J", "3", "--classic", "-o", np)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	if !strings.Contains(errs, "wst J=3 L=4 classic") {
		t.Errorf("stderr does not name the classic spec: %s", errs)
	}
	got, err := datasets.Read(np)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := datasets.ReadMaps(mp)
	if err != nil {
		t.Fatal(err)
	}
	op, err := wst.New(wst.Config{J: 3, L: 4, Classic: true}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cpu.New().Forward(op.Key(), op.Stat(), maps)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Complex128) != len(want.Data) {
		t.Fatalf("%d coefficients, wst Classic %d", len(got.Complex128), len(want.Data))
	}
	for i, v := range want.Data {
		if got.Complex128[i] != v {
			t.Fatalf("coefficient %d: %v, wst Classic %v", i, got.Complex128[i], v)
		}
	}
	jp := filepath.Join(dir, "c.json")
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "wst", "-J", "3", "--classic", "-o", jp); code != 0 {
		t.Fatalf("json: exit %d: %s", code, tail(errs, 600))
	}
	if b, err := os.ReadFile(jp); err != nil || !strings.Contains(string(b), `"classic": true`) {
		t.Errorf("JSON config lacks \"classic\": true (%v)", err)
	}
	for _, args := range [][]string{{"--kind", "wph"}, {"--kind", "wst", "--local"}} {
		out := filepath.Join(dir, "bad.npy")
		code, _, errs := runCLI(t, append([]string{"stats", mp, "-J", "3", "--classic", "-o", out}, args...)...)
		if code != 2 || !strings.Contains(errs, "--classic (Cheng's algorithm='classic', full-grid convolutions) applies to the global wst, not ") {
			t.Errorf("%v --classic: exit %d: %s", args, code, tail(errs, 400))
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v --classic: wrote %s", args, out)
		}
	}
}
