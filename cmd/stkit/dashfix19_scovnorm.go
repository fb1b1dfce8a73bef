package main

// scovNormText names the denominators of the normalised C01 and C11 that
// the scov dashboard's S3 and S4 panels draw (scov.Result's C01, C11), and
// a line (note) saying that they are dimensionless while stats --kind scov
// prints the raw moments.
type scovNormText struct {
	c01, c11, note string
}

// scovNormOf is the scovNormText of scov's normalisation: P00 (default:
// C01 and C11 divided by √(P00(j1)·P00(j2)), P00 of the wavelet at each
// scale and orientation) or P11 (C01 by √(P00(j2)·P11(j1,j2)), C11 by
// √(P11(j1,j3)·P11(j2,j3))); ref says that P00 and P11 are those of the
// operator's reference, not each map's own (Cheng's use_ref): stats --kind
// scov --synthesis or --iso --plot measures it on all the maps given
// (stats.BuildWithRef). There is no stats --ref flag.
func scovNormOf(p11, ref bool) scovNormText {
	n := scovNormText{c01: "√(P00(j1)·P00(j2))", c11: "√(P00(j1)·P00(j2))"}
	if p11 {
		n = scovNormText{c01: "√(P00(j2)·P11(j1,j2))", c11: "√(P11(j1,j3)·P11(j2,j3))"}
	}
	n.note = "(dimensionless; stats --kind scov prints the raw C01, C11 in the unit squared)"
	if ref {
		n.note = "(P00, P11 of the reference maps; dimensionless; stats --kind scov prints the raw C01, C11)"
	}
	return n
}

// s4Baseline is the caveat on S4 that the scov and spectra dashboards
// print: its value for a Gaussian field is not 0 (turb, 8 GRFs with the
// spectrum of dust I_1, spectra C11 at k = 0, h = 0: 0.0151 ± 0.0004 at
// a = 2, b = 0; 0.0014 at a = 4; white noise 0.0011), and depends on the
// slope of the power spectrum.
const s4Baseline = "(a Gaussian field's S4 is not 0 and depends on its slope: judge S4 against phase surrogates, stkit surrogate)"
