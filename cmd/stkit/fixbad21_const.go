package main

import (
	"fmt"
	"io"

	"github.com/stkit-org/stkit/stlayer"
)

// constantAnisoDropped returns d, the anisotropy summary of maps (imag: the
// imaginary parts of complex data, else nil), or nil with a note on w when
// a map is constant (z = MAP + i·IMAG with --imag): its first-order
// coefficients are 0 at every orientation, so A_j = |Σ_l S(j,l)·e^{2iφ_l}|
// / Σ_l S(j,l) is 0/0 and its noise floor, from the map's zero spectrum,
// is undefined. stats wrote the .npz arrays anisotropy_noise_rms and
// anisotropy_noise_floor as NaN (amplitude 0) with exit 0 for stats
// const.npy --kind wph -o c.npz, and the JSON and the table said A = 0,
// floor 0, not significant. The summary is left out for the whole batch
// (the .npz arrays are [B, J]); the coefficients, defined there, are
// written (badfix20's refusal concerns the scov and wst dicts, whose
// arrays are the output itself).
func constantAnisoDropped(w io.Writer, d *anisotropyDoc, maps, imag *stlayer.Maps, src string) *anisotropyDoc {
	if d == nil || maps == nil {
		return d
	}
	for b := 0; b < maps.B; b++ {
		v, ok := stlayer.ConstantValue(maps.Map(b))
		if !ok {
			continue
		}
		what := stlayer.ConstantWords(v)
		if imag != nil {
			u, ok := stlayer.ConstantValue(imag.Map(b))
			if !ok {
				continue
			}
			what = fmt.Sprintf("constant (z = MAP + i·IMAG = %g%+gi at every pixel)", v, u)
		}
		name := fmt.Sprintf("map %d of %s", b, src)
		if maps.B == 1 {
			name = src
		}
		batch := ""
		if maps.B > 1 {
			batch = fmt.Sprintf(" for all %d maps (give the varying maps alone for it)", maps.B)
		}
		fmt.Fprintf(w, "stats: note: %s is %s: no anisotropy summary%s (the .npz's anisotropy_* arrays, the JSON's \"anisotropy\", the table's # anisotropy lines): its amplitude A_j = |Σ_l S(j,l)·e^{2iφ_l}| / Σ_l S(j,l) is 0/0 there; the coefficients are written\n",
			name, what, batch)
		return nil
	}
	return d
}
