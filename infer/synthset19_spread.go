package infer

import (
	"math"
	"slices"

	"github.com/stkit-org/stkit/stlayer"
)

// SpreadNoteThreshold is the median ratio of the syntheses' spread to the
// targets' (SynthSpread.Median) below which SynthSpread carries its Note.
const SpreadNoteThreshold = 0.3

// SpreadNote is SynthSpread's Note: what a spread ratio far below 1 means.
const SpreadNote = "syntheses match the mean statistic; their spread is not the set's: do not use them to estimate covariances"

// SynthSpreadClass is the spread of one coefficient class: its
// coefficients that vary over the target maps and the median over them of
// the syntheses' std / the targets' std.
type SynthSpreadClass struct {
	Class        string  `json:"class"`
	Coefficients int     `json:"coefficients"`
	SDRatio      float64 `json:"sd_ratio_median"`
}

// SynthSpread compares the spread of K syntheses with that of the N maps
// they were made to match (or of a reference set), coefficient by
// coefficient of the matched statistic: the ratio of their unbiased
// stds (|·| of complex deviations), per class (SynthSpreadClass) and as the
// median over all coefficients (Median), and the same ratio for the pixel
// means (PixelMeanSDRatio). A synthesis from a set matches the set's MEAN
// Φ (the microcanonical ensemble of the mean), so its spread is far below
// the set's: on 256² Quijote maps (scov iso, J = 7, 20 targets, 4
// syntheses, 150 steps) the class medians were P00 0.016, S1 0.018, C01
// 0.041, C11 0.027 and the pixel means' 0.0003. Note is SpreadNote when Median < SpreadNoteThreshold.
type SynthSpread struct {
	Syntheses        int                `json:"syntheses"`
	Targets          int                `json:"targets"`
	Classes          []SynthSpreadClass `json:"classes"`
	Median           float64            `json:"sd_ratio_median"`
	PixelMeanSDRatio float64            `json:"pixel_mean_sd_ratio"` // −1: the targets' means agree
	Note             string             `json:"note,omitempty"`
}

// NewSynthSpread evaluates op on the syntheses synth and on the targets
// target (≥ 2 maps each, the same size) and returns their SynthSpread.
// Coefficients whose std over the targets is at most 1e-9 of their class's
// scale (its largest |mean| or std: constant up to round-off) are left
// out, and PixelMeanSDRatio is −1 when the targets' pixel means agree to
// 1e-9 of their size (maps normalised to one mean). Fewer than 2 maps in
// either set, maps of other sizes and a statistic without any varying
// coefficient are input errors (ErrModelInput).
func NewSynthSpread(eng stlayer.Engine, op StatOp, target, synth *stlayer.Maps) (*SynthSpread, error) {
	if target == nil || synth == nil || target.B < 2 || synth.B < 2 {
		return nil, inputErrorf("spread: want ≥ 2 syntheses and ≥ 2 target maps")
	}
	if target.M != synth.M || target.N != synth.N {
		return nil, inputErrorf("spread: syntheses of %d×%d, targets of %d×%d", synth.M, synth.N, target.M, target.N)
	}
	ys, err := phiRows(eng, op, target)
	if err != nil {
		return nil, err
	}
	xs, err := phiRows(eng, op, synth)
	if err != nil {
		return nil, err
	}
	mt, st := phiMeanStd(ys, -1)
	_, ss := phiMeanStd(xs, -1)
	lab := op.Labels()
	class := func(k int) string {
		if lab != nil && len(lab.Class) == len(st) {
			return lab.Class[k]
		}
		return "all"
	}
	top := map[string]float64{} // the class's scale: its largest |mean| or std
	for k, v := range st {
		top[class(k)] = math.Max(top[class(k)], math.Max(v, math.Hypot(real(mt[k]), imag(mt[k]))))
	}
	ratios := map[string][]float64{}
	var order []string
	var all []float64
	for k, v := range st {
		c := class(k)
		if !(v > 1e-9*top[c]) {
			continue
		}
		if _, ok := ratios[c]; !ok {
			order = append(order, c)
		}
		r := ss[k] / v
		ratios[c] = append(ratios[c], r)
		all = append(all, r)
	}
	if len(all) == 0 {
		return nil, inputErrorf("spread: no coefficient varies over the %d target maps", target.B)
	}
	sp := &SynthSpread{Syntheses: synth.B, Targets: target.B, Median: median(all)}
	for _, c := range order {
		sp.Classes = append(sp.Classes, SynthSpreadClass{Class: c, Coefficients: len(ratios[c]), SDRatio: median(ratios[c])})
	}
	pm := func(x *stlayer.Maps) []float64 {
		out := make([]float64, x.B)
		for b := range out {
			out[b], _, _, _ = Moments(x.Map(b))
		}
		return out
	}
	tm, tsd, _, _ := Moments(pm(target))
	_, ssd, _, _ := Moments(pm(synth))
	sp.PixelMeanSDRatio = -1
	if tsd > 1e-9*math.Abs(tm) {
		// Moments' std is the population one for both: the ratio of the
		// unbiased ones is theirs times √(K(N−1)/((K−1)N)), K syntheses
		// and N targets.
		sp.PixelMeanSDRatio = ssd / tsd * math.Sqrt(float64(synth.B)/float64(synth.B-1)*float64(target.B-1)/float64(target.B))
	}
	if sp.Median < SpreadNoteThreshold {
		sp.Note = SpreadNote
	}
	return sp, nil
}

// median returns the median of v (not empty; v is not modified).
func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
