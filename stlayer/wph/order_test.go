package wph

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// window128 returns the 128×128 window of dust256 at (r0, c0).
func window128(x *stlayer.Maps, r0, c0 int) *stlayer.Maps {
	w := stlayer.NewMaps(1, 128, 128)
	for i := 0; i < 128; i++ {
		copy(w.Data[i*128:(i+1)*128], x.Data[(r0+i)*x.N+c0:])
	}
	return w
}

// orderCases are configurations (128², J = 5) where the groups are
// streamed (builder.streamed): periodic, PyWPH's default classes.
func orderCases() map[string]Config {
	base := DefaultConfig()
	base.J = 5
	cs := map[string]Config{"default": base}
	c := base
	c.Cross = true
	cs["cross"] = c
	c = base
	c.DN = 2
	cs["dn2"] = c
	c.Cross = true
	cs["cross dn2"] = c
	c = base
	c.Norm = NormAuto
	cs["auto"] = c
	c = base
	c.Subsample = true
	cs["subsample"] = c
	c = base
	c.DJ, c.DL = 2, 1
	cs["dj2 dl1"] = c
	c = base
	c.J, c.L, c.DN, c.TauGrid = 4, 6, 1, "legacy"
	cs["J4 L6 legacy dn1"] = c
	return cs
}

// TestStreamedOrderSameBits checks that streaming the groups over the scales
// (the default) gives bit for bit the coefficients, loss and gradient of
// the class order (classOrder) with the CPU engine: every group evaluates
// the same primitives on the same fields, and every field keeps its readers
// in the same order (see streamCross).
func TestStreamedOrderSameBits(t *testing.T) {
	d := testutil.Dust256(t)
	x1, x2 := window128(d, 0, 0), window128(d, 100, 60)
	pair, err := StackPair(x1, x2)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { classOrder = false }()
	for name, cfg := range orderCases() {
		if !(&builder{op: newOp(t, cfg, 128, 128), mode: modeCoeffs}).streamed() {
			t.Fatalf("%s: the groups are not streamed", name)
		}
		x := x1
		if cfg.Cross {
			x = pair
		}
		var coeffs [2][]complex128
		var loss [2]float64
		var grad [2][]float64
		for i, co := range []bool{true, false} {
			classOrder = co
			op := newOp(t, cfg, 128, 128)
			e := cpu.New()
			c := forward(t, e, op, x)
			coeffs[i] = c.Data
			l, g, err := e.LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
			if err != nil {
				t.Fatal(err)
			}
			loss[i], grad[i] = l, g
		}
		for k := range coeffs[0] {
			a, b := coeffs[0][k], coeffs[1][k]
			if math.Float64bits(real(a)) != math.Float64bits(real(b)) || math.Float64bits(imag(a)) != math.Float64bits(imag(b)) {
				t.Errorf("%s: coefficient %d: %v (class order) != %v (streamed)", name, k, a, b)
				break
			}
		}
		if math.Float64bits(loss[0]) != math.Float64bits(loss[1]) {
			t.Errorf("%s: loss %v (class order) != %v (streamed)", name, loss[0], loss[1])
		}
		nd := 0
		var worst float64
		for k := range grad[0] {
			if math.Float64bits(grad[0][k]) != math.Float64bits(grad[1][k]) {
				nd++
				worst = math.Max(worst, math.Abs(grad[0][k]-grad[1][k])/math.Abs(grad[0][k]))
			}
		}
		if nd > 0 {
			t.Errorf("%s: gradient: %d of %d values differ (rel %.2g)", name, nd, len(grad[0]), worst)
		}
	}
}

// liveProbe is a Prim that passes every call to p and records, per output
// field, its size and the last call that reads it, to measure the peak of
// the bytes held when each field is freed right after its last reader
// (stlayer/cpu's Forward). As in that engine, Reshape is a view and
// Modulus, PhaseHarmonic, MulFilters, Mul and MulConj are lazy: they hold
// no buffer (their readers here form them on the fly) and a read of them is
// a read of their inputs.
type liveProbe struct {
	p     stlayer.Prim
	id    map[stlayer.Field]int // field → producing call (0: not produced here)
	deps  [][]int               // call → the calls whose buffers reading it reads
	size  []int64               // call → bytes of its buffer (0: view or lazy)
	last  []int                 // call → last call reading its buffer
	calls int
}

func newLiveProbe(p stlayer.Prim) *liveProbe {
	return &liveProbe{p: p, id: map[stlayer.Field]int{}, deps: [][]int{nil}, size: []int64{0}, last: []int{0}}
}

func (q *liveProbe) rec(out stlayer.Field, lazy bool, in ...stlayer.Field) stlayer.Field {
	q.calls++
	k := q.calls
	var deps []int
	for _, f := range in {
		for _, d := range q.deps[q.id[f]] {
			q.last[d] = k
			deps = append(deps, d)
		}
	}
	b, c, h, w := out.Dims()
	q.id[out] = k
	sz := int64(b*c*h*w) * 16
	if lazy {
		sz = 0
	} else {
		deps = []int{k}
	}
	q.deps, q.size, q.last = append(q.deps, deps), append(q.size, sz), append(q.last, k)
	return out
}

// peak returns the largest number of bytes live at once, the final output
// (the last call) kept.
func (q *liveProbe) peak() int64 {
	q.last[q.calls] = q.calls + 1
	var pk int64
	for k := 1; k <= q.calls; k++ {
		var live int64
		for i := 1; i <= k; i++ {
			if q.last[i] >= k {
				live += q.size[i]
			}
		}
		pk = max(pk, live)
	}
	return pk
}

func (q *liveProbe) FFT2(x stlayer.Field) stlayer.Field  { return q.rec(q.p.FFT2(x), false, x) }
func (q *liveProbe) IFFT2(x stlayer.Field) stlayer.Field { return q.rec(q.p.IFFT2(x), false, x) }
func (q *liveProbe) MulFilters(x stlayer.Field, f *stlayer.FilterBank) stlayer.Field {
	return q.rec(q.p.MulFilters(x, f), true, x)
}
func (q *liveProbe) MulFilter(x stlayer.Field, f *stlayer.FilterBank, idx []int) stlayer.Field {
	return q.rec(q.p.MulFilter(x, f, idx), false, x)
}
func (q *liveProbe) Periodise(x stlayer.Field, h, w int) stlayer.Field {
	return q.rec(q.p.Periodise(x, h, w), false, x)
}
func (q *liveProbe) CropFreq(x stlayer.Field, h, w int) stlayer.Field {
	return q.rec(q.p.CropFreq(x, h, w), false, x)
}
func (q *liveProbe) PadFreq(x stlayer.Field, h, w int) stlayer.Field {
	return q.rec(q.p.PadFreq(x, h, w), false, x)
}
func (q *liveProbe) Modulus(x stlayer.Field) stlayer.Field { return q.rec(q.p.Modulus(x), true, x) }
func (q *liveProbe) PhaseHarmonic(x stlayer.Field, k int) stlayer.Field {
	return q.rec(q.p.PhaseHarmonic(x, k), true, x)
}
func (q *liveProbe) Conj(x stlayer.Field) stlayer.Field { return q.rec(q.p.Conj(x), false, x) }
func (q *liveProbe) Real(x stlayer.Field) stlayer.Field { return q.rec(q.p.Real(x), false, x) }
func (q *liveProbe) Mul(a, b stlayer.Field) stlayer.Field {
	return q.rec(q.p.Mul(a, b), true, a, b)
}
func (q *liveProbe) MulConj(a, b stlayer.Field) stlayer.Field {
	return q.rec(q.p.MulConj(a, b), true, a, b)
}
func (q *liveProbe) Add(a, b stlayer.Field) stlayer.Field {
	return q.rec(q.p.Add(a, b), false, a, b)
}
func (q *liveProbe) Sub(a, b stlayer.Field) stlayer.Field {
	return q.rec(q.p.Sub(a, b), false, a, b)
}
func (q *liveProbe) Scale(x stlayer.Field, s complex128) stlayer.Field {
	return q.rec(q.p.Scale(x, s), false, x)
}
func (q *liveProbe) MulConst(x stlayer.Field, m []float64) stlayer.Field {
	return q.rec(q.p.MulConst(x, m), false, x)
}
func (q *liveProbe) Pow(x stlayer.Field, e float64) stlayer.Field {
	return q.rec(q.p.Pow(x, e), false, x)
}
func (q *liveProbe) Log(x stlayer.Field) stlayer.Field  { return q.rec(q.p.Log(x), false, x) }
func (q *liveProbe) Sqrt(x stlayer.Field) stlayer.Field { return q.rec(q.p.Sqrt(x), false, x) }
func (q *liveProbe) Div(a, b stlayer.Field) stlayer.Field {
	return q.rec(q.p.Div(a, b), false, a, b)
}
func (q *liveProbe) Mean(x stlayer.Field) stlayer.Field { return q.rec(q.p.Mean(x), false, x) }
func (q *liveProbe) WeightedMean(x stlayer.Field, m []float64) stlayer.Field {
	return q.rec(q.p.WeightedMean(x, m), false, x)
}
func (q *liveProbe) WeightedMeans(x stlayer.Field, m [][]float64) stlayer.Field {
	return q.rec(q.p.WeightedMeans(x, m), false, x)
}
func (q *liveProbe) Shifts(x stlayer.Field, pos [][2]int) stlayer.Field {
	return q.rec(q.p.Shifts(x, pos), false, x)
}
func (q *liveProbe) Crop(x stlayer.Field, r0, c0, h, w int) stlayer.Field {
	return q.rec(q.p.Crop(x, r0, c0, h, w), false, x)
}
func (q *liveProbe) PadReflect(x stlayer.Field, t, b, l, r int) stlayer.Field {
	return q.rec(q.p.PadReflect(x, t, b, l, r), false, x)
}
func (q *liveProbe) Subsample(x stlayer.Field, s int) stlayer.Field {
	return q.rec(q.p.Subsample(x, s), false, x)
}
func (q *liveProbe) Channels(x stlayer.Field, idx []int) stlayer.Field {
	return q.rec(q.p.Channels(x, idx), false, x)
}
func (q *liveProbe) Concat(xs ...stlayer.Field) stlayer.Field {
	return q.rec(q.p.Concat(xs...), false, xs...)
}
func (q *liveProbe) Linear(x stlayer.Field, A []complex128, rows int) stlayer.Field {
	return q.rec(q.p.Linear(x, A, rows), false, x)
}
func (q *liveProbe) Reshape(x stlayer.Field, c, h, w int) stlayer.Field {
	return q.rec(q.p.Reshape(x, c, h, w), true, x)
}

// TestStreamedOrderLiveFields measures the peak of the bytes live in a
// forward pass (liveProbe) in both orders: streaming the cross-scale groups
// over the scales keeps about J + 1 full-grid fields [1, L, M, N] live (z_j
// on the grid for every j, read until the last step and by S00's means)
// instead of about 2J (the full-grid spectrum of |z_j| for every j too, read
// by S01 at the end). J = 7 on 256² dust.
func TestStreamedOrderLiveFields(t *testing.T) {
	x := testutil.Dust256(t)
	defer func() { classOrder = false }()
	cfg := DefaultConfig()
	cfg.J = 7
	unit := int64(cfg.L*256*256) * 16
	var pk [2]int64
	for i, co := range []bool{true, false} {
		classOrder = co
		op := newOp(t, cfg, 256, 256)
		var q *liveProbe
		st := func(p stlayer.Prim, xf stlayer.Field) stlayer.Field {
			q = newLiveProbe(p)
			return op.build(q, xf, modeCoeffs)
		}
		if _, err := cpu.New().Forward("probe", st, x); err != nil {
			t.Fatal(err)
		}
		pk[i] = q.peak()
	}
	t.Logf("peak live bytes: %.1f full-grid fields (class order), %.1f (streamed)", float64(pk[0])/float64(unit), float64(pk[1])/float64(unit))
	if pk[0] < int64(2*cfg.J)*unit {
		t.Errorf("class order: peak %.1f full-grid fields, expected at least 2J = %d", float64(pk[0])/float64(unit), 2*cfg.J)
	}
	if pk[1] > int64(cfg.J+2)*unit {
		t.Errorf("streamed: peak %.1f full-grid fields, want at most J + 2 = %d", float64(pk[1])/float64(unit), cfg.J+2)
	}
}
