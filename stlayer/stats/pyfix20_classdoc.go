package stats

import (
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// spectraZerosNote says which spectra entries are identically zero, and
// why they are kept.
const spectraZerosNote = "at a = 0 (j1 = j2) the two moduli play symmetric roles, so the rows with h2 = 0, label_im = 1 (h1 ≠ 0, L/2) are identically 0 (rounding noise, |v| ~ 1e-18: J(J+1)/2·(⌈L/2⌉−1) rows, 15 at J = 5, L = 4) and harmonic (h1, h2) repeats ((−h1−h2) mod L, h2) (Im part with opposite sign); they are kept so that the spectra are one orthogonal transform of the iso vector"

// wphCov is the WPH moment every wph class description refers to.
const wphCov = "C = ⟨(a(r+τ) − ⟨a⟩)·conj(b(r) − ⟨b⟩)⟩_r over the map, [z]^p = |z|·e^{ip·arg z} the phase harmonic ([z]^0 = |z|), τ the translation of columns n, a"

// wphIsoHead is what --iso does to a wph moment (infer.IsoGroupsFullCircle):
// not the plain mean over l1, whose imaginary part it drops at τ = 0.
const wphIsoHead = "--iso: the mean over the 2L rotations of the wavelets by multiples of π/L (the full circle), ½(X̄(τ) + conj X̄(−τ)) with X̄ the mean over l1 of this moment at fixed dl = (l2 − l1) mod L (column l2; column l1 is 0)"

// wphIsoNote completes wphIsoHead for the complex moments (S11, C01,
// Cphase): real at τ = 0, complex at τ ≠ 0.
const wphIsoNote = wphIsoHead + ": real at τ = 0 (im written as 0: the real part of the mean over l1, whose imaginary part is dropped), complex only at τ ≠ 0 (--dn ≥ 1; one row per pair ±τ, the −τ row being its conjugate)"

// s11Tau is what plain wph's class_doc says of S11's values: at τ = 0
// the moment is the variance ⟨|x⋆ψ − ⟨x⋆ψ⟩|²⟩, real (64² log-normal map, J = 3:
// |im| ≤ 1.7e-19 for |re| ~ 0.03; 8e-18 for re 1 under norm auto), complex
// at τ ≠ 0 (|im| up to 0.7 of |re|). Cross and complex data (pseudo = 1)
// have complex rows at τ = 0 too: s11TauComplex, ClassDoc's cross text.
const s11Tau = ", real at τ = 0 (the variance ⟨|x⋆ψ_{j1,l1} − ⟨x⋆ψ_{j1,l1}⟩|²⟩; the im column holds round-off), complex at τ ≠ 0 "

// s11TauComplex replaces s11Tau for complex data z = Q + iU: with
// pseudo = 1, ⟨(z⋆ψ − ⟨z⋆ψ⟩)²⟩ at τ = 0 is complex (on two 64² log-normal
// maps |im| up to 0.5 of |re|).
const s11TauComplex = ", real at τ = 0 with pseudo = 0 (the variance ⟨|z⋆ψ_{j1,l1} − ⟨z⋆ψ_{j1,l1}⟩|²⟩; the im column holds round-off), complex at τ ≠ 0 and with pseudo = 1 "

// wphIsoNoteS00 completes wphIsoHead for S00, real at every τ (its two
// factors are moduli): on the 64² dust map |im| ≤ 1e-20 for |re| ~ 3e-5
// at τ ≠ 0 (TestMisc22WPHIsoS00S01Real).
const wphIsoNoteS00 = wphIsoHead + ": real at every τ, as without --iso (im written as 0 at τ = 0, round-off at τ ≠ 0; --dn ≥ 1: one row per pair ±τ)"

// wphIsoNoteS01 completes wphIsoHead for S01, which has τ = 0 alone.
const wphIsoNoteS01 = wphIsoHead + ": real (τ = 0 alone; im written as 0: the real part of the mean over l1, whose imaginary part is dropped)"

// ClassDoc returns what each class of lab, the labels of the statistic of
// spec s (defaults filled in, WithDefaults), means: the formula, whether it
// is a log or a ratio, its normalisation and its unit: "dimensionless", or
// placeholders standing for the map's unit (ClassDocUnitPhrases: "(in its
// unit)", "(unit)", "(unit squared)", "in the map's unit", "in the map's
// unit squared"), which ClassDocUnit and NameUnit replace by a BUNIT. A
// class name alone is ambiguous: the spectra and scov synthesis "mean" is
// mean/std, their "P00" and "S1" are natural logs (of the mean over l with
// Iso), a raw scov "P00" is not. Every class of the labels of Build's
// operators has an entry; the map is nil for nil labels. stkit writes it
// as "class_doc" into stats' JSON config (and the "# class" lines above
// its table; both with the maps' BUNIT written in by NameUnit when they
// have one), the dataset manifest and the model manifest.
func ClassDoc(s Spec, lab *stlayer.Labels) map[string]string {
	if lab == nil {
		return nil
	}
	var d map[string]string
	switch {
	case s.Kind == Spectra:
		d = map[string]string{
			"mean": "mean/std: the map's mean divided by its standard deviation (unbiased, n − 1; dimensionless), not the raw mean that plain --kind scov writes as mean",
			"P00":  "log P00: natural log of P00_iso(j) = mean over l of ⟨|x⋆ψ_{j,l}|²⟩ (P00 in the map's unit squared)",
			"S1":   "log S1: natural log of S1_iso(j) = mean over l of ⟨|x⋆ψ_{j,l}|⟩ (S1 in the map's unit)",
			"C01":  "S3 spectra (dimensionless): Re C01_iso(j1, j2, dl), C01 normalised by √(P00(j1,l1)·P00(j2,l2)), as real angular harmonic h1 over dl and DCT mode k over j1 at fixed a = j2 − j1",
			"C11":  "S4 spectra (dimensionless): Re C11_iso(j1, j2, j3, dl2, dl3), C11 normalised by √(P00(j1,l1)·P00(j2,l2)), as real angular harmonic (h1, h2) over (dl2, dl3) and DCT mode k over j1 at fixed a = j2 − j1, b = j2 − j3; " + spectraZerosNote,
		}
	case s.Kind == SCov && !s.Cross && (s.Synthesis || s.Iso):
		d = map[string]string{
			"mean":  "mean/std: the map's mean divided by its standard deviation (unbiased, n − 1; dimensionless), not the raw mean that plain --kind scov writes as mean",
			"P00":   "log P00: natural log of P00 = ⟨|x⋆ψ|²⟩ (iso: of its mean over l; P00 in the map's unit squared)",
			"S1":    "log S1: natural log of S1 = ⟨|x⋆ψ|⟩ (iso: of its mean over l; S1 in the map's unit)",
			"P11":   "log P11: natural log of P11 = ⟨||x⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|²⟩ (--norm p11; iso: of its mean over l1 at fixed dl; P11 in the map's unit squared)",
			"C01re": "Re C01 normalised by √(P00·P00) of its two wavelets (--norm p11: by P11), dimensionless; iso: averaged over l1 at fixed dl",
			"C01im": "Im C01, normalised as C01re",
			"C11re": "Re C11 normalised (dimensionless); iso: averaged over l1 at fixed (dl2, dl3)",
			"C11im": "Im C11, normalised as C11re",
		}
	case s.Kind == SCov:
		d = map[string]string{
			"mean": "the map's raw mean (in its unit)",
			"var":  "the map's unbiased variance, Σ(x − mean)²/(n − 1) over its n pixels (n = MN; the interior window's pixels with --pad crop) (unit squared)",
			"P00":  "P00 = ⟨|x⋆ψ_{j1,l1}|²⟩ (unit squared), not a log",
			"S1":   "S1 = ⟨|x⋆ψ_{j1,l1}|⟩ (unit), not a log; the modulus taken at full resolution: with periodic boundaries equal to --kind wst --classic's S1 to round-off, while --kind wst's default 'fast' algorithm takes it on a cropped grid, so its S1 differs from this one by ~1e-4 relative at j1 ≥ 2",
			"C01":  "raw C01 = ⟨(x − ⟨x⟩)·conj(|x⋆ψ_{j1,l1}|⋆ψ_{j2,l2})⟩ (Cheng's S3, j1 ≤ j2), complex, not normalised whatever --norm (unit squared)",
			"C11":  "raw C11 = ⟨(|x⋆ψ_{j1,l1}|⋆ψ_{j3,l3})·conj(|x⋆ψ_{j2,l2}|⋆ψ_{j3,l3})⟩ (Cheng's S4, j1 ≤ j2 ≤ j3), complex, not normalised whatever --norm (unit squared)",
			"C00":  "C00 = ⟨(a⋆ψ_{j1,l1})·conj(b⋆ψ_{j1,l1})⟩, the cross power of the pair's two maps a, b (unit squared)",
		}
		if s.Cross {
			for _, c := range []string{"mean", "var", "P00", "S1"} {
				d[c] += "; of map f of the pair (column f)"
			}
			for _, c := range []string{"C01", "C11", "C00"} {
				d[c] += "; the factors from maps fa and fb of the pair (columns fa, fb)"
			}
		}
	case s.Kind == WST && s.Synthesis:
		d = map[string]string{
			"logS1":     "natural log of S1 = ⟨|x⋆ψ_{j1,l1}|⟩ (S1 in the map's unit)",
			"logS2":     "natural log of S2 = ⟨||x⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|⟩ (S2 in the map's unit)",
			"logS1_iso": "natural log of S1 averaged over l1 (S1 in the map's unit)",
			"logS2_iso": "natural log of S2 averaged over l1 at fixed dl (column l2) (S2 in the map's unit)",
		}
	case s.Kind == WST && s.Local:
		d = map[string]string{
			"S0": "x⋆φ_J, the map low-passed at scale 2^J, one value per point of the local grid (Kymatio's local WST) (in its unit)",
			"S1": "|x⋆ψ_{j1,l1}|⋆φ_J, per point of the local grid (unit); exact at j1 = 0, for j1 ≥ 1 Kymatio's value: the modulus taken on the grid subsampled by 2^{j1} (aliased), a few % off this formula at full resolution (up to 7 % at j1 = 2 on a 64² dust map)",
			"S2": "||x⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|⋆φ_J, per point of the local grid (unit); Kymatio's value: the moduli taken on the grids subsampled by 2^{j1} and 2^{j2} (aliased), several % off this formula at full resolution (up to 19 % at j2 = 2 on a 64² dust map)",
		}
	case s.Kind == WST:
		d = map[string]string{
			"S0":      "S0 = ⟨x⟩, the map's raw mean (in its unit)",
			"S1":      "S1 = ⟨|x⋆ψ_{j1,l1}|⟩ (unit), raw: not a log",
			"P00":     "P00 = ⟨|x⋆ψ_{j1,l1}|²⟩ (unit squared)",
			"S2":      "S2 = ⟨||x⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|⟩ (unit)",
			"P11":     "P11 = ⟨||x⋆ψ_{j1,l1}|⋆ψ_{j2,l2}|²⟩ (unit squared)",
			"S1_iso":  "S1 averaged over l1 (unit)",
			"P00_iso": "P00 averaged over l1 (unit squared)",
			"S2_iso":  "S2 averaged over l1 at fixed dl = l2 − l1 mod L (column l2) (unit)",
			"P11_iso": "P11 averaged over l1 at fixed dl = l2 − l1 mod L (column l2) (unit squared)",
			"s21":     "s21 = mean over dl of S2_iso(j1, j2, dl) / S1_iso(j1), dimensionless",
			"s22":     "s22 = S2_iso(j1, j2, 0) / S2_iso(j1, j2, ⌊L/2⌋), dimensionless",
		}
	case s.Kind == WPH:
		unit := "(unit squared; raw: --norm none)"
		if s.Norm == "auto" {
			unit = "(dimensionless: PyWPH's norm='auto', the factors' means and the division by σ_a·σ_b from the reference)"
		}
		d = map[string]string{
			"S11":    "WPH C with a = b = x⋆ψ_{j1,l1} (p1 = p2 = 1): the wavelet's autocovariance at τ" + s11Tau + unit,
			"S00":    "WPH C with a = b = |x⋆ψ_{j1,l1}| (p1 = p2 = 0): the modulus' autocovariance at τ, real (both factors are moduli; the im column holds round-off, ~1e-15 of re) " + unit,
			"S01":    "WPH C with a = |x⋆ψ_{j1,l1}|, b = x⋆ψ_{j1,l1} (p1 = 0, p2 = 1), τ = 0, complex " + unit,
			"C01":    "WPH C with a = |x⋆ψ_{j1,l1}|, b = x⋆ψ_{j2,l2} (p1 = 0, p2 = 1), j1 < j2, complex " + unit,
			"Cphase": "WPH C with a = x⋆ψ_{j1,l1}, b = [x⋆ψ_{j2,l1}]^{2^{j2−j1}} (phase harmonic p2 = 2^{j2−j1}), j1 < j2, complex " + unit,
			"L":      "scaling moment Cov([y − ⟨y⟩]^{p1}, [y − ⟨y⟩]^{p2}), y = x⋆φ_j, φ_j PyWPH's Gaussian low-pass of scale j (column j1), (p1, p2) in columns p1, p2 " + unit,
		}
		for c := range d {
			if c != "L" {
				d[c] += "; " + wphCov
			}
		}
		if s.Iso {
			for c := range d {
				if c != "L" {
					note := wphIsoNote
					switch c {
					case "S00":
						note = wphIsoNoteS00
					case "S01":
						note = wphIsoNoteS01
					}
					d[c] = strings.Replace(strings.Replace(d[c], s11Tau, " ", 1), ", complex ", " ", 1) + "; " + note
				}
			}
		}
		if s.Complex {
			d["S11"] = strings.Replace(d["S11"], s11Tau, s11TauComplex, 1)
			for c := range d {
				d[c] += "; of z = Q + iU, with pseudo = 1 the second factor not conjugated"
			}
		}
		if s.Cross {
			d["S11"] = strings.Replace(d["S11"], s11Tau, ", complex (at τ = 0 too: a and b are the wavelet transforms of two maps) ", 1)
			for c := range d {
				d[c] += "; a from the pair's first map, b from its second"
			}
		}
	}
	out := map[string]string{}
	for _, c := range lab.Class {
		if v, ok := d[c]; ok {
			out[c] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
