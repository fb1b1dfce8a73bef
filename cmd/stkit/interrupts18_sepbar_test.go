package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate's progress on a log (stderr not a terminal) drew iteration 1's
// stage and loss next to the count 0 ("stage 1/2 epoch 1 loss 16.45 0% |
// | (0/8)"): a Describe before the Set. It is a stepBar, as synth's and
// sample's: the first line is "stage 1/2 epoch 1 loss L (1/8) [...]", the
// last "stage 2/2 epoch 1 loss L (8/8) [...]".
func TestInterrupts18SeparateBarCount(t *testing.T) {
	dir := t.TempDir()
	d, err := datasets.LogNormalField(32, 32, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	var nb [][]float64
	for i := range 3 {
		x, _ := datasets.WhiteNoise(32, 32, uint64(10+i))
		nb = append(nb, x)
	}
	ns, err := datasets.StackMaps(32, 32, nb...)
	if err != nil {
		t.Fatal(err)
	}
	dp, np := filepath.Join(dir, "d.npy"), filepath.Join(dir, "n.npy")
	if err := datasets.WriteMaps(dp, &stlayer.Maps{B: 1, M: 32, N: 32, Data: d}); err != nil {
		t.Fatal(err)
	}
	if err := datasets.WriteMaps(np, ns); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "separate", dp, "--noise", np, "--steps", "2,6,1", "-o", filepath.Join(dir, "s.npy"))
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, tail(errs, 800))
	}
	var bar []string
	for _, l := range strings.Split(errs, "\n") {
		if strings.HasPrefix(l, "stage ") {
			bar = append(bar, l)
		}
	}
	first := regexp.MustCompile(`^stage 1/2 epoch 1 loss [0-9.e+-]+ \(1/8\) \[`)
	last := regexp.MustCompile(`^stage 2/2 epoch 1 loss [0-9.e+-]+ \(8/8\) \[`)
	if len(bar) < 2 || !first.MatchString(bar[0]) || !last.MatchString(bar[len(bar)-1]) {
		t.Errorf("progress lines %q: want the first at 1/8 in stage 1, the last at 8/8 in stage 2", bar)
	}
}
