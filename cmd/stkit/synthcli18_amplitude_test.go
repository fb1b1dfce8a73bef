package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate with contaminant samples in other units than DATA (a CIB map of
// std 0.009 against a mixture of std 0.77) ended "final terms data 0.00207"
// with DATA itself as the output and no word. DATA's power spectrum is now
// compared with the samples' mean spectrum per bin: samples holding < 1 %
// of DATA's power in every bin, or more than DATA in every bin (> 2×), get
// a warning with the ratios. Here a 32² GRF plus 0.3 white noise with 3
// noise samples (ratio up to about 1 at high k: no warning), the samples
// × 0.01 (≤ 1e-4 × DATA's power in every bin: warned) and × 1000, mK read
// as K (above DATA's power in every bin, the GRF's lowest k included:
// warned).
func TestSynthcli18SeparateSampleAmplitude(t *testing.T) {
	dir := t.TempDir()
	s, err := datasets.GaussianRandomField(32, 32, -3, 1)
	if err != nil {
		t.Fatal(err)
	}
	mix := &stlayer.Maps{B: 1, M: 32, N: 32, Data: s}
	samples := stlayer.NewMaps(3, 32, 32)
	for i := 0; i < 4; i++ {
		c, err := datasets.WhiteNoise(32, 32, uint64(40+i))
		if err != nil {
			t.Fatal(err)
		}
		for j := range c {
			if i == 3 {
				mix.Data[j] += 0.3 * c[j]
			} else {
				samples.Map(i)[j] = 0.3 * c[j]
			}
		}
	}
	d := filepath.Join(dir, "mix.npy")
	if err := datasets.WriteMaps(d, mix); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		scale float64
		want  string
	}{
		{1, ""},
		{0.01, "separate: warning: the --contaminant samples hold at most"},
		{1000, "separate: warning: the --contaminant samples hold more power than DATA in every k bin"},
	} {
		sc := &stlayer.Maps{B: 3, M: 32, N: 32, Data: make([]float64, len(samples.Data))}
		for i, v := range samples.Data {
			sc.Data[i] = c.scale * v
		}
		cp := filepath.Join(dir, "c.npy")
		if err := datasets.WriteMaps(cp, sc); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCLI(t, "separate", d, "--contaminant", cp, "--steps", "4", "--log-every", "100", "-o", filepath.Join(dir, "o.npy"))
		if code != 0 {
			t.Fatalf("× %g: exit %d: %s", c.scale, code, tail(errs, 800))
		}
		switch {
		case c.want == "" && strings.Contains(errs, "warning"):
			t.Errorf("samples in DATA's units: a warning:\n%s", tail(errs, 800))
		case c.want != "" && !strings.Contains(errs, c.want):
			t.Errorf("samples × %g: want %q in\n%s", c.scale, c.want, tail(errs, 800))
		}
	}
}

// separate --models with DATA much weaker than a component's training
// patches (the helpers' B6: the Quijote part 25× weaker in power than the
// model's training maps) gave no warning without --truth. Each model's
// mean patch spectrum is now compared with DATA's on the patch scale: a
// model holding more than 5× DATA's power in the median bin, or models
// together holding less than 0.2 of it, are warned of. On the CLI models
// fixture (components 0 and 1, a noise + smooth map of its inputs; summed
// model/DATA ratio median 0.5–0.76 on its 3 maps): DATA as is, no warning;
// DATA / 5 (component 0's model: median 7.4× DATA's power) and DATA × 5
// (the models together: 0.02), warned.
func TestSynthcli18SeparateModelsAmplitude(t *testing.T) {
	fix := modelsFixture(t)
	models := filepath.Join(fix, "models")
	noise, err := datasets.ReadMaps(filepath.Join(fix, "noise.npy"))
	if err != nil {
		t.Fatal(err)
	}
	smooth, err := datasets.ReadMaps(filepath.Join(fix, "smooth.npy"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		scale float64
		want  string
	}{
		{1, ""},
		{0.2, "separate: warning: the model of component 0 holds more power than DATA itself in most k bins"},
		{5, "separate: warning: the models together hold only"},
	} {
		d := stlayer.NewMaps(1, 64, 64)
		for i := range d.Data {
			d.Data[i] = c.scale * (noise.Map(0)[i] + smooth.Map(0)[i])
		}
		dp := filepath.Join(dir, "d.npy")
		if err := datasets.WriteMaps(dp, d); err != nil {
			t.Fatal(err)
		}
		code, _, errs := runCLI(t, "separate", dp, "--models", models, "--components", "0,1", "--steps", "0,1", "--log-every", "100", "-o", filepath.Join(dir, "o.npy"))
		if code != 0 {
			t.Fatalf("× %g: exit %d: %s", c.scale, code, tail(errs, 800))
		}
		switch {
		case c.want == "" && strings.Contains(errs, "than DATA") || c.want == "" && strings.Contains(errs, "hold only"):
			t.Errorf("DATA as is: an amplitude warning:\n%s", tail(errs, 800))
		case c.want != "" && !strings.Contains(errs, c.want):
			t.Errorf("DATA × %g: want %q in\n%s", c.scale, c.want, tail(errs, 800))
		}
	}
}
