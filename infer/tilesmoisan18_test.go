package infer

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/graph"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestPeriodicOpAdjoint: the tiles of moisan models were compared as raw
// cuts (wrap-around jumps the models' periodic-component patches never
// had); periodicOp computes p(u) = u − s(u) on stlayer.Prim. Its forward
// equals datasets.PeriodicSmooth's p (1e-12) and the engine's gradient
// of ⟨p(u), v⟩ is pᵀv: ⟨p(u), v⟩ = ⟨u, pᵀv⟩ to 1e-10, on square and
// non-square maps (the GoMLX engine computes in float32: 1e-5 and 1e-5).
func TestPeriodicOpAdjoint(t *testing.T) {
	for _, eng := range []stlayer.Engine{cpu.New(), graph.New(gomlxtest.Backend(t))} {
		fwd, adj := 1e-12, 1e-10
		if eng.Name() != "cpu" {
			fwd, adj = 1e-5, 1e-5
		}
		testPeriodicOpAdjoint(t, eng, fwd, adj)
	}
}

func testPeriodicOpAdjoint(t *testing.T, eng stlayer.Engine, fwd, adj float64) {
	rng := rand.New(rand.NewPCG(18, 7))
	for _, sz := range [][2]int{{16, 16}, {12, 9}, {1, 7}} {
		m, n := sz[0], sz[1]
		u := stlayer.NewMaps(1, m, n)
		v := make([]float64, m*n)
		for i := range v {
			u.Data[i] = rng.NormFloat64() + 0.1*float64(i%n) // a ramp: border jumps
			v[i] = rng.NormFloat64()
		}
		op := newPeriodicOp(m, n)
		stat := func(pr stlayer.Prim, x stlayer.Field) stlayer.Field { return op.apply(pr, x) }
		key := "periodic-test " + string(rune('a'+m)) + string(rune('a'+n))
		got, err := eng.Forward(key, stat, u)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := datasets.PeriodicSmooth(u.Data, m, n)
		for i, w := range want {
			if c := got.Data[i]; math.Abs(real(c)-w) > fwd || math.Abs(imag(c)) > fwd {
				t.Fatalf("%s, %d×%d: p pixel %d = %v, datasets.PeriodicSmooth %g", eng.Name(), m, n, i, c, w)
			}
		}
		pv := 0.0
		for i, w := range want {
			pv += w * v[i]
		}
		_, g, err := eng.LossGrad(key, stat, u, func(c *stlayer.Coeffs) (float64, []complex128, error) {
			gc := make([]complex128, len(c.Data))
			l := 0.0
			for i, x := range c.Data {
				gc[i] = complex(v[i], 0)
				l += real(x) * v[i]
			}
			return l, gc, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		upv := 0.0
		for i, x := range u.Data {
			upv += x * g[i]
		}
		if math.Abs(pv-upv) > adj*math.Max(1, math.Abs(pv)) {
			t.Errorf("%s, %d×%d: <p(u), v> = %.15g, <u, pᵀv> = %.15g (diff %.3g)", eng.Name(), m, n, pv, upv, pv-upv)
		}
	}
}

// TestPeriodicTileOpGradient: NewPeriodicTileOp's coefficients are those
// of the base statistic on the periodic components of the cut tiles (as
// `stkit patches --window moisan` makes its patches), and the gradient of
// a loss through it matches finite differences.
func TestPeriodicTileOpGradient(t *testing.T) {
	eng := cpu.New()
	const p = 16
	spec := stats.Spec{Kind: stats.SCov, Synthesis: true, Iso: true, J: 2, L: 4}.WithDefaults(p, p)
	base, err := stats.Build(spec, p, p)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := datasets.GaussianRandomField(40, 36, -3, 5)
	maps := &stlayer.Maps{B: 1, M: 40, N: 36, Data: x}
	op, err := NewPeriodicTileOp(base, 40, 36, p, 12)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := NewTileOp(base, 40, 36, p, 12, nil)
	if op.Key() == raw.Key() {
		t.Fatalf("periodic and raw tiles share the key %q", op.Key())
	}
	got, err := eng.Forward(op.Key(), op.Stat(), maps)
	if err != nil {
		t.Fatal(err)
	}
	tiles := cutTiles(maps, op.Origins(), p, nil)
	src := []datasets.Source{{Name: "x", Maps: maps}}
	ps, err := datasets.CutPatches(src, datasets.PatchConfig{Size: p, Stride: 12, Window: "moisan"})
	if err != nil {
		t.Fatal(err)
	}
	periodicTilesInPlace(tiles)
	// the host tiles are the datasets' moisan patches where both cut one
	for i, pt := range ps.Patches {
		for ti, o := range op.Origins() {
			if o != [2]int{pt.Row, pt.Col} {
				continue
			}
			a, b := ps.Patch(i), tiles.Map(ti)
			for j := range a {
				if math.Abs(a[j]-b[j]) > 1e-12 {
					t.Fatalf("patch (%d,%d) pixel %d: datasets %g, tile %g", pt.Row, pt.Col, j, a[j], b[j])
				}
			}
		}
	}
	want, err := eng.Forward(base.Key(), base.Stat(), tiles)
	if err != nil {
		t.Fatal(err)
	}
	if got.PerMap() != op.Tiles()*want.PerMap() {
		t.Fatalf("%d coefficients, want %d", got.PerMap(), op.Tiles()*want.PerMap())
	}
	for i, v := range got.Row(0) {
		w := want.Data[i]
		if d := v - w; math.Hypot(real(d), imag(d)) > 1e-9*math.Max(1, math.Hypot(real(w), imag(w))) {
			t.Fatalf("coefficient %d (%s): %v, want %v", i, op.Labels().String(i), v, w)
		}
	}
	target := make([]complex128, got.PerMap())
	wts := make([]float64, got.PerMap())
	for i := range wts {
		wts[i] = 1 / float64(len(wts))
		target[i] = got.Row(0)[i] * 1.02
	}
	loss := &Loss{Engine: eng, Terms: []*Term{{Name: "tiles", Op: op, Target: target, Weight: wts, Scale: 1}}}
	f0, _, g, err := loss.Eval(maps)
	if err != nil {
		t.Fatal(err)
	}
	// corner, border and interior pixels of overlapping tiles
	for _, i := range []int{0, 15, 16 * 36, 12*36 + 12, 40*36/2 + 5, 40*36 - 1} {
		h := 1e-5
		xp := &stlayer.Maps{B: 1, M: 40, N: 36, Data: append([]float64(nil), x...)}
		xp.Data[i] += h
		fp, _, _, _ := loss.Eval(xp)
		xp.Data[i] -= 2 * h
		fm, _, _, _ := loss.Eval(xp)
		fd := (fp - fm) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-4*math.Max(math.Abs(fd), 1e-3*f0) {
			t.Errorf("pixel %d: gradient %g, finite difference %g", i, g[i], fd)
		}
	}
}

// TestTileOpChoiceByWindow: only models of periodic components get the
// periodic tiles; plain-cut and Tukey models keep NewTileOp's statistic
// (same key, bit-identical coefficients and sample tiles). A sampled map of
// the patch size is not a cut (no p).
func TestTileOpChoiceByWindow(t *testing.T) {
	eng := cpu.New()
	const p = 16
	spec := stats.Spec{Kind: stats.SCov, Synthesis: true, Iso: true, J: 2, L: 4}.WithDefaults(p, p)
	base, err := stats.Build(spec, p, p)
	if err != nil {
		t.Fatal(err)
	}
	x, _ := datasets.GaussianRandomField(32, 32, -3, 9)
	maps := &stlayer.Maps{B: 1, M: 32, N: 32, Data: x}
	for _, win := range []string{"", "none", "tukey"} {
		ms := &ModelSet{Manifest: &ModelManifest{PatchSize: p, Window: win, WindowAlpha: 0.3}}
		for _, size := range []int{32, p} {
			got, err := ms.tileOp(base, size, size, 0)
			if err != nil {
				t.Fatal(err)
			}
			old, _ := NewTileOp(base, size, size, p, 0, ms.Window())
			if got.periodic != nil || got.Key() != old.Key() {
				t.Fatalf("window %q: key %q, want %q (no periodic component)", win, got.Key(), old.Key())
			}
			in := maps
			if size == p {
				in = &stlayer.Maps{B: 1, M: p, N: p, Data: x[:p*p]}
			}
			a, err := eng.Forward(got.Key(), got.Stat(), in)
			if err != nil {
				t.Fatal(err)
			}
			b, err := eng.Forward(old.Key()+" again", old.Stat(), in)
			if err != nil {
				t.Fatal(err)
			}
			for i := range a.Data {
				if a.Data[i] != b.Data[i] {
					t.Fatalf("window %q: coefficient %d %v, NewTileOp's %v", win, i, a.Data[i], b.Data[i])
				}
			}
		}
		st := ms.SampleTiles(maps)
		ref := cutTiles(maps, [][2]int{{0, 0}, {0, 16}, {16, 0}, {16, 16}}, p, ms.Window())
		for i := range st.Data {
			if st.Data[i] != ref.Data[i] {
				t.Fatalf("window %q: sample tile pixel %d %g, cut %g", win, i, st.Data[i], ref.Data[i])
			}
		}
	}
	ms := &ModelSet{Manifest: &ModelManifest{PatchSize: p, Window: "moisan"}}
	for _, c := range []struct {
		size     int
		periodic bool
	}{{32, true}, {20, true}, {p, false}} {
		op, err := ms.tileOp(base, c.size, c.size, 0)
		if err != nil {
			t.Fatal(err)
		}
		if (op.periodic != nil) != c.periodic {
			t.Errorf("moisan models, %d² map: periodic tiles %v, want %v", c.size, op.periodic != nil, c.periodic)
		}
	}
	st := ms.SampleTiles(maps)
	ref := cutTiles(maps, [][2]int{{0, 0}, {0, 16}, {16, 0}, {16, 16}}, p, nil)
	for b := 0; b < ref.B; b++ {
		want, _ := datasets.PeriodicSmooth(ref.Map(b), p, p)
		for i, w := range want {
			if math.Abs(st.Map(b)[i]-w) > 1e-12 {
				t.Fatalf("moisan sample tile %d pixel %d: %g, want p of the cut %g", b, i, st.Map(b)[i], w)
			}
		}
	}
	one := &stlayer.Maps{B: 1, M: p, N: p, Data: x[:p*p]}
	if st := ms.SampleTiles(one); st.Data[3] != x[3] {
		t.Errorf("a patch-size sample went through p (pixel 3 %g, sample %g)", st.Data[3], x[3])
	}
}
