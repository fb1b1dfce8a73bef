package main

import (
	"fmt"
	"math"
	"slices"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/filters"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// orientationDoc is the JSON config's "orientation": what the orientation
// index l of the label columns l1, l2, l3 means for the statistic's family.
// The two wavelet families count angles differently (and are kept so, for
// parity with the reference libraries):
//
//	wst, scov (Morlet, Cheng/Kymatio)  θ_l = (⌊L/2⌋−1−l)·180°/L from the ROW axis
//	                                   toward the column axis (L = 8: 67.5° … −90°)
//	wph (PyWPH's bump-steerable)       θ_l = l·180°/L from the COLUMN axis
//	                                   toward the row axis (L = 4: 0°, 45°, 90°, 135°)
//
// θ_l is the direction of wavelet l's wave vector; the structures it
// responds to (stripes, filaments, edges) run perpendicular to it. A map of
// horizontal stripes (x[i, j] = cos(ω·i), i the row index) peaks at Morlet
// l = 3 for L = 8 (θ = 0°: along the row axis) and at bump l = 2 for L = 4
// (θ = 90° from the column axis: along the row axis too).
type orientationDoc struct {
	Wavelet string `json:"wavelet"`
	L       int    `json:"L"`
	// ThetaDeg[l] is θ_l in degrees, in the family's own convention.
	ThetaDeg     []float64 `json:"theta_deg"`
	MeasuredFrom string    `json:"measured_from"`
	Convention   string    `json:"convention"`
	// DL says what an orientation column holds in the isotropic classes:
	// Δl = (l2 − l1) mod L, not an absolute orientation.
	DL string `json:"dl,omitempty"`
}

// thetaDeg returns θ_l in degrees for l = 0…L−1 in the convention of the
// family of spec (Kind, defaults filled in): filters.MorletTheta for the
// Morlet families, l·180/L for wph.
func thetaDeg(spec stats.Spec) []float64 {
	th := make([]float64, spec.L)
	for l := range th {
		if spec.Kind == stats.WPH {
			th[l] = float64(l) * 180 / float64(spec.L)
		} else {
			th[l] = filters.MorletTheta(l, spec.L) * 180 / math.Pi
		}
		th[l] = math.Round(th[l]*1e9) / 1e9 // 67.5, not 67.50000000000001
	}
	return th
}

// thetaLabel is the orientation l with its angle for plot legends:
// "l=3 (θ=0°)", "l=1 (θ=45°)"; spec has its defaults filled in.
func thetaLabel(spec stats.Spec, name string, l int) string {
	if l < 0 || l >= spec.L {
		return fmt.Sprintf("%s=%d", name, l)
	}
	return fmt.Sprintf("%s=%d (θ=%s°)", name, l, plotxDeg(thetaDeg(spec)[l]))
}

// plotxDeg formats an angle in degrees with at most one decimal ("67.5",
// "-90", "0").
func plotxDeg(d float64) string {
	if d == 0 {
		d = 0 // no "-0"
	}
	return fmt.Sprintf("%.4g", d)
}

// orientationAxisNote is the sentence a dashboard with orientation legends
// puts under its title: which axis θ is measured from, and that it is the
// wave vector's direction.
func orientationAxisNote(spec stats.Spec) string {
	if spec.Kind == stats.WPH {
		return fmt.Sprintf("θ_l = l·180°/%d: wave-vector direction from the column axis toward the row axis (structures run perpendicular)", spec.L)
	}
	return fmt.Sprintf("θ_l = (%d−l)·180°/%d: wave-vector direction from the row axis toward the column axis (structures run perpendicular)", max(spec.L/2-1, 0), spec.L)
}

// hasOrientation reports whether some row of lab has an orientation column
// (l1, l2 or l3) that applies.
func hasOrientation(lab *stlayer.Labels) bool {
	for i := 0; i < lab.Len(); i++ {
		for _, c := range []string{"l1", "l2", "l3"} {
			if lab.Has(i, c) {
				return true
			}
		}
	}
	return false
}

// isoClass reports whether the orientation columns of class hold
// differences Δl = (l − l1) mod L rather than orientations: the isotropic
// reductions (wst *_iso; scov --iso/--synthesis's iso vector C01re, C11re,
// P11 rows without l1; wph --iso, whose l1 is 0).
func isoClass(spec stats.Spec, lab *stlayer.Labels, i int) bool {
	if spec.Kind == stats.WPH {
		return spec.Iso && lab.Has(i, "l2")
	}
	return !lab.Has(i, "l1") && (lab.Has(i, "l2") || lab.Has(i, "l3"))
}

// newOrientationDoc returns the JSON config's orientation entry for spec
// (defaults filled in) and its label table, nil when no coefficient has an
// orientation column (spectra, whose h1, h2 are angular frequencies).
func newOrientationDoc(spec stats.Spec, lab *stlayer.Labels) *orientationDoc {
	if lab == nil || spec.L < 1 || !hasOrientation(lab) {
		return nil
	}
	d := &orientationDoc{Wavelet: spec.Wavelet, L: spec.L, ThetaDeg: thetaDeg(spec)}
	th := d.ThetaDeg
	if spec.Kind == stats.WPH {
		d.MeasuredFrom = "column axis (axis 1, x), toward the row axis (axis 0)"
		d.Convention = fmt.Sprintf("theta_deg[l] = l·180°/%d is the direction of the wave vector of wavelet l (PyWPH's bump-steerable: arg k = atan2(k_row, k_col)); the structures it responds to (stripes, filaments, edges) run perpendicular to it: horizontal stripes (the map varying with the row index only) peak at θ = 90° (%s), vertical stripes at θ = 0° (%s). Angles are modulo 180°.", spec.L, nearestL(th, 90), nearestL(th, 0))
	} else {
		d.MeasuredFrom = "row axis (axis 0, y: the row index, increasing upward in stkit's figures, which draw row 0 at the bottom), toward the column axis (axis 1)"
		d.Convention = fmt.Sprintf("theta_deg[l] = (%d−l)·180°/%d is the direction of the wave vector of wavelet l, ξ·(cos θ, sin θ) in (row, column) coordinates (Cheng/Kymatio Morlet); the structures it responds to (stripes, filaments, edges) run perpendicular to it: horizontal stripes (the map varying with the row index only) peak at θ = 0° (%s), vertical stripes at θ = ±90° (%s). Angles are modulo 180°.", max(spec.L/2-1, 0), spec.L, nearestL(th, 0), nearestL(th, 90))
	}
	for i := 0; i < lab.Len(); i++ {
		if isoClass(spec, lab, i) {
			sense := "θ decreases with l for the Morlet wavelets, so the second wavelet is at θ_l1 − dl·180°/L"
			avg := "averaged over l1"
			if spec.Kind == stats.WPH {
				sense = "the second wavelet is at θ_l1 + dl·180°/L"
				avg = "averaged over the 2L rotations of the full circle: ½(X̄(τ) + conj X̄(−τ)), X̄ the mean over l1 at fixed dl, i.e. at τ = 0 the real part of the mean over l1"
			}
			d.DL = fmt.Sprintf("in the isotropic classes (%s) the orientation columns are not orientations: l2 (l3) holds dl = (l2 − l1) mod %d, the orientation of the second (third) wavelet relative to the first, %s (%s; dl = 0: parallel wave vectors)", isoClassList(spec, lab), spec.L, avg, sense)
			break
		}
	}
	return d
}

// isoClassList names the classes of lab whose orientation columns hold
// differences (isoClass), comma-separated in table order.
func isoClassList(spec stats.Spec, lab *stlayer.Labels) string {
	var cls []string
	for i := 0; i < lab.Len(); i++ {
		if isoClass(spec, lab, i) && !slices.Contains(cls, lab.Class[i]) {
			cls = append(cls, lab.Class[i])
		}
	}
	s := ""
	for k, c := range cls {
		if k > 0 {
			s += ", "
		}
		s += c
	}
	return s
}

// nearestL names the orientation of th (degrees, modulo 180°) nearest to
// target: "l = 3" when one is at target, else "nearest: l = 1, 60°".
func nearestL(th []float64, target float64) string {
	best, bd := 0, math.Inf(1)
	for l, t := range th {
		d := math.Mod(math.Abs(t-target), 180)
		d = min(d, 180-d)
		if d < bd-1e-9 {
			best, bd = l, d
		}
	}
	if bd < 1e-6 {
		return fmt.Sprintf("l = %d", best)
	}
	return fmt.Sprintf("nearest: l = %d, %s°", best, plotxDeg(th[best]))
}
