package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// labelColumnDoc returns what each label column of lab means for the
// statistic spec (defaults filled in), keyed as the JSON writes the column
// (jsonColumnKeys: the spectra's "im" is "label_im"); only columns some
// row of lab has are described. The orientation columns name θ through
// the config's "orientation"; in the isotropic classes they hold
// differences dl = (l2 − l1) mod L (isoClass), and the text says which
// classes those are. Written to the JSON config as "label_column_doc" and
// above stats' printed table.
func labelColumnDoc(spec stats.Spec, lab *stlayer.Labels) map[string]string {
	if lab == nil {
		return nil
	}
	iso := isoClassList(spec, lab)
	avg := "averaged over l1 (orientation.dl)"
	if spec.Kind == stats.WPH {
		avg = "averaged over the 2L rotations of the full circle (at τ = 0 the real part of the mean over l1; orientation.dl)"
	}
	isoNote := func(col, which string) string {
		if iso == "" {
			return ""
		}
		return fmt.Sprintf("; in %s it is not an orientation but dl = (%s − l1) mod %d, the %s wavelet's orientation relative to the first's, %s", iso, col, spec.L, which, avg)
	}
	wave := "central wavelength ≈ 8/3·2^j pixels"
	if spec.Kind == stats.WPH {
		wave = "bump-steerable, central frequency 0.85π/2^j rad/pixel: wavelength ≈ 2.35·2^j pixels"
	}
	var d map[string]string
	switch spec.Kind {
	case stats.WST:
		d = map[string]string{
			"j1": "scale of the first wavelet ψ_{j1,l1} (" + wave + ")",
			"l1": "orientation index of the first wavelet: θ = orientation.theta_deg[l1]",
			"j2": "scale of the second wavelet, applied to |x⋆ψ_{j1,l1}|",
			"l2": "orientation index of the second wavelet: θ = orientation.theta_deg[l2]" + isoNote("l2", "second"),
		}
	case stats.WPH:
		d = map[string]string{
			"j1":     "scale of the first factor's wavelet (" + wave + "); for the scaling moments L, j1 = j2 = the scale of the Gaussian low-pass (−1, 0, … ⌊J/4⌋)",
			"l1":     "orientation index of the first factor: θ = orientation.theta_deg[l1]" + map[bool]string{true: " (0 with --iso: orientations are relative to l1)"}[spec.Iso],
			"p1":     "phase harmonic of the first factor: [z]^p = |z|·e^{ip·arg z} (p = 0: the modulus)",
			"j2":     "scale of the second factor's wavelet",
			"l2":     "orientation index of the second factor: θ = orientation.theta_deg[l2]" + isoNote("l2", "second"),
			"p2":     "phase harmonic of the second factor",
			"n":      "radial index of the shift τ between the two factors (0: τ = 0)",
			"a":      "azimuthal index of the shift τ (PyWPH's alpha)",
			"pseudo": "1 for PyWPH's pseudo-moments (complex data), else 0",
		}
	case stats.Spectra:
		d = map[string]string{
			"j":  "scale of the P00 and S1 rows (" + wave + ")",
			"a":  "scale difference a = j2 − j1 ≥ 0 (C01: j1 inside the modulus, j2 the outer wavelet; C11: the two moduli's scales)",
			"b":  "C11: scale difference b = j2 − j3 ≤ 0 (j3 the outer wavelet; −1 is a value)",
			"k":  "DCT-II mode along the absolute scale j1 = 0 … N−1 at fixed (a, b, harmonic), N = J − a (C01) or J − a + b (C11): k = 0 is √N × the mean over scales, the only non-zero mode of a self-similar field",
			"h1": "angular frequency along dl (C01) or dl2 = (l2 − l1) mod L (C11) of the real orthonormal DFT over the orientation differences (h1 = h2 = 0: the mean over the differences × √L for C01, × L for C11)",
			"h2": "C11: angular frequency along dl3 = (l3 − l1) mod L",
			"im": "0: the Re part of the harmonic (√2·Re for a harmonic paired with its conjugate), 1: its √2·Im part; NOT the value's imaginary part (the values are real)",
		}
	case stats.SCov:
		d = map[string]string{
			"j1": "scale of the wavelet inside the (first) modulus, U1 = |x⋆ψ_{j1,l1}| (P00, S1: the wavelet's scale; " + wave + ")",
			"l1": "orientation index of that wavelet: θ = orientation.theta_deg[l1]",
			"j2": "C01: scale of the outer wavelet ψ_{j2,l2} (C01 = ⟨x·conj(U1⋆ψ_{j2,l2})⟩, j1 ≤ j2); C11: scale inside the second modulus U2 = |x⋆ψ_{j2,l2}|",
			"l2": "orientation index of ψ_{j2,l2}: θ = orientation.theta_deg[l2]" + isoNote("l2", "second"),
			"j3": "C11: scale of the outer wavelet ψ_{j3,l3} (C11 = ⟨(U1⋆ψ_{j3,l3})·conj(U2⋆ψ_{j3,l3})⟩, j1 ≤ j2 ≤ j3)",
			"l3": "C11: orientation index of ψ_{j3,l3}: θ = orientation.theta_deg[l3]" + isoNote("l3", "third"),
			"f":  "--cross: the map of mean, var, P00, S1 (0: MAP, 1: the --cross map)",
			"fa": "--cross: the map of the first factor (0: MAP, 1: --cross)",
			"fb": "--cross: the map of the second factor",
		}
	}
	out := map[string]string{}
	keys := jsonColumnKeys(lab.Columns)
	for ci, col := range lab.Columns {
		used := false
		for i := 0; i < lab.Len() && !used; i++ {
			used = lab.Has(i, col)
		}
		if s, ok := d[col]; ok && used {
			out[keys[ci]] = s
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// printLabelKey writes the "# " lines stats puts above its table: what each
// label column (labelColumnDoc) means, one line each in column order, and
// the orientation convention when a column is an orientation.
func printLabelKey(w io.Writer, spec stats.Spec, lab *stlayer.Labels) {
	if cls := classDoc(spec, lab); len(cls) > 0 {
		seen := map[string]bool{}
		for _, c := range lab.Class {
			if s, ok := cls[c]; ok && !seen[c] {
				seen[c] = true
				fmt.Fprintf(w, "# class %s: %s\n", c, s)
			}
		}
	}
	cols := labelColumnDoc(spec, lab)
	if len(cols) == 0 {
		return
	}
	var names []string
	for k := range cols {
		names = append(names, k)
	}
	order := map[string]int{}
	for i, k := range jsonColumnKeys(lab.Columns) {
		order[k] = i
	}
	sort.Slice(names, func(a, b int) bool { return order[names[a]] < order[names[b]] })
	for _, k := range names {
		fmt.Fprintf(w, "# %s: %s\n", k, strings.ReplaceAll(cols[k], "orientation.theta_deg", "theta_deg"))
	}
	// a complex WPH's l runs over 0…2L−1: printComplexKey prints its θ line
	if o := newOrientationDoc(spec, lab); o != nil && !spec.Complex {
		deg := make([]string, len(o.ThetaDeg))
		for l, t := range o.ThetaDeg {
			deg[l] = plotxDeg(t) + "°"
		}
		fmt.Fprintf(w, "# theta_deg (l = 0…%d): %s; %s\n", o.L-1, strings.Join(deg, ", "), orientationAxisNote(spec))
	}
}

// classDoc returns what each class of lab means (stats.ClassDoc: every
// class, where the name alone is ambiguous — the spectra and scov
// --iso/--synthesis "mean" is mean/std, their "P00", "S1", "P11" natural
// logs, the spectra's "C01", "C11" harmonics of normalised covariances —
// and where it is not). Written to the JSON config as "class_doc" and as
// "# class …" lines above stats' table; the dataset and model manifests
// carry the same.
func classDoc(spec stats.Spec, lab *stlayer.Labels) map[string]string {
	return stats.ClassDoc(spec, lab)
}

// labelString renders coefficient i of lab as Labels.String does,
// "C01(a=0,k=0,h1=1,label_im=1)", but with the columns named as the JSON
// names them (jsonColumnKeys): the spectra's "im" column, which is not the
// value's imaginary part, reads label_im, so that the printed table's "im"
// column (the value's) is the only "im" on the line.
func labelString(lab *stlayer.Labels, i int) string {
	if i < 0 || i >= lab.Len() {
		return lab.String(i)
	}
	keys := jsonColumnKeys(lab.Columns)
	var parts []string
	for c, name := range lab.Columns {
		if lab.Has(i, name) {
			parts = append(parts, fmt.Sprintf("%s=%d", keys[c], lab.Rows[i][c]))
		}
	}
	return lab.Class[i] + "(" + strings.Join(parts, ",") + ")"
}
