package infer

import (
	"fmt"
	"math"
)

// boxPenalty is the quadratic box penalty of a separation (SepLoss.BoxLo,
// BoxHi) and of a synthesis (BoxTerm), one definition for both:
//
//	P = w · Σ_i (min(x_i − lo_i, 0)² + max(x_i − hi_i, 0)²)
//
// It returns P and adds ∂P/∂x_i = 2w·(x_i − lo_i) below lo_i, 2w·(x_i − hi_i)
// above hi_i, into grad (len(x)). A nil bound is absent; a bound of one value
// holds at every pixel, otherwise it has one value per pixel (len(x)). An
// infinite bound (lo_i = −Inf, hi_i = +Inf) never binds. Callers give w per
// pixel: the weight of a mean over the pixels is W/len(x).
func boxPenalty(x, grad []float64, w float64, lo, hi []float64) float64 {
	pen := 0.0
	at := func(b []float64, i int) float64 {
		if len(b) == 1 {
			return b[0]
		}
		return b[i]
	}
	for i, v := range x {
		if lo != nil {
			if d := v - at(lo, i); d < 0 {
				pen += w * d * d
				grad[i] += 2 * w * d
			}
		}
		if hi != nil {
			if d := v - at(hi, i); d > 0 {
				pen += w * d * d
				grad[i] += 2 * w * d
			}
		}
	}
	return pen
}

// DefaultBoxWeight is the weight of a synthesis's box penalty, in units of
// 1/var(target), when GenerateConfig.BoxWeight is ≤ 0: 1e3/var(target), the
// separation's default 1e3/var(d) (SeparationOptions.BoxWeight).
const DefaultBoxWeight = 1e3

// PixelBox is a pixel range [Lo, Hi] for the maps of a synthesis
// (GenerateConfig.Box), in the target's units. Lo = −Inf or Hi = +Inf
// leaves that side open: PixelBox{0, math.Inf(1)} keeps the pixels ≥ 0 (an
// intensity, a density).
//
// It is enforced by a quadratic penalty (BoxTerm), not as a hard bound:
// gonum's L-BFGS has no bounds. The maps can end slightly outside it, by
// the pixels' share of the statistic's gradient over the penalty's
// curvature (see GenerateConfig.Box for what was measured).
type PixelBox struct{ Lo, Hi float64 }

// PositiveBox is the box [0, +Inf).
func PositiveBox() PixelBox { return PixelBox{0, math.Inf(1)} }

// String writes the box as an interval, e.g. "[0, +Inf)".
func (b PixelBox) String() string {
	l, r := "[", "]"
	if math.IsInf(b.Lo, -1) {
		l = "("
	}
	if math.IsInf(b.Hi, 1) {
		r = ")"
	}
	return fmt.Sprintf("%s%g, %g%s", l, b.Lo, b.Hi, r)
}

// check refuses a NaN bound and Lo ≥ Hi (an empty or one-point box) with an
// input error.
func (b PixelBox) check() error {
	if math.IsNaN(b.Lo) || math.IsNaN(b.Hi) {
		return inputErrorf("pixel box [%g, %g]: a bound is NaN (want numbers, ±Inf for an open side)", b.Lo, b.Hi)
	}
	if !(b.Lo < b.Hi) || math.IsInf(b.Lo, 1) || math.IsInf(b.Hi, -1) {
		return inputErrorf("pixel box [%g, %g]: want lower bound < upper bound", b.Lo, b.Hi)
	}
	return nil
}

// open reports whether the box binds on no side ((−Inf, +Inf)).
func (b PixelBox) open() bool { return math.IsInf(b.Lo, -1) && math.IsInf(b.Hi, 1) }

// bounds returns the bounds in boxPenalty's form (nil for an open side).
func (b PixelBox) bounds() (lo, hi []float64) {
	if !math.IsInf(b.Lo, -1) {
		lo = []float64{b.Lo}
	}
	if !math.IsInf(b.Hi, 1) {
		hi = []float64{b.Hi}
	}
	return lo, hi
}

// clip moves the pixels of x into the box.
func (b PixelBox) clip(x []float64) {
	for i, v := range x {
		x[i] = math.Min(math.Max(v, b.Lo), b.Hi)
	}
}

// BoxTerm is the pixel-range penalty of a synthesis (NewSynthLoss with
// GenerateConfig.Box): for each map x of M·N pixels
//
//	ℒ_box(x) = Weight · mean_i (min(x_i − Lo, 0)² + max(x_i − Hi, 0)²)
//
// the form of the separation's box penalty (SepLoss, boxPenalty), summed
// over the maps like the other terms of a synthesis loss.
type BoxTerm struct {
	Box    PixelBox
	Weight float64
}

// Name implements PixelTerm.
func (t *BoxTerm) Name() string { return "box" }

// LossGrad implements PixelTerm.
func (t *BoxTerm) LossGrad(_ int, x []float64, grad []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	lo, hi := t.Box.bounds()
	return boxPenalty(x, grad, t.Weight/float64(len(x)), lo, hi)
}
