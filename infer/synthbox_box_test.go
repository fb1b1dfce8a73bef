package infer

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// positiveTarget is a 32² log-normal map (σ = 1, skewed) shifted so that
// its smallest pixel is 0.05 (its std is 1): a positive field with a faint
// floor, as a dust intensity.
func positiveTarget(t *testing.T) *stlayer.Maps {
	t.Helper()
	x, err := datasets.LogNormalField(32, 32, -2.5, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	lo := slices.Min(x)
	for i := range x {
		x[i] += 0.05 - lo
	}
	return &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}
}

// TestSynthBoxKeepsPositive: preset cheng (white-noise start, the statistic
// term alone; isotropic scov J=4 L=4, 2 maps, 40 iterations) on a positive
// target (pixel std 1) leaves many negative pixels (measured: 131 of 2048,
// min −0.58); with GenerateConfig.Box [0, +Inf) at the default weight the
// maps stay ≥ −0.03 (measured: 32 pixels below 0, min −0.0088: a penalty,
// not a hard bound; at 300 iterations 1 pixel, min −0.0024; the margin is
// for the trajectory's sensitivity to rounding at the penalty's kink), and
// the loss still falls (measured 0.177 → 0.029).
func TestSynthBoxKeepsPositive(t *testing.T) {
	eng := cpu.New()
	target := positiveTarget(t)
	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.SCov, J: 4, L: 4, Iso: true}.WithDefaults(32, 32), eng, target)
	if err != nil {
		t.Fatal(err)
	}
	run := func(box *PixelBox) (*Result, *Loss) {
		cfg, err := Preset(PresetCheng, 2, 3)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Steps = 40
		cfg.Box = box
		loss, err := NewSynthLoss(eng, "scov", op, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Generate(context.Background(), loss, target, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return res, loss
	}
	count := func(x []float64) (n int, mn float64) {
		for _, v := range x {
			if v < 0 {
				n++
			}
		}
		return n, slices.Min(x)
	}
	free, _ := run(nil)
	nf, mf := count(free.Maps.Data)
	if mf > -0.1 {
		t.Fatalf("unconstrained synthesis: min %g (%d pixels < 0), want < −0.1: the test shows nothing", mf, nf)
	}
	pos := PositiveBox()
	boxed, loss := run(&pos)
	nb, mb := count(boxed.Maps.Data)
	t.Logf("unconstrained: %d of %d pixels < 0, min %.4g, loss %.3g; box: %d < 0, min %.4g, loss %.3g → %.3g",
		nf, len(free.Maps.Data), mf, free.Loss, nb, mb, boxed.InitialLoss, boxed.Loss)
	if mb < -0.03 {
		t.Errorf("with the box [0, +Inf) the smallest pixel is %g, want ≥ −0.03 (%d pixels < 0)", mb, nb)
	}
	if len(loss.Pixel) != 1 || loss.Pixel[0].Name() != "box" {
		t.Errorf("pixel terms %v, want the box alone", loss.Pixel)
	}
	if !(boxed.Loss < boxed.InitialLoss/3) {
		t.Errorf("loss with the box %g → %g: want it to fall 3×", boxed.InitialLoss, boxed.Loss)
	}
}

// TestBoxPenaltyGradient checks the penalty against central finite
// differences: BoxTerm (one-sided and two-sided scalar boxes) and
// boxPenalty with per-pixel bounds (the separation's form), at points away
// from the kinks (|x − bound| ≥ 0.05 ≫ h), and its value by hand.
func TestBoxPenaltyGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 40)
	for i := range x {
		for {
			x[i] = 2 * rng.NormFloat64()
			if math.Abs(x[i]) > 0.05 && math.Abs(x[i]-1.5) > 0.05 && math.Abs(x[i]+1) > 0.05 {
				break
			}
		}
	}
	lo, hi := make([]float64, len(x)), make([]float64, len(x))
	for i := range lo {
		lo[i], hi[i] = -1+0.001*float64(i), 1.5-0.001*float64(i)
		if d := x[i] - lo[i]; math.Abs(d) < 0.05 {
			lo[i] -= 0.1
		}
		if d := x[i] - hi[i]; math.Abs(d) < 0.05 {
			hi[i] += 0.1
		}
	}
	cases := []struct {
		name string
		f    func(x, g []float64) float64
	}{
		{"positive", func(x, g []float64) float64 { return (&BoxTerm{Box: PositiveBox(), Weight: 3}).LossGrad(0, x, g) }},
		{"[-1, 1.5]", func(x, g []float64) float64 { return (&BoxTerm{Box: PixelBox{-1, 1.5}, Weight: 3}).LossGrad(0, x, g) }},
		{"(-inf, 1.5]", func(x, g []float64) float64 {
			return (&BoxTerm{Box: PixelBox{math.Inf(-1), 1.5}, Weight: 3}).LossGrad(0, x, g)
		}},
		{"per pixel", func(x, g []float64) float64 { return boxPenalty(x, g, 0.7, lo, hi) }},
		{"per pixel, lower only", func(x, g []float64) float64 { return boxPenalty(x, g, 0.7, lo, nil) }},
	}
	for _, c := range cases {
		g := make([]float64, len(x))
		f := c.f(x, g)
		if !(f > 0) {
			t.Errorf("%s: penalty %g, want > 0 (points outside)", c.name, f)
		}
		const h = 1e-6
		for i := range x {
			xp, xm := slices.Clone(x), slices.Clone(x)
			xp[i] += h
			xm[i] -= h
			fd := (c.f(xp, make([]float64, len(x))) - c.f(xm, make([]float64, len(x)))) / (2 * h)
			if math.Abs(fd-g[i]) > 1e-6*(1+math.Abs(g[i])) {
				t.Errorf("%s: pixel %d (x %.3f): gradient %.9g, finite difference %.9g", c.name, i, x[i], g[i], fd)
			}
		}
	}
	// by hand: Weight 4 over 4 pixels, [0, 1]: (−0.5)² and 0.25² count
	g := make([]float64, 4)
	f := (&BoxTerm{Box: PixelBox{0, 1}, Weight: 4}).LossGrad(0, []float64{-0.5, 0.3, 1.25, 1}, g)
	if want := 0.25 + 0.0625; math.Abs(f-want) > 1e-15 {
		t.Errorf("penalty %g, want %g", f, want)
	}
	if want := []float64{-1, 0, 0.5, 0}; !slices.Equal(g, want) {
		t.Errorf("gradient %v, want %v", g, want)
	}
}

// TestSynthBoxWeightAndRefusals pins the default weight (1e3/var(target),
// the separation's 1e3/var(d), whatever the weight mode), the clip
// of the starting maps into the box, the open box that adds no term, and
// the refusals (NaN bound, Lo ≥ Hi, a target outside the box, a non-finite
// weight), all input errors.
func TestSynthBoxWeightAndRefusals(t *testing.T) {
	eng := &momentEngine{}
	target := stlayer.NewMaps(1, 8, 8)
	for i := range target.Data {
		target.Data[i] = 2 + math.Sin(0.7*float64(i))
	}
	_, sd, _, _ := Moments(target.Data)
	pos := PositiveBox()
	loss, err := NewSynthLoss(eng, "moments", momentOp{}, target, GenerateConfig{Box: &pos})
	if err != nil {
		t.Fatal(err)
	}
	bt, ok := loss.Pixel[len(loss.Pixel)-1].(*BoxTerm)
	if !ok {
		t.Fatalf("last pixel term %T, want *BoxTerm", loss.Pixel[len(loss.Pixel)-1])
	}
	if want := 1e3 / (sd * sd); math.Abs(bt.Weight-want) > 1e-12*want {
		t.Errorf("default box weight %g, want 1e3/var(target) = %g", bt.Weight, want)
	}
	// the same with std weights (two target maps: var of their pixels)
	two := stlayer.NewMaps(2, 8, 8)
	for i := range two.Data {
		two.Data[i] = 2 + math.Sin(0.7*float64(i)) + 0.1*math.Cos(1.3*float64(i*i))
	}
	_, sd2, _, _ := Moments(two.Data)
	ls, err := NewSynthLoss(eng, "moments", momentOp{}, two, GenerateConfig{Box: &pos, Weights: WeightStd})
	if err != nil {
		t.Fatal(err)
	}
	if w, want := ls.Pixel[0].(*BoxTerm).Weight, 1e3/(sd2*sd2); math.Abs(w-want) > 1e-12*want {
		t.Errorf("box weight with std weights %g, want 1e3/var(target) = %g", w, want)
	}
	loss2, err := NewSynthLoss(eng, "moments", momentOp{}, target, GenerateConfig{Box: &pos, BoxWeight: 5})
	if err != nil {
		t.Fatal(err)
	}
	if w := loss2.Pixel[0].(*BoxTerm).Weight; math.Abs(w-5/(sd*sd)) > 1e-12*w {
		t.Errorf("box weight 5: %g, want 5/var = %g", w, 5/(sd*sd))
	}
	open := PixelBox{math.Inf(-1), math.Inf(1)}
	if l, err := NewSynthLoss(eng, "moments", momentOp{}, target, GenerateConfig{Box: &open}); err != nil || len(l.Pixel) != 0 {
		t.Errorf("open box: %v, %d pixel terms, want none", err, len(l.Pixel))
	}

	// the starting maps are clipped into the box: white noise of mean 2,
	// std 0.7 has pixels outside [1.5, 2.5]
	box := PixelBox{1.5, 2.5}
	rec := &recordStart{}
	if _, err := Generate(context.Background(), rec, target, GenerateConfig{K: 2, Box: &box, SynthConfig: SynthConfig{Steps: 1}}); err != nil {
		t.Fatal(err)
	}
	if rec.x0 == nil || slices.Min(rec.x0) != 1.5 || slices.Max(rec.x0) != 2.5 {
		t.Errorf("starting maps not clipped into [1.5, 2.5]: %v", rec.x0)
	}

	for _, c := range []struct {
		name string
		cfg  GenerateConfig
		want string
	}{
		{"NaN bound", GenerateConfig{Box: &PixelBox{math.NaN(), 1}}, "NaN"},
		{"Lo = Hi", GenerateConfig{Box: &PixelBox{1, 1}}, "lower bound < upper bound"},
		{"Lo > Hi", GenerateConfig{Box: &PixelBox{3, 1}}, "lower bound < upper bound"},
		{"target outside", GenerateConfig{Box: &PixelBox{1.5, math.Inf(1)}}, "the target's pixels span [1"},
		{"infinite weight", GenerateConfig{Box: &pos, BoxWeight: math.Inf(1)}, "box weight"},
	} {
		_, err := NewSynthLoss(eng, "moments", momentOp{}, target, c.cfg)
		if !errors.Is(err, ErrModelInput) || !strings.Contains(fmtErr(err), c.want) {
			t.Errorf("%s: %v, want an input error saying %q", c.name, err, c.want)
		}
	}
	if _, err := Generate(context.Background(), rec, target, GenerateConfig{Box: &PixelBox{2, 1}}); !errors.Is(err, ErrModelInput) {
		t.Errorf("Generate with the box [2, 1]: %v, want an input error", err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// recordStart is an Objective that records the first maps it is given.
type recordStart struct{ x0 []float64 }

func (r *recordStart) Eval(x *stlayer.Maps) (float64, []float64, []float64, error) {
	if r.x0 == nil {
		r.x0 = slices.Clone(x.Data)
	}
	return 0, nil, make([]float64, len(x.Data)), nil
}
