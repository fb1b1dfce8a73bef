package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// validateSpec is validateJ with the size rule of the statistic spec
// (datasets.ValidateMapsFor): maps of any size from 2^(J+1) pixels a side,
// even sides for the global wst, scov and spectra, more than twice the
// border of --pad crop. spec must have its defaults filled in (J ≥ 1 the
// one in use); given and rule are validateJ's. Maps too small for J are
// refused naming the largest J the maps allow for that statistic; odd
// sides where even ones are needed with the crop that fits ("Crop the
// maps to 500×500 pixels (numpy: x[:500, :500] …)").
func validateSpec(path string, m *stlayer.Maps, spec stats.Spec, given bool, rule string) error {
	return validateSized(path, m, spec.J, &spec, given, rule)
}

// validateSized checks maps for J scales, with the size rule of spec, or
// when spec is nil the rule every statistic shares (datasets.MinSideRule:
// at least 2^(J+1) pixels a side; J = 0 asks for 2×2), and adds to a
// refusal what to do in terms of -J (see validateJ).
func validateSized(path string, m *stlayer.Maps, J int, spec *stats.Spec, given bool, rule string) error {
	var err error
	if spec != nil {
		err = datasets.ValidateMapsFor(m, *spec)
	} else {
		err = datasets.ValidateMapsRule(m, datasets.MinSideRule(J))
	}
	if err == nil {
		return nil
	}
	valid := m != nil && m.M > 1 && m.N > 1 && J > 0 && J <= 30
	tooBig, hint := false, ""
	if valid {
		r := datasets.MinSideRule(J)
		if spec != nil {
			r = datasets.RuleFor(*spec, m.M, m.N)
		}
		tooBig = min(m.M, m.N) < r.MinSide
		if tooBig {
			hint = jHint(m, spec, r, given)
		}
	}
	var ve *datasets.ValidationError
	if errors.As(err, &ve) && ve.Unseen > 0 {
		return unseenError(path, ve, unseenHint)
	}
	if errors.As(err, &ve) && ve.Path == "" {
		ve.Path = path // "datasets: PATH: problem", as the readers' errors
		if !tooBig && strings.Contains(ve.Msg, "non-finite pixel") {
			ve.Msg += fitsBlankNote(path) + ". No stkit option masks pixels in whole maps; stkit patches --skip-nan leaves out the patches that hold them; " +
				"stats, synth and separate --crop valid cut the maps to their largest rectangle without them (printed), stats --skip-nan leaves out the maps that hold them"
		}
		if j := fmt.Sprintf("J=%d ", J); tooBig && !given && strings.HasPrefix(ve.Msg, j) {
			def := "the default J=" + strconv.Itoa(J)
			if rule != "" {
				def += " (" + rule + ")"
			}
			ve.Msg = def + " " + strings.TrimPrefix(ve.Msg, j)
		}
		ve.Msg += hint
		return badInput{ve}
	}
	return badInputf("%s: %v%s", path, err, hint)
}

// jHint says which -J the M×N maps allow (for spec's statistic, or any
// statistic when spec is nil), in validateJ's words: " (use -J 5 or less
// for 100×100 maps)" after a given -J, "; give -J 5 or less" after a
// default one. Where even sides are needed (r.Even) and a side is odd, the
// J is that of the maps cropped to even sides, and the hint says so.
func jHint(m *stlayer.Maps, spec *stats.Spec, r datasets.SizeRule, given bool) string {
	M, N := m.M, m.N
	if r.Even {
		M, N = M&^1, N&^1
	}
	best := largestJ(M, N)
	if spec != nil {
		best = datasets.LargestJ(*spec, M, N)
	}
	crop := ""
	if M != m.M || N != m.N {
		crop = fmt.Sprintf(", cropped to %d×%d pixels", M, N)
	}
	if best == 0 {
		need := "maps of at least 4×4 pixels are needed"
		if r.Even {
			need = fmt.Sprintf("%s needs maps of at least 16×16 pixels with even sides", r.Name)
		}
		if given {
			return fmt.Sprintf(" (%d×%d maps allow no J ≥ 1: %s)", m.M, m.N, need)
		}
		return fmt.Sprintf("; %d×%d maps allow no J ≥ 1: %s", m.M, m.N, need)
	}
	if given {
		return fmt.Sprintf(" (use -J %d or less for %d×%d maps%s)", best, m.M, m.N, crop)
	}
	return fmt.Sprintf("; give -J %d or less%s", best, crop)
}

// validateSetSpec is validateSetJ with the size rule of the statistic spec
// (validateSpec): for the maps m of a map argument read as the set s (nil
// for a map read otherwise), a problem of pixels is reported by the file
// that holds it, a problem of size by the set.
func validateSetSpec(path string, s *mapSet, m *stlayer.Maps, spec stats.Spec, given bool, rule string) error {
	err := validateSpec(path, m, spec, given, rule)
	if err == nil || m == nil {
		return err
	}
	sizeOK := m.M > 0 && m.N > 0 && datasets.RuleFor(spec, m.M, m.N).Fits(m.M, m.N)
	return byFile(err, s, m, sizeOK, func(file string, sub *stlayer.Maps) error {
		return validateSpec(file, sub, spec, given, rule)
	})
}

// byFile returns, for err (a refusal of the maps m of the set s), the
// refusal check gives for the first of s's files whose maps it refuses,
// when m is s's maps, of more than one file, and their size is not what
// was refused (sizeOK); else err. The maps of each file are checked as a
// batch of their own (the map counted in that file).
func byFile(err error, s *mapSet, m *stlayer.Maps, sizeOK bool, check func(file string, sub *stlayer.Maps) error) error {
	if s == nil || s.Maps != m || len(s.Files) < 2 || len(s.FileOf) != m.B || !sizeOK {
		return err
	}
	px := m.M * m.N
	for b := 0; b < m.B; {
		f, e := s.FileOf[b], b
		for e < m.B && s.FileOf[e] == f {
			e++
		}
		sub := &stlayer.Maps{B: e - b, M: m.M, N: m.N, Data: m.Data[b*px : e*px]}
		if ferr := check(s.Files[f], sub); ferr != nil {
			return ferr
		}
		b = e
	}
	return err
}
