package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// sepMixtureWarnings are separate --models' warnings, before the run, about
// the model components among comps whose training patches mix source
// families (infer.ClusterMixtures on the manifest's clusters): their pixel
// mean and spectra are the mixture's, and so is the mean the separation
// gives them (personavae: a CIB model with 17 dust patches among 52 gave
// the CIB estimate a mean of 0.031 against the truth's −0.0004).
func sepMixtureWarnings(ms *infer.ModelSet, comps []infer.SepComponent) []string {
	if ms == nil || ms.Manifest == nil {
		return nil
	}
	used := map[int]string{}
	for _, c := range comps {
		if c.Model != nil && c.Model.K >= 0 {
			used[c.Model.K] = c.Name
		}
	}
	var out []string
	for _, m := range infer.ClusterMixtures(ms.Manifest.Clusters) {
		if _, ok := used[m.K]; !ok {
			continue
		}
		own := make([]string, 0, len(m.Own))
		for _, s := range m.Own {
			own = append(own, fmt.Sprintf("%s %d", filepath.Base(s.File), s.Count))
		}
		var foreign []string
		for i, s := range m.Sources {
			foreign = append(foreign, fmt.Sprintf("%s %d (mostly component %d)", filepath.Base(s.File), s.Count, m.Home[i]))
		}
		out = append(out, fmt.Sprintf("component %d's model was learned from a mixed cluster: %d of its %d training patches come from maps whose patches mostly went to other components (%s; its own: %s): its pixel mean and spectra are the mixture's, and so will be the mean this separation gives it (check with --truth, or re-export from a cleaner run)",
			m.K, m.Foreign, m.Count, strings.Join(foreign, ", "), strings.Join(own, ", ")))
	}
	return out
}

// sepModelChecks prints, after a learned-model separation, each component's
// pixel mean and std against its model's (and the truth's, when not nil)
// and reports to warn what looks wrong: an estimate mean far from its
// model's or the truth's, an estimate mostly outside its truth's colour
// scale, a std far from its model's (infer.SepMoments.Problems), and a
// component the --min-fraction mask leaves few coefficients
// (infer.MaskWarnings). It returns the moments (metrics.json's
// component_moments).
func sepModelChecks(w io.Writer, res *infer.ModelSepResult, comps []infer.SepComponent, truth *stlayer.Maps, minFraction float64, warn func(string)) []infer.SepMoments {
	if res == nil || res.Components == nil {
		return nil
	}
	mo := infer.SeparationMoments(res.Components, truth, comps)
	for _, m := range mo {
		fmt.Fprintf(w, "  %s: %s\n", m.Name, m.Line())
	}
	for _, m := range mo {
		for _, p := range m.Problems() {
			warn(p)
		}
	}
	for _, s := range infer.MaskWarnings(res, comps, minFraction) {
		warn(s)
	}
	return mo
}

// sepModelReportExtras adds separate --models' checks to the report: the
// component moments and the coefficients each term kept in metrics.json's
// settings (settings, before it is written), and, once the report is
// written (draw true), power_spectrum.png again with each model's spectrum
// (infer.PlotModelSepSpectra) and loss.png with each term
// (infer.PlotModelSepTerms).
func sepModelReportExtras(settings map[string]any, mo []infer.SepMoments, res *infer.ModelSepResult, comps []infer.SepComponent) {
	if len(mo) > 0 {
		settings["component_moments"] = mo
	}
	if res != nil && len(res.KeptCoeffs) > 0 {
		kept := map[string]any{}
		for i, c := range comps {
			if i < len(res.KeptCoeffs) && i < len(res.ModelCoeffs) {
				kept[c.Name] = map[string]int{"kept": res.KeptCoeffs[i], "of": res.ModelCoeffs[i]}
			}
		}
		settings["kept_coefficients"] = map[string]any{"per_component": kept,
			"note": "coefficients in each component's term after the --min-fraction mask, of those with a usable model std; few kept: the term hardly constrains the component"}
	}
}

// sepModelReportPlots redraws power_spectrum.png (with the models'
// spectra) and loss.png (each term) in the report folder dir.
func sepModelReportPlots(dir string, data, truth *stlayer.Maps, res *infer.ModelSepResult, comps []infer.SepComponent, patch int) error {
	if err := infer.PlotModelSepSpectra(filepath.Join(dir, "power_spectrum.png"), data, res.Components, truth, comps, patch); err != nil {
		return err
	}
	names := make([]string, len(comps))
	for i, c := range comps {
		names[i] = c.Name
	}
	return infer.PlotModelSepTerms(filepath.Join(dir, "loss.png"), res, names)
}
