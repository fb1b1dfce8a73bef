package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// personavae: separate --models models --components 1,2 used a CIB model
// whose cluster held 13 dust Q and 4 dust I patches among 52, with no word;
// a --components list without the mixed component gets none.
func TestSepmodelscheck20MixtureWarning(t *testing.T) {
	ms := &infer.ModelSet{Manifest: &infer.ModelManifest{Clusters: []infer.ModelCluster{
		{K: 0, Sources: []infer.SourceCount{{File: "data/dustI.fits", Count: 161}}},
		{K: 1, Sources: []infer.SourceCount{{File: "data/dustQ.fits", Count: 152}}},
		{K: 2, Sources: []infer.SourceCount{{File: "data/cib.fits", Count: 35}, {File: "data/dustQ.fits", Count: 13}, {File: "data/dustI.fits", Count: 4}}},
	}}}
	comps := []infer.SepComponent{{Name: "component 1", Model: &infer.ComponentModel{K: 1}}, {Name: "component 2", Model: &infer.ComponentModel{K: 2}}}
	w := sepMixtureWarnings(ms, comps)
	if len(w) != 1 || !strings.HasPrefix(w[0], "component 2's model was learned from a mixed cluster: 17 of its 52 training patches") ||
		!strings.Contains(w[0], "dustQ.fits 13 (mostly component 1), dustI.fits 4 (mostly component 0); its own: cib.fits 35") {
		t.Errorf("warnings %q", w)
	}
	comps[1] = infer.SepComponent{Name: "noise:0.1", Model: &infer.ComponentModel{K: -1}}
	comps = append(comps, infer.SepComponent{Name: "component 0", Model: &infer.ComponentModel{K: 0}})
	if w := sepMixtureWarnings(ms, comps); len(w) != 0 {
		t.Errorf("components 1, noise, 0: %q", w)
	}
}

// personavae's mix_IC without --truth: the CIB term went 0.084 → 2.2e-6
// with 1 of its 369 coefficients kept by --min-fraction 0.2, silently;
// mix_QC: the CIB mean 0.031 against the truth's −0.0004 was in no output.
func TestSepmodelscheck20Checks(t *testing.T) {
	const n = 8
	est := stlayer.NewMaps(2, n, n)
	for i := 0; i < n*n; i++ {
		s := float64(i%5-2) / 2
		est.Data[i] = 0.08 + 0.03*s
		est.Data[n*n+i] = 0.005 + 0.0017*s
	}
	comps := []infer.SepComponent{
		{Name: "component 0", Model: &infer.ComponentModel{PixelMoments: [4]float64{0.1139, 0.0562, 0, 0}}},
		{Name: "component 2", Model: &infer.ComponentModel{PixelMoments: [4]float64{0.0329, 0.0494, 0, 0}}},
	}
	res := &infer.ModelSepResult{Components: est, KeptCoeffs: []int{369, 1}, ModelCoeffs: []int{369, 369}}
	var out strings.Builder
	var warns []string
	mo := sepModelChecks(&out, res, comps, nil, 0.2, func(s string) { warns = append(warns, s) })
	if len(mo) != 2 || mo[1].ModelMean != 0.0329 || mo[1].ModelStd != 0.0494 {
		t.Fatalf("moments %+v", mo)
	}
	if mu, _, _, _ := infer.Moments(est.Map(1)); mo[1].Mean != mu {
		t.Errorf("mean %g, want %g", mo[1].Mean, mu)
	}
	if !strings.Contains(out.String(), "  component 2: pixel mean 0.004973, std 0.001192 ") || !strings.Contains(out.String(), "(its model's 0.0329, std 0.0494, pooled") {
		t.Errorf("printed %q", out.String())
	}
	w := strings.Join(warns, "\n")
	if !strings.Contains(w, "component 2: the --min-fraction 0.2 mask keeps 1 of its 369 coefficients") || strings.Contains(w, "component 0: the --min-fraction") {
		t.Errorf("warnings %q", w)
	}
	if !strings.Contains(w, "component 2: the estimate's pixel std") || strings.Contains(w, "component 0: the estimate's pixel std") {
		t.Errorf("std warnings %q", w)
	}
	settings := map[string]any{}
	sepModelReportExtras(settings, mo, res, comps)
	kept := settings["kept_coefficients"].(map[string]any)["per_component"].(map[string]any)
	if c2 := kept["component 2"].(map[string]int); c2["kept"] != 1 || c2["of"] != 369 {
		t.Errorf("kept_coefficients %v", kept)
	}
	if m := settings["component_moments"].([]infer.SepMoments); len(m) != 2 || m[0].Mean != mo[0].Mean {
		t.Errorf("component_moments %v", settings["component_moments"])
	}
}
