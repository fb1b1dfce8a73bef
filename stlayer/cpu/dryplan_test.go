package cpu

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/wph"
	"github.com/stkit-org/stkit/stlayer/wst"
)

// allPrims is a statistic reading every primitive, through each lazy path
// (filter products, products of two fields, |x|^q, phase harmonics) and
// through readers that store them.
func allPrims(rng *rand.Rand, M, N int) stlayer.Stat {
	bank := randBank(rng, 3, M, N)
	half := randBank(rng, 3, M/2, N/2)
	mask := make([]float64, M*N)
	for i := range mask {
		mask[i] = rng.Float64()
	}
	w4 := make([][]float64, 4)
	for k := range w4 {
		w4[k] = make([]float64, M*N)
		for i := range w4[k] {
			w4[k][i] = rng.Float64()
		}
	}
	return func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		X := p.FFT2(x)
		y := p.IFFT2(p.MulFilters(X, bank))                       // [B,3,M,N]
		z := p.IFFT2(p.CropFreq(p.MulFilters(X, bank), M/2, N/2)) // lazy crop
		u := p.IFFT2(p.Periodise(p.MulFilter(X, bank, []int{2}), M/4, N/4))
		f := p.MulFilters(X, bank)                // stored by Channels
		fc := p.IFFT2(p.Channels(f, []int{0, 2})) // then read stored
		fp := p.IFFT2(p.Periodise(f, M/2, N/2))
		yc := p.Sub(y, p.Mean(y))
		m := p.Modulus(y)
		Y := p.FFT2(m) // real: herm
		ph := p.PhaseHarmonic(yc, 2)
		outs := []stlayer.Field{
			p.Mean(p.MulConj(yc, ph)),                             // fused PH product
			p.Mean(p.Modulus(p.PhaseHarmonic(y, 3))),              // stored PH
			p.Mean(p.Mul(ph, p.Mean(y))),                          // broadcast
			p.Mean(p.MulConj(Y, Y)),                               // herm lazy product
			p.Mean(p.CropFreq(p.MulConj(Y, p.Conj(Y)), M/2, N/2)), // cropped lazy product
			p.WeightedMeans(p.MulConj(Y, Y), w4),                  // folded weights
			p.WeightedMeans(p.Pow(y, 1.5), w4),                    // lazy |x|^q
			p.WeightedMeans(p.Reshape(m, 3, M, N), w4),            // lazy pow, reshaped
			p.WeightedMean(p.MulConst(m, mask), mask),             // stored
			p.Mean(p.Pow(z, 1.5)),                                 // fused |x|^q
			p.Mean(p.Modulus(u)),
			p.Mean(p.Modulus(fc)),
			p.Mean(p.IFFT2(p.MulFilters(p.FFT2(p.Modulus(fp)), half))),
			p.Mean(p.Real(p.Log(p.Sqrt(p.Add(m, p.Scale(m, 2)))))),
			p.Mean(p.Div(y, p.Add(m, m))),
			p.Shifts(yc, [][2]int{{0, 0}, {1, -2}}),
			p.Mean(p.Crop(y, 1, 2, M-3, N-4)),
			p.Mean(p.PadReflect(z, 1, 2, 3, 1)),
			p.Mean(p.Subsample(y, 2)),
			p.Mean(p.IFFT2(p.PadFreq(p.CropFreq(X, M/2, N/2), M, N))),
			p.Linear(p.Mean(m), []complex128{1, 2i, 3, 0, 1, -1}, 2),
			p.Mean(p.Channels(p.Reshape(y, 1, 3*M, N), []int{0, 0})),
		}
		return p.Concat(outs...)
	}
}

// TestDryPlanMatchesTrace: the dry run's liveness plan equals the plan
// recorded by a computing run that keeps every field, and the first Forward
// (dry run, then replay) returns the same bits as that run and as a replay,
// for a statistic using every primitive and for the library's statistics.
func TestDryPlanMatchesTrace(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	type tc struct {
		name string
		key  string
		stat stlayer.Stat
		x    *stlayer.Maps
	}
	var cases []tc
	cases = append(cases, tc{"all prims", "all", allPrims(rng, 16, 24), testutil.RandMaps(rng, 2, 16, 24)})
	cases = append(cases, tc{"s1Like", "s1", s1Like(randBanks(rng, 3, 4, 32, 32)), testutil.RandMaps(rng, 3, 32, 32)})
	for _, c := range []struct {
		name string
		cfg  func(*wph.Config)
		m    int
	}{
		{"wph", func(*wph.Config) {}, 64},
		{"wph non-periodic", func(c *wph.Config) { c.NonPeriodic = true }, 64},
		{"wph cross", func(c *wph.Config) { c.Cross = true }, 128},
	} {
		cfg := wph.DefaultConfig()
		cfg.J = 4
		c.cfg(&cfg)
		op, err := wph.New(cfg, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{c.name, op.Key(), op.Stat(), testutil.RandMaps(rng, 2, c.m, 64)})
	}
	sop, err := scov.New(scov.Config{J: 4, L: 4}, 64, 64)
	if err != nil {
		t.Fatal(err)
	}
	cases = append(cases, tc{"scov", sop.Key(), sop.Stat(), testutil.RandMaps(rng, 2, 64, 64)})
	for _, local := range []bool{false, true} {
		op, err := wst.New(wst.Config{J: 3, L: 4, Local: local}, 64, 64)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, tc{fmt.Sprintf("wst local=%v", local), op.Key(), op.Stat(), testutil.RandMaps(rng, 2, 64, 64)})
	}
	for _, c := range cases {
		e := New()
		dry := e.trace(c.stat, c.x)
		if dry == nil {
			t.Errorf("%s: dry run failed", c.name)
			continue
		}
		pk := fmt.Sprintf("%s|%d,%d,%d", c.key, c.x.B, c.x.M, c.x.N)
		kept, err, _ := e.forward(pk, c.stat, c.x, nil, dry.eager)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if traced := e.fwdPlans[pk]; !reflect.DeepEqual(dry, traced) {
			t.Errorf("%s: the dry run's plan (%d fields) differs from the traced one (%d fields)", c.name, len(dry.shapes), len(traced.shapes))
		}
		e2 := New()
		for i := range 2 { // first call (dry run + replay), then a replay
			got, err := e2.Forward(c.key, c.stat, c.x)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !reflect.DeepEqual(got.Data, kept.Data) {
				t.Errorf("%s: call %d differs from the run keeping every field (max %.3g)", c.name, i, cabsDiff(got.Data, kept.Data))
			}
		}
		if len(e2.fwdPlans) != 1 || !reflect.DeepEqual(e2.fwdPlans[pk], dry) {
			t.Errorf("%s: Forward stored %d plans, or another plan than the dry run's", c.name, len(e2.fwdPlans))
		}
	}
}

// TestForwardFirstCallPeak: the first Forward of a statistic that drops its
// intermediates holds about as much memory as a replay, far less than a run
// keeping every field (live heap after forced collections, sampled by the
// statistic between its primitive calls).
func TestForwardFirstCallPeak(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	const B, M, N, steps = 4, 128, 128, 12
	field := float64(16 * B * M * N) // bytes of one intermediate (1 MiB)
	x := testutil.RandMaps(rng, B, M, N)
	var base, peak uint64
	sample := func() {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > base {
			peak = max(peak, ms.HeapAlloc-base)
		}
	}
	stat := func(p stlayer.Prim, x stlayer.Field) stlayer.Field {
		y := p.FFT2(x)
		sample()
		for i := range steps {
			switch i % 3 {
			case 0:
				y = p.Scale(y, complex(0.5, float64(i)))
			case 1:
				y = p.Conj(y)
			default:
				y = p.Add(y, p.Scale(y, 0.25))
			}
			sample()
		}
		y = p.IFFT2(y)
		sample()
		return p.Mean(p.Modulus(y))
	}
	e := New()
	measure := func(f func() *stlayer.Coeffs) (float64, []complex128) {
		e.FreePool()
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		base, peak = ms.HeapAlloc, 0
		c := f()
		return float64(peak), c.Data
	}
	fwd := func() *stlayer.Coeffs {
		c, err := e.Forward("chain", stat, x)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first, c1 := measure(fwd)
	replay, c2 := measure(fwd)
	kept, c0 := measure(func() *stlayer.Coeffs {
		c, err, _ := e.forward("kept", stat, x, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	})
	t.Logf("peak live bytes: first Forward %.2f MiB, replay %.2f MiB, keeping every field %.2f MiB (one field %.2f MiB)",
		first/(1<<20), replay/(1<<20), kept/(1<<20), field/(1<<20))
	if first > replay+field {
		t.Errorf("first Forward holds %.0f bytes, a replay %.0f (one field: %.0f)", first, replay, field)
	}
	if first > 6*field || kept < 10*field {
		t.Errorf("first Forward holds %.1f fields, the run keeping every field %.1f", first/field, kept/field)
	}
	if !reflect.DeepEqual(c1, c0) || !reflect.DeepEqual(c2, c0) {
		t.Errorf("results differ: first %v, replay %v, keeping every field %v", c1, c2, c0)
	}
}
