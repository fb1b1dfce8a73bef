package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// A FITS map whose header has a byte beyond ASCII in a card's value (here
// an observer's name in UTF-8) was refused as bad input; datasets now reads
// it as astropy does, with '?' for such bytes and a notice, which the CLI
// prints on stderr (slog warning) while the command runs as usual.
func TestStatsFITSNonASCIIHeaderNotice(t *testing.T) {
	dir := t.TempDir()
	m, err := datasets.ReadMaps(writeTestMap(t, dir, "m.npy", 1))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "obs.fits")
	if err := datasets.WriteMapsCards(p, m, datasets.Card{Key: "OBSERVER", Value: "Jose Nunez"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("'Jose Nunez"))
	if i < 0 {
		t.Fatal("OBSERVER card not found")
	}
	b[i+4] = 0xe9 // "Jos\xe9": Latin-1 é
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "stats", p, "-J", "3", "-o", filepath.Join(dir, "s.npy"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if w := p + ": 1 header card has non-ASCII bytes in its value or comment, which FITS does not allow; read with each replaced by '?', as astropy does: HDU 0 card 6 (OBSERVER, 1 byte)"; !strings.Contains(errs, w) {
		t.Errorf("stderr lacks %q:\n%s", w, errs)
	}
}
