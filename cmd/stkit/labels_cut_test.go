package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/scov"
)

// --pad crop always cut ⌊2^J/2⌋ pixels per side; --cut sets the border
// (stats.Spec.Cut): the .npy equals scov's with Config.Cut 1/4, the JSON
// config and the summary line record it, and it is refused (exit 2, no
// output) for wst, without --pad crop and when negative.
func TestStatsCutFlag(t *testing.T) {
	_, out, errs := runCLI(t, "stats", "--help")
	if h := out + errs; !strings.Contains(h, "-cut") || !strings.Contains(h, "c = ⌊cut·2^J⌋ pixels") {
		t.Errorf("stats --help does not describe --cut:\n%s", h)
	}
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	np := filepath.Join(dir, "c.npy")
	code, _, errs := runCLI(t, "stats", mp, "--kind", "scov", "-J", "3", "--pad", "crop", "--cut", "0.25", "-o", np)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	if !strings.Contains(errs, "pad=crop cut=0.25") {
		t.Errorf("the summary does not name the cut: %s", errs)
	}
	got, err := datasets.Read(np)
	if err != nil {
		t.Fatal(err)
	}
	maps, err := datasets.ReadMaps(mp)
	if err != nil {
		t.Fatal(err)
	}
	op, err := scov.New(scov.Config{J: 3, L: 4, NonPeriodic: true, Cut: 0.25}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	want, err := cpu.New().Forward(op.Key(), op.Stat(), maps)
	if err != nil {
		t.Fatal(err)
	}
	if op.Cut() != 2 || len(got.Complex128) != len(want.Data) {
		t.Fatalf("cut %d, %d coefficients, scov %d", op.Cut(), len(got.Complex128), len(want.Data))
	}
	for i, v := range want.Data {
		if got.Complex128[i] != v {
			t.Fatalf("coefficient %d: %v, scov Cut 1/4 %v", i, got.Complex128[i], v)
		}
	}
	jp := filepath.Join(dir, "c.json")
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "spectra", "-J", "3", "--pad", "crop", "--cut", "0.25", "-o", jp); code != 0 {
		t.Fatalf("json: exit %d: %s", code, tail(errs, 600))
	}
	if b, err := os.ReadFile(jp); err != nil || !strings.Contains(string(b), `"cut": 0.25`) {
		t.Errorf("JSON config lacks \"cut\": 0.25 (%v)", err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "wst", "--cut", "0.25"}, "--cut (the border --pad crop leaves out) applies to wph, scov and spectra, not wst"},
		{[]string{"--kind", "wph", "--cut", "0.25"}, "--cut 0.25 sets the border --pad crop leaves out, but the boundary is --pad periodic: add --pad crop or leave --cut out"},
		{[]string{"--kind", "scov", "--pad", "crop", "--cut", "-1"}, "--cut -1: want a finite number > 0"},
	} {
		bad := filepath.Join(dir, "bad.npy")
		code, _, errs := runCLI(t, append([]string{"stats", mp, "-J", "3", "-o", bad}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d: %s", c.args, code, tail(errs, 400))
		}
		if _, err := os.Stat(bad); err == nil {
			t.Errorf("%v: wrote %s", c.args, bad)
		}
	}
}
