package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// There was no -q: scripts running stkit in loops got the progress bar's
// line and "stats: wrote …" on stderr for every run. `stkit -q stats …`
// now writes nothing on stderr when all goes well, and still its warnings
// (a set mixing BUNITs) and errors.
func TestStreamstats20Quiet(t *testing.T) {
	dir := t.TempDir()
	in := streamstats20Maps(t, dir, 6)
	out := filepath.Join(dir, "c.npy")
	var so, se bytes.Buffer
	if rc := run([]string{"stats", in, "--chunk", "2", "-o", out}, &so, &se); rc != 0 {
		t.Fatalf("exit %d: %s", rc, se.String())
	}
	loud := se.String()
	if !strings.Contains(loud, "stats (6/6)") || !strings.Contains(loud, "stats: wrote "+out) {
		t.Fatalf("without -q stderr lacks the bar's line or the wrote line:\n%s", loud)
	}
	want, _ := os.ReadFile(out)
	so.Reset()
	se.Reset()
	if rc := run([]string{"-q", "stats", in, "--chunk", "2", "-o", out}, &so, &se); rc != 0 {
		t.Fatalf("-q: exit %d: %s", rc, se.String())
	}
	if se.Len() != 0 || so.Len() != 0 {
		t.Errorf("-q stats: stderr %q, stdout %q; want both empty", se.String(), so.String())
	}
	if got, _ := os.ReadFile(out); len(want) < 6*16 || !bytes.Equal(got, want) {
		t.Errorf("-q stats wrote %d bytes, without -q %d", len(got), len(want))
	}

	// a warning still shows, alone
	fits := func(name, unit string, seed float64) string {
		m := stlayer.NewMaps(1, 16, 16)
		for i := range m.Data {
			m.Data[i] = float64((i*7+int(seed)*13)%17) - 8
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMapsCards(p, m, datasets.Card{Key: "BUNIT", Value: unit}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a, b := fits("a.fits", "K", 1), fits("b.fits", "JY/BEAM", 2)
	se.Reset()
	if rc := run([]string{"-q", "stats", a + "," + b, "-J", "2", "-o", filepath.Join(dir, "o.json")}, &so, &se); rc != 0 {
		t.Fatalf("-q stats a,b: exit %d: %s", rc, se.String())
	}
	lines := strings.Split(strings.TrimSpace(se.String()), "\n")
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "stats: warning: ") || !strings.Contains(lines[0], `BUNIT "K" (a.fits) and "JY/BEAM" (b.fits)`) {
		t.Errorf("-q stats of mixed units: stderr %q; want the one warning line", se.String())
	}

	// errors still show
	se.Reset()
	if rc := run([]string{"-q", "stats", filepath.Join(dir, "none.npy")}, &so, &se); rc != 2 || !strings.HasPrefix(se.String(), "stkit: ") {
		t.Errorf("-q stats of a missing file: exit %d, stderr %q; want 2 and the error", rc, se.String())
	}

	// the bars of the other commands draw nothing under -q
	var buf bytes.Buffer
	q := quietWriter{&buf}
	sb := newStepBar(q, 3, "synth")
	sb.Step("loss 1")
	sb.Step("loss 0.5")
	_ = sb.Finish()
	bar := newBar(q, 4, "patches")
	_ = bar.Add(4)
	endBar(bar, false)
	if buf.Len() != 0 {
		t.Errorf("bars under -q wrote %q", buf.String())
	}

	// the usage text names -q
	so.Reset()
	if rc := run([]string{"--help"}, &so, &se); rc != 0 || !strings.Contains(so.String(), "-q\tquiet: no progress bars") {
		t.Errorf("stkit --help: exit %d, no -q in:\n%s", rc, so.String())
	}
}
