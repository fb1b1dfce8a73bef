package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// TestDemofix18ProseMatchesData: the demo's texts said "log-normal field
// exp(σ g)" for maps standardised to mean 0 and variance 1
// (datasets.LogNormalField), held-out maps "cut like the training patches"
// where these are raw corners and the patches Moisan periodic components,
// "lower is better" for a loss whose cat term rises to log K, and nothing
// on the "13.8 standard errors per bin" next to "within the sampling
// noise". Each text is checked against what the data or the code does.
func TestDemofix18ProseMatchesData(t *testing.T) {
	const n = 64
	for _, p := range demoProcesses {
		x, err := p.gen(n, 3)
		if err != nil {
			t.Fatal(err)
		}
		mean, v := 0.0, 0.0
		for _, a := range x {
			mean += a
		}
		mean /= float64(len(x))
		for _, a := range x {
			v += (a - mean) * (a - mean)
		}
		v /= float64(len(x))
		if math.Abs(mean) > 1e-9 || math.Abs(v-1) > 1e-9 {
			t.Errorf("%s: mean %g variance %g, the text says standardised", p.name, mean, v)
		}
		if !strings.Contains(p.about, "standardised to mean 0, variance 1") {
			t.Errorf("%s: %q does not say the maps are standardised", p.name, p.about)
		}
		// the held-out map is the raw top-left corner of a larger map
		h, err := demoHeldOut(p, n/2, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n/2; i++ {
			if !slices.Equal(h[i*n/2:(i+1)*n/2], x[i*n:i*n+n/2]) {
				t.Fatalf("%s: held-out row %d is not the raw corner of the %d² map", p.name, i, n)
			}
		}
	}
	o := demoOpts{size: 32, patches: 24, epochs: 3, steps: 6, seed: 1, kind: "scov"}
	s1 := demoAbout(o, "1. generate synthetic maps")
	for _, w := range []string{
		"the first-row, first-column corners (drawn bottom-left, row 0 at the bottom) of 2 more 64×64 maps (other seeds), as they are",
		"replaced by their periodic component (step 2, --window moisan), while these keep their cut edges",
		"standardised to mean 0 and variance 1 over its whole 64×64 pixels",
	} {
		if !strings.Contains(s1, w) {
			t.Errorf("step 1 text lacks %q:\n%s", w, s1)
		}
	}
	if strings.Contains(s1, "cut like the training patches") {
		t.Errorf("step 1 still says the held-out maps are cut like the training patches:\n%s", s1)
	}
	s3 := demoAbout(o, "3. train")
	for _, w := range []string{
		"rec = reconstruction error and gauss = the latent term (lower is better)",
		fmt.Sprintf("rises towards log 3 = %.2f as each patch goes confidently to one component (not lower-is-better", math.Log(3)),
	} {
		if !strings.Contains(s3, w) {
			t.Errorf("step 3 text lacks %q:\n%s", w, s3)
		}
	}
	s6 := demoAbout(o, "6. synthesise")
	for _, w := range []string{
		"with the same figure for one real patch against the\nothers: within the sampling noise at or below their 90th percentile",
		"counts the scatter from map to map of the synthesis' tiles (of the patches, for one tile) and of the\nmean of the component's 24 patches",
		"another\n--seed (or stkit sample --draw mean) may differ",
	} {
		if !strings.Contains(s6, w) {
			t.Errorf("step 6 text lacks %q:\n%s", w, s6)
		}
	}
	if s7 := demoAbout(o, "7. separate"); !strings.Contains(s7, "relative error = rms(part − truth) / std(truth): 0 = perfect, 1 = no better than a flat map at the truth's mean") {
		t.Errorf("step 7 text does not say what the relative error is:\n%s", s7)
	}
}
