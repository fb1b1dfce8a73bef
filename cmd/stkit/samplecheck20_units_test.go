package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// stkit sample's FITS output had no BUNIT and no pixel scale although the
// model manifest records the training patches' (804d4bb): sampleUnitCards
// gives BUNIT, CDELT1/2 and CUNIT1/2 from it, and a FITS written with them
// reads back with that unit and scale; a manifest without units gives none,
// and one with a BUNIT per source (two units) gives no BUNIT.
func TestSamplecheck20UnitCards(t *testing.T) {
	ms := &infer.ModelSet{Manifest: &infer.ModelManifest{Source: infer.ModelSource{BUnit: "MJy/sr",
		PixelScale: &datasets.PixelScale{X: 1.0 / 60, Y: 1.0 / 60, Unit: "deg"}}}}
	cards := sampleUnitCards(ms)
	var keys []string
	for _, c := range cards {
		keys = append(keys, c.Key)
	}
	if k := strings.Join(keys, " "); k != "BUNIT CDELT1 CDELT2 CUNIT1 CUNIT2" {
		t.Fatalf("cards %s", k)
	}
	path := filepath.Join(t.TempDir(), "s.fits")
	m := stlayer.NewMaps(2, 8, 8)
	m.Data[3] = 1
	if err := datasets.WriteMapsWith(path, m, datasets.MapsWriteOptions{Batch: true, Cards: append(cards, historyCards("stkit sample: test")...)}); err != nil {
		t.Fatal(err)
	}
	_, back, err := readMapsCards(path)
	if err != nil {
		t.Fatal(err)
	}
	bunit := ""
	for _, c := range back {
		if c.Key == "BUNIT" {
			bunit, _ = c.Value.(string)
		}
	}
	ps := datasets.PixelScaleOf(back)
	if strings.TrimSpace(bunit) != "MJy/sr" || ps == nil || ps.X != 1.0/60 || ps.Unit != "deg" {
		t.Errorf("read back BUNIT %q, pixel scale %+v", bunit, ps)
	}
	if c := sampleUnitCards(&infer.ModelSet{Manifest: &infer.ModelManifest{}}); len(c) != 0 {
		t.Errorf("no units: %v", c)
	}
	if c := sampleUnitCards(&infer.ModelSet{Manifest: &infer.ModelManifest{Source: infer.ModelSource{BUnits: []string{"MJy/sr", "K"}}}}); len(c) != 0 {
		t.Errorf("two units: %v", c)
	}
}

// printSampleChecks writes each of the report's checks and the verdict as
// "report: " lines; without sample_checks it writes nothing (and says so).
func TestSamplecheck20PrintChecks(t *testing.T) {
	sc := infer.SampleChecks{Checks: []infer.SampleCheck{{Name: "skewness", Pass: false, Detail: "tiles 0.6 to 0.9"}, {Name: "W1 of the histograms", Pass: true, Detail: "0.3 vs 0.8"}},
		Verdict: "outside: 1 of 2 checks fail (skewness)", Advice: []string{"--box positive"}}
	var b bytes.Buffer
	if !printSampleChecks(&b, map[string]any{"sample_checks": sc}) {
		t.Fatal("not printed")
	}
	want := "report: check skewness: FAIL: tiles 0.6 to 0.9\nreport: check W1 of the histograms: pass: 0.3 vs 0.8\nreport: verdict: outside: 1 of 2 checks fail (skewness)\nreport: try: --box positive\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	if printSampleChecks(&b, map[string]any{}) || b.Len() != 0 {
		t.Errorf("no checks: %q", b.String())
	}
}
