package infer

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

func physNoise(b, m, n int, seed uint64) *stlayer.Maps {
	r := rand.New(rand.NewPCG(seed, 7))
	x := stlayer.NewMaps(b, m, n)
	for i := range x.Data {
		x.Data[i] = r.NormFloat64()
	}
	return x
}

// power_spectrum.png of synth --report and separate --report had k only
// "in cycles per min(M,N) pixels" though the maps' FITS gave 5′ pixels.
// With ValidateOptions.PixelScale / SepReportOptions.PixelScale the k axis
// label says what min(M, N) pixels span (64 px = 5.33°) and each labelled
// k has its wavelength (5.33°/k) below it; metrics.json records k_scale.
// Without a pixel scale the label is as before.
func TestPhysscale19ReportKAxis(t *testing.T) {
	ps := &datasets.PixelScale{X: 1.0 / 12, Y: 1.0 / 12, Unit: "deg"}
	target, synth := physNoise(2, 64, 48, 1), physNoise(2, 64, 48, 2)
	dir := t.TempDir()
	vm, err := WriteSynthReportWith(filepath.Join(dir, "syn"), target, synth, nil, ValidateOptions{PixelScale: ps}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := vm.KScale
	if k == nil || k.SidePx != 48 || math.Abs(k.Side-4) > 1e-12 || k.Unit != "deg" {
		t.Fatalf("k_scale %+v, want 48 px = 4 deg", k)
	}
	var js struct {
		KScale *KScale `json:"k_scale"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "syn", "metrics.json"))
	if err == nil {
		err = json.Unmarshal(b, &js)
	}
	if err != nil || js.KScale == nil || js.KScale.SidePx != 48 {
		t.Fatalf("metrics.json k_scale %+v (%v)", js.KScale, err)
	}
	p, r, err := spectraPlots(vm, "target", "synthesis")
	if err != nil {
		t.Fatal(err)
	}
	for _, pl := range []*struct {
		label string
		lo    float64
		hi    float64
	}{{p.X.Label.Text, p.X.Min, p.X.Max}, {r.X.Label.Text, r.X.Min, r.X.Max}} {
		if !strings.Contains(pl.label, "k (cycles per min(M,N) pixels); 48 px = 4°") || !strings.Contains(pl.label, "wavelength 4°/k") {
			t.Errorf("k axis label %q", pl.label)
		}
	}
	// each labelled tick: "k\nλ" with λ = 4°/k written in °, ' or "
	n := 0
	for _, tk := range p.X.Tick.Marker.Ticks(p.X.Min, p.X.Max) {
		if tk.Label == "" {
			continue
		}
		parts := strings.Split(tk.Label, "\n")
		if len(parts) != 2 {
			t.Fatalf("tick %g: label %q has no wavelength line", tk.Value, tk.Label)
		}
		want := (&KScale{Unit: "deg"}).length(4 / tk.Value)
		if parts[1] != want {
			t.Errorf("tick %g: wavelength %q, want %q", tk.Value, parts[1], want)
		}
		n++
	}
	if n < 2 {
		t.Errorf("%d labelled k ticks", n)
	}
	for v, want := range map[float64]string{2: "2°", 0.5: "30'", 0.01: "36\"", 1.0 / 3: "20'"} {
		if got := (&KScale{Unit: "deg"}).length(v); got != want {
			t.Errorf("length(%g deg) = %q, want %q", v, got, want)
		}
	}
	// separation: k over the interior window's smaller side
	d := physNoise(1, 64, 64, 3)
	sep := physNoise(1, 64, 64, 4)
	sm, err := EvaluateSeparationWith(d, sep, nil, nil, SepReportOptions{PixelScale: &datasets.PixelScale{X: 30, Y: 30, Unit: "arcsec"}, Interior: 8})
	if err != nil {
		t.Fatal(err)
	}
	if sm.KScale == nil || sm.KScale.SidePx != 48 || sm.KScale.Side != 48*30 || sm.KScale.length(sm.KScale.Side) != "24'" {
		t.Fatalf("separation k_scale %+v", sm.KScale)
	}
	rows, err := separationSpectraPlots(sm)
	if err != nil {
		t.Fatal(err)
	}
	if l := rows[0].X.Label.Text; !strings.Contains(l, "48 px = 24'") {
		t.Errorf("separation k label %q", l)
	}
	// no pixel scale: no k_scale, the label as before
	vm2, err := ValidateWith(target, synth, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p2, _, _ := spectraPlots(vm2, "target", "synthesis")
	if vm2.KScale != nil || p2.X.Label.Text != "k (cycles per min(M,N) pixels)" {
		t.Errorf("without a pixel scale: k_scale %+v, label %q", vm2.KScale, p2.X.Label.Text)
	}
}
