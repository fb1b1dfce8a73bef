package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// periodicAndCut returns a 64² periodic Gaussian random field and its 32²
// top-left corner (a cut, not periodic).
func periodicAndCut(t *testing.T, seed uint64) (full, cut *stlayer.Maps) {
	t.Helper()
	g, err := datasets.GaussianRandomField(64, 64, -3, seed)
	if err != nil {
		t.Fatal(err)
	}
	full = &stlayer.Maps{B: 1, M: 64, N: 64, Data: g}
	cut = stlayer.NewMaps(1, 32, 32)
	for i := 0; i < 32; i++ {
		copy(cut.Data[i*32:(i+1)*32], g[i*64:i*64+32])
	}
	return full, cut
}

// synth --periodise synthesises from the periodic component of the target
// (datasets.PeriodicComponent): the same maps, bit for bit, as synthesising
// that component by hand with the same seed; the summary, metrics.json
// (settings.periodised) and the FITS HISTORY say so. With --pad crop it is
// refused (exit 2, no output).
func TestSynthPeriodiseEqualsPeriodicComponent(t *testing.T) {
	dir := t.TempDir()
	_, cut := periodicAndCut(t, 7)
	target := filepath.Join(dir, "cut.npy")
	if err := datasets.WriteMaps(target, cut); err != nil {
		t.Fatal(err)
	}
	p, err := datasets.PeriodicComponent(cut)
	if err != nil {
		t.Fatal(err)
	}
	byHand := filepath.Join(dir, "p.npy")
	if err := datasets.WriteMaps(byHand, p); err != nil {
		t.Fatal(err)
	}
	common := []string{"--steps", "3", "--seed", "5", "-J", "3"}
	a, rep := filepath.Join(dir, "a.fits"), filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, append([]string{"--engine", "cpu", "synth", target, "--periodise", "-o", a, "--report", rep}, common...)...)
	if code != 0 {
		t.Fatalf("--periodise: exit %d: %s", code, tail(errs, 800))
	}
	for _, want := range []string{"to match the statistics of cut.npy (periodised)", "--periodise: the target maps are replaced by their periodic component (Moisan 2011)", "compared with the periodised target"} {
		if !strings.Contains(errs, want) {
			t.Errorf("--periodise: stderr lacks %q:\n%s", want, tail(errs, 1200))
		}
	}
	if strings.Contains(errs, "wrap-around jump is large") {
		t.Errorf("--periodise given, yet the note suggesting it is printed:\n%s", tail(errs, 800))
	}
	b := filepath.Join(dir, "b.fits")
	code, _, errs = runCLI(t, append([]string{"--engine", "cpu", "synth", byHand, "-o", b}, common...)...)
	if code != 0 {
		t.Fatalf("by hand: exit %d: %s", code, tail(errs, 800))
	}
	ma, cards, err := datasets.ReadMapsHeader(a)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := datasets.ReadMaps(b)
	if err != nil {
		t.Fatal(err)
	}
	if ma.B != 1 || !slices.Equal(ma.Data, mb.Data) {
		t.Errorf("--periodise gave other maps than synthesising PeriodicComponent(target) with the same seed")
	}
	if slices.Equal(p.Data, cut.Data) {
		t.Fatal("the periodic component equals the cut: the test shows nothing")
	}
	hist := ""
	for _, c := range cards {
		if c.Key == "HISTORY" {
			hist += c.Comment + " "
		}
	}
	if !strings.Contains(hist, "periodised") {
		t.Errorf("FITS HISTORY does not say periodised: %q", hist)
	}
	raw, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var mj struct {
		Settings struct {
			Periodised *bool `json:"periodised"`
		} `json:"settings"`
	}
	if err := json.Unmarshal(raw, &mj); err != nil {
		t.Fatal(err)
	}
	if mj.Settings.Periodised == nil || !*mj.Settings.Periodised {
		t.Errorf("metrics.json settings.periodised = %v, want true", mj.Settings.Periodised)
	}

	out := filepath.Join(dir, "c.npy")
	code, _, errs = runCLI(t, "--engine", "cpu", "synth", target, "--periodise", "--kind", "scov", "--pad", "crop", "-o", out)
	if code != 2 || !strings.Contains(errs, "--periodise and --pad crop are two remedies for the same thing") {
		t.Errorf("--periodise --pad crop: exit %d, want 2 naming both flags:\n%s", code, tail(errs, 600))
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("--periodise --pad crop wrote %s", out)
	}
}

// Without --periodise, synth notes a target whose wrap-around jump is large
// (a cut of a larger map) and suggests --periodise or --pad crop; a periodic
// map gets no note.
func TestSynthWrapJumpNote(t *testing.T) {
	dir := t.TempDir()
	full, cut := periodicAndCut(t, 11)
	rf, rc := wrapJumpRatio(full), wrapJumpRatio(cut)
	if !(rf < wrapJumpNoteRatio) || !(rc > wrapJumpNoteRatio) {
		t.Fatalf("wrap jump ratio: periodic %.3g, cut %.3g; want below and above %d", rf, rc, wrapJumpNoteRatio)
	}
	const note = "--periodise or --pad crop removes it"
	for _, c := range []struct {
		name string
		maps *stlayer.Maps
		want bool
	}{{"periodic", full, false}, {"cut", cut, true}} {
		p := filepath.Join(dir, c.name+".npy")
		if err := datasets.WriteMaps(p, c.maps); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCLI(t, "--engine", "cpu", "synth", p, "--steps", "1", "-J", "3", "-o", filepath.Join(dir, c.name+"-s.npy"))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 600))
		}
		if got := strings.Contains(errs, note); got != c.want {
			t.Errorf("%s (ratio %.3g): note printed %v, want %v:\n%s", c.name, wrapJumpRatio(c.maps), got, c.want, tail(errs, 800))
		}
	}
}
