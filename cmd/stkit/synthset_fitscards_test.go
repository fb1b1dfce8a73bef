package main

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stkit-org/stkit/datasets"
)

// synth's FITS output had no DATE and no ORIGIN card: nothing said when and
// by what it was written. It now has DATE (UTC, to the second, the time of
// the write) and ORIGIN = 'stkit', and the file reads back.
func TestSynthFITSDateOrigin(t *testing.T) {
	dir := t.TempDir()
	target := writeGRFMaps(t, dir, "t.npy", 1, 16, 1)
	out := filepath.Join(dir, "s.fits")
	before := time.Now().UTC().Truncate(time.Second)
	if code, _, errs := runCLI(t, "--engine", "cpu", "synth", target, "-J", "2", "--steps", "1", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	after := time.Now().UTC()
	m, cards, err := datasets.ReadMapsHeader(out)
	if err != nil || m.B != 1 || m.M != 16 {
		t.Fatalf("read back: %v %v", m, err)
	}
	got := map[string]any{}
	for _, c := range datasets.FITSUserCards(cards) {
		got[c.Key] = c.Value
	}
	if got["ORIGIN"] != "stkit" {
		t.Errorf("ORIGIN = %v, want stkit", got["ORIGIN"])
	}
	s, _ := got["DATE"].(string)
	d, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil || d.Before(before) || d.After(after) {
		t.Errorf("DATE = %q (%v), want the UTC time of the run, between %s and %s", s, err, before.Format(time.RFC3339), after.Format(time.RFC3339))
	}
}
