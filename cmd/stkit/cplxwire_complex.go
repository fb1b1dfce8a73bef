package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Complex data for stats --kind wph (PyWPH cplx=True, stats.Spec.Complex):
// z = Q + iU given as two real maps (MAP and --imag) or as one complex
// .npy/.npz MAP (its real and imaginary parts).

// readComplexMap reads path as complex maps, its real part q and its
// imaginary part u, where readMapsCards refused it with readErr because it
// holds complex numbers. A file that is not complex (readErr has another
// cause: a missing file, UNSEEN pixels, …) gives readErr back unchanged.
func readComplexMap(path string, readErr error) (q, u *stlayer.Maps, err error) {
	var ve *datasets.ValidationError
	if !errors.As(readErr, &ve) {
		return nil, nil, readErr
	}
	u, err = datasets.ReadMapsPart(path, datasets.ImagPart)
	if err != nil {
		return nil, nil, readErr // real data (the imaginary part is refused): readErr was about something else
	}
	q, err = datasets.ReadMapsPart(path, datasets.RealPart)
	if err != nil {
		return nil, nil, asBadInput(err)
	}
	for _, m := range []*stlayer.Maps{q, u} {
		if err := checkUnseen(path, m, unseenHint); err != nil {
			return nil, nil, err
		}
	}
	return q, u, nil
}

// checkComplexSpec refuses the options the complex WPH does not have, in the
// command line's terms: src says where the complex data came from ("--imag
// U.npy" or "MAP.npy holds complex numbers"). spec has its defaults filled in.
func checkComplexSpec(spec stats.Spec, src string) error {
	if spec.Kind != stats.WPH {
		return badInputf("%s: complex data z = Q + iU have the complex WPH only (PyWPH cplx=True), not --kind %s: add --kind wph", src, spec.Kind)
	}
	var given []string
	for _, f := range []struct {
		on   bool
		flag string
	}{{spec.Iso, "--iso"}, {spec.Synthesis, "--synthesis"}} {
		if f.on {
			given = append(given, f.flag)
		}
	}
	if len(given) > 0 {
		return badInputf("%s: the complex WPH (z = Q + iU) has no %s variant (the isotropic WPH and the synthesis vector take real maps): leave %s out", src, strings.Join(given, " or "), strings.Join(given, " and "))
	}
	return nil
}

// complexOrientation amends the JSON config's orientation entry d of a
// complex WPH (stats.Spec.Complex; spec has its defaults filled in): its
// label columns l1, l2 run over 0…2L−1, θ_l = l·180°/L over [0°, 360°),
// and θ and θ + 180° are distinct wavelets (for complex z, z⋆ψ_{θ+π} is not
// conj(z⋆ψ_θ)), so the angles are not modulo 180°.
func complexOrientation(d *orientationDoc, spec stats.Spec) {
	if d == nil || !spec.Complex || spec.L < 1 {
		return
	}
	d.ThetaDeg = make([]float64, 2*spec.L)
	for l := range d.ThetaDeg {
		d.ThetaDeg[l] = float64(l) * 180 / float64(spec.L)
	}
	d.Convention = fmt.Sprintf("complex data (z = Q + iU, PyWPH cplx=True): theta_deg[l] = l·180°/%d for l = 0…%d over [0°, 360°) is the direction of the wave vector of wavelet l (PyWPH's bump-steerable: arg k = atan2(k_row, k_col)); l and l + %d are opposite wave vectors, distinct wavelets for complex z (z⋆ψ_{θ+180°} is not conj(z⋆ψ_θ)), so the angles are not modulo 180°; the pseudo moments (pseudo = 1) pair l1 with l2 = l1 + %d. The structures a wavelet responds to run perpendicular to its wave vector.",
		spec.L, 2*spec.L-1, spec.L, spec.L)
}

// printComplexKey writes the "# " line stats puts above its table for a
// complex WPH (after printLabelKey, whose theta_deg line covers l < L): θ
// of every orientation index l = 0…2L−1 and what the pseudo rows pair.
func printComplexKey(w io.Writer, spec stats.Spec) {
	if !spec.Complex || spec.L < 1 {
		return
	}
	deg := make([]string, 2*spec.L)
	for l := range deg {
		deg[l] = plotxDeg(float64(l)*180/float64(spec.L)) + "°"
	}
	fmt.Fprintf(w, "# complex data (z = Q + iU): l1, l2 = 0…%d, theta_deg %s over [0°, 360°) (l and l + %d are opposite wave vectors, distinct for complex z); pseudo = 1 rows pair l1 with l2 = l1 + %d\n",
		2*spec.L-1, strings.Join(deg, ", "), spec.L, spec.L)
}
