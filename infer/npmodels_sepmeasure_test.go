package infer

import (
	"context"
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestSeparateCropModelsCutData: models of a --pad crop statistic
// separating maps cut from larger ones (a 32² corner of a 128² field
// P ∝ k⁻³ plus white noise) with the periodic Wiener start and Gaussian
// prior (see SeparateWithModels): the separation lowers the field's error
// inside the statistic's window and on the border, and adds no axis excess
// to its interior.
func TestSeparateCropModelsCutData(t *testing.T) {
	ms, _ := npCropModels(t)
	eng := cpu.New()
	p := ms.Manifest.PatchSize
	c := (1 << ms.Manifest.Spec.J) / 2
	k := 0
	for kk, cm := range ms.Components {
		if len(cm.PatchIndex) > len(ms.Components[k].PatchIndex) {
			k = kk
		}
	}
	cm, err := ms.Component(k)
	if err != nil {
		t.Fatal(err)
	}
	sig := 0.5 * cm.PixelMoments[1]
	noise, err := NoiseComponent(eng, ms, sig, 32, 1)
	if err != nil {
		t.Fatal(err)
	}
	comps := []SepComponent{{Name: "grf", Model: cm}, {Name: "noise", Model: noise}}
	const big, seeds = 128, 4
	// err[0]: start, err[1]: end; [inside, border]
	var errs [2][2]float64
	var axis [3]float64 // truth, start, end
	for seed := uint64(0); seed < seeds; seed++ {
		g, err := datasets.GaussianRandomField(big, big, -3, 300+seed)
		if err != nil {
			t.Fatal(err)
		}
		mu, sd, _, _ := Moments(g)
		wn, err := datasets.WhiteNoise(p, p, 500+seed)
		if err != nil {
			t.Fatal(err)
		}
		truth, data := make([]float64, p*p), stlayer.NewMaps(1, p, p)
		for i := 0; i < p; i++ {
			for j := 0; j < p; j++ {
				truth[i*p+j] = cm.PixelMoments[0] + (g[i*big+j]-mu)/sd*cm.PixelMoments[1]
				data.Data[i*p+j] = truth[i*p+j] + sig*wn[i*p+j]
			}
		}
		res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{Steps: 60})
		if err != nil {
			t.Fatal(err)
		}
		for s, x := range []*stlayer.Maps{res.Init, res.Components} {
			var in, out float64
			for i := 0; i < p; i++ {
				for j := 0; j < p; j++ {
					d := x.Map(0)[i*p+j] - truth[i*p+j]
					if i >= c && i < p-c && j >= c && j < p-c {
						in += d * d / float64((p-2*c)*(p-2*c))
					} else {
						out += d * d / float64(p*p-(p-2*c)*(p-2*c))
					}
				}
			}
			errs[s][0] += math.Sqrt(in) / seeds
			errs[s][1] += math.Sqrt(out) / seeds
		}
		axis[0] += rAxisExcess(truth, p, c) / seeds
		axis[1] += rAxisExcess(res.Init.Map(0), p, c) / seeds
		axis[2] += rAxisExcess(res.Components.Map(0), p, c) / seeds
	}
	t.Logf("field error rms inside/border: start %.3f/%.3f, end %.3f/%.3f; interior axis excess truth %.2f start %.2f end %.2f",
		errs[0][0], errs[0][1], errs[1][0], errs[1][1], axis[0], axis[1], axis[2])
	// Measured: start 0.331/0.401, end 0.209/0.307; axis 0.78, 1.23, 1.23.
	if !(errs[1][0] < 0.8*errs[0][0]) || !(errs[1][1] < 0.9*errs[0][1]) {
		t.Errorf("error rms inside/border: start %.3f/%.3f, end %.3f/%.3f: want the end below 0.8× (inside) and 0.9× (border) the start", errs[0][0], errs[0][1], errs[1][0], errs[1][1])
	}
	if axis[2] > axis[1]+0.3 {
		t.Errorf("interior axis excess %.2f at the end, %.2f at the start: want at most +0.3", axis[2], axis[1])
	}
}
