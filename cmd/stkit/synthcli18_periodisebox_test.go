package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth --periodise --box positive (the README's advice for a cut-out
// intensity map) refused a positive target because its periodic component
// dips below 0 ("pixels of tI (periodised) span [-0.0219, 0.918]", exit 2).
// The box is checked on the target as read; when the periodic component
// leaves it the box is widened to the component's range, with a note (how
// many pixels, how far, the box used). Here: the 32² corner of a 64²
// log-normal map shifted to min 0.05 (its periodic component: min −0.0835,
// 5 pixels < 0); preset cheng, 30 iterations: exit 0, the box [-0.0835,
// +Inf) in the summary, the syntheses ≥ −0.0835 − 0.02. A target as read
// outside the box is still refused, named as read.
func TestSynthcli18PeriodiseBoxPositive(t *testing.T) {
	dir := t.TempDir()
	big, err := datasets.LogNormalField(64, 64, -2.5, 1, 5)
	if err != nil {
		t.Fatal(err)
	}
	lo := slices.Min(big)
	cut := &stlayer.Maps{B: 1, M: 32, N: 32}
	for i := 0; i < 32; i++ {
		for j := 0; j < 32; j++ {
			cut.Data = append(cut.Data, big[i*64+j]+0.05-lo)
		}
	}
	p, err := datasets.PeriodicComponent(cut)
	if err != nil {
		t.Fatal(err)
	}
	neg := 0
	for _, v := range p.Data {
		if v < 0 {
			neg++
		}
	}
	t.Logf("target min %.4g, periodic component min %.4g (%d pixels < 0)", slices.Min(cut.Data), slices.Min(p.Data), neg)
	if slices.Min(cut.Data) <= 0 || neg == 0 {
		t.Fatalf("the test target must be positive with a periodic component below 0: min %g, periodic min %g", slices.Min(cut.Data), slices.Min(p.Data))
	}
	target := filepath.Join(dir, "tI.npy")
	if err := datasets.WriteMaps(target, cut); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o.npy")
	code, _, errs := runCLI(t, "synth", target, "--periodise", "--box", "positive", "--preset", "cheng", "--steps", "30", "--log-every", "100", "-o", out)
	if code != 0 {
		t.Fatalf("--periodise --box positive: exit %d: %s", code, tail(errs, 800))
	}
	pmin := slices.Min(p.Data)
	wide := fmt.Sprintf("[%g, +Inf)", pmin)
	if !strings.Contains(errs, fmt.Sprintf("synth: --periodise --box positive: the target lies in the box [0, +Inf), but its periodic component, whose statistics the syntheses match, has %d of 1024 pixels outside it", neg)) ||
		!strings.Contains(errs, "the box is widened to its range, "+wide) || !strings.Contains(errs, "box "+wide+" of weight 1") {
		t.Errorf("no note on the periodic component leaving the box, or the widened box %s not in the summary:\n%s", wide, tail(errs, 1500))
	}
	m, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("synthesis min %.4g", slices.Min(m.Data))
	if mn := slices.Min(m.Data); mn < pmin-0.02 {
		t.Errorf("synthesis min %g, want ≥ %g − 0.02 (the widened box holds it)", mn, pmin)
	}
	// the target as read outside the box: refused, exit 2, named without
	// "(periodised)"
	os.Remove(out)
	code, _, errs = runCLI(t, "synth", target, "--periodise", "--box", "0.5,inf", "--steps", "2", "-o", out)
	if code != 2 || !strings.Contains(errs, "the pixels of "+target+" span") {
		t.Errorf("--box 0.5,inf: exit %d (want 2), want 'the pixels of %s span' in\n%s", code, target, tail(errs, 600))
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("--box 0.5,inf: wrote %s", out)
	}
}
