package infer

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// ffTextures returns nb maps of p² of two synthetic textures: a (smooth,
// large-scale: white noise low-passed, with a positive skew) and b (fine,
// spiky: sparse bright dots on white noise).
func ffTextures(nb, p int, seed uint64) (a, b *stlayer.Maps) {
	rng := rand.New(rand.NewPCG(seed, 3))
	a, b = stlayer.NewMaps(nb, p, p), stlayer.NewMaps(nb, p, p)
	for i := 0; i < nb; i++ {
		w := make([]float64, p*p)
		for j := range w {
			w[j] = rng.NormFloat64()
		}
		W := fft2(w, p, p)
		for u := 0; u < p; u++ {
			for v := 0; v < p; v++ {
				k := math.Hypot(float64(ffFreq(u, p)), float64(ffFreq(v, p)))
				W[u*p+v] *= complex(math.Exp(-k*k/8), 0)
			}
		}
		s := ffFFT2(W, p, p, true)
		for j := range w {
			x := 3 * real(s[j])
			a.Map(i)[j] = x + 0.3*x*x
			b.Map(i)[j] = 0.3 * rng.NormFloat64()
			if rng.Float64() < 0.05 {
				b.Map(i)[j] += 2
			}
		}
	}
	return a, b
}

// ffQuickOptions are small, fast fit options for the tests.
func ffQuickOptions() FeatureFilterOptions {
	return FeatureFilterOptions{Mixtures: 24, Features: "d,pp,du", Stride: 2, J: 2, K0: 0.3,
		PatchPrior: PatchPriorOptions{P: 4, K: 3, MaxRows: 1500, Iters: 10}}
}

// ffSmallFilter returns a valid filter of P = 8 with known weights.
func ffSmallFilter() *FeatureFilter {
	f := &FeatureFilter{A: 1, B: 0, Groups: []string{"d", "pp", "du"}, P: 8, J: 2, L: 4, K0: 0.375, Width: 0.4, Alpha: 0.01, HeldAside: [2]float64{0.5, 0.6}}
	f.Channels, _ = featureChannels(f.Groups, f.J)
	f.NA = FeatureFilterAnnuli(f.P)
	for a := 0; a < f.NA; a++ {
		for c := range f.Channels {
			f.Weights = append(f.Weights, 0.1*float64(a)-0.05*float64(c)+0.2)
		}
	}
	return f
}

// TestFfiltSaveLoad: a filter saved and loaded is the same, bit for bit;
// damaged files give errors naming the file and the fault.
func TestFfiltSaveLoad(t *testing.T) {
	dir := t.TempDir()
	f := ffSmallFilter()
	path := filepath.Join(dir, "f.npz")
	if err := f.Save(path); err != nil {
		t.Fatal(err)
	}
	g, err := LoadFeatureFilter(path)
	if err != nil {
		t.Fatal(err)
	}
	if g.String() != f.String() || g.NA != 7 || len(g.Weights) != 7*4 || g.J != 2 || g.L != 4 || g.K0 != 0.375 || g.Width != 0.4 || g.HeldAside != f.HeldAside || strings.Join(g.Channels, " ") != "d pp du0 du1" {
		t.Fatalf("loaded %+v, saved %+v", g, f)
	}
	for i := range f.Weights {
		if g.Weights[i] != f.Weights[i] {
			t.Fatalf("weight %d: %v, saved %v", i, g.Weights[i], f.Weights[i])
		}
	}
	if f.NA != 7 {
		t.Fatalf("annuli of 8²: %d, want 7 (round(√32) + 1)", f.NA)
	}
	arrs, err := datasets.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	damage := func(name string, edit func(map[string]*datasets.Array)) string {
		m := map[string]*datasets.Array{}
		var out []datasets.NamedArray
		for _, a := range arrs {
			c := *a.Array
			c.Float64 = append([]float64(nil), a.Array.Float64...)
			c.Strings = append([]string(nil), a.Array.Strings...)
			c.Shape = append([]int(nil), a.Array.Shape...)
			m[a.Name] = &c
		}
		edit(m)
		for _, a := range arrs {
			if m[a.Name] != nil {
				out = append(out, datasets.NamedArray{Name: a.Name, Array: m[a.Name]})
			}
		}
		p := filepath.Join(dir, name+".npz")
		if err := datasets.WriteNPZ(p, out, false); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		name string
		edit func(map[string]*datasets.Array)
		want string
	}{
		{"noweights", func(m map[string]*datasets.Array) { delete(m, "weights") }, `member "weights" is missing or of another type or shape`},
		{"nan", func(m map[string]*datasets.Array) { m["weights"].Float64[5] = math.NaN() }, "weight [1, 1] is NaN (want finite values)"},
		{"patch", func(m map[string]*datasets.Array) { m["patch"].Float64[0] = 16 }, "28 weights for 7 annuli × 4 channels (want 12 annuli for patches of 16², 48 weights)"},
		{"group", func(m map[string]*datasets.Array) { m["groups"].Strings[2] = "zz" }, `feature group "zz" (want some of`},
		{"channels", func(m map[string]*datasets.Array) { m["channels"].Strings[3] = "du7" }, "channels [d pp du0 du7] do not match the groups [d pp du] at J = 2"},
		{"J", func(m map[string]*datasets.Array) { m["wavelets"].Float64[0] = 2.5 }, "wavelets J 2.5, L 4 (want whole numbers"},
		{"pair", func(m map[string]*datasets.Array) { m["pair"].Float64[1] = 1 }, "pair 1, 1 (want two different component numbers ≥ 0)"},
	} {
		p := damage(c.name, c.edit)
		_, err := LoadFeatureFilter(p)
		if err == nil || !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want one matching ErrModelInput naming %s and %q", c.name, err, p, c.want)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.npz"), []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFeatureFilter(filepath.Join(dir, "junk.npz")); err == nil || !errors.Is(err, ErrModelInput) {
		t.Errorf("junk file: error %v, want ErrModelInput", err)
	}
}

// TestFfiltKnownGain: with the feature pp alone and α = 0, on mixtures
// whose target is a fixed gain g(a) per annulus of the estimate e, the
// normal equations give g back (to 1e-9).
func TestFfiltKnownGain(t *testing.T) {
	p := 16
	ann := ffAnnuli(p)
	na := FeatureFilterAnnuli(p)
	g := make([]float64, na)
	for a := range g {
		g[a] = 0.3 + 0.05*float64(a) - 0.002*float64(a*a)
	}
	rng := rand.New(rand.NewPCG(5, 5))
	nm := newFFNormal(na, 1)
	bk := newFFBank(p, p, 2, 4, 0.375, 0.4)
	for i := 0; i < 6; i++ {
		d, e := make([]float64, p*p), make([]float64, p*p)
		for j := range d {
			d[j], e[j] = rng.NormFloat64(), rng.NormFloat64()
		}
		F := featureDFTs(featureMaps([]string{"pp"}, d, e, bk), p, p)
		S := make([]complex128, p*p)
		for k := range S {
			S[k] = complex(g[ann[k]], 0) * F[0][k]
		}
		nm.accumulate(F, S, ann)
	}
	h := nm.solve(0)
	for a := 1; a < na; a++ {
		if math.Abs(h[a]-g[a]) > 1e-9 {
			t.Errorf("annulus %d: h %v, want the gain %v", a, h[a], g[a])
		}
	}
}

// TestFfiltApplySizes: on a P×P map Apply is the direct per-annulus filter
// (weights of round(|k|)), exactly; on a 2P×2P map and a non-square P×2P
// one, with weights linear in the annulus (w = 0.2 + 0.1·a − 0.05·c), the
// interpolated weights are w at x = P·|k| in cycles per pixel (rows 1 and
// NA−1 below and above).
func TestFfiltApplySizes(t *testing.T) {
	f := ffSmallFilter()
	nf := len(f.Channels)
	rng := rand.New(rand.NewPCG(9, 9))
	for _, sz := range [][2]int{{8, 8}, {16, 16}, {8, 16}} {
		m, n := sz[0], sz[1]
		d, e := stlayer.NewMaps(1, m, n), stlayer.NewMaps(2, m, n)
		for j := range d.Data {
			d.Data[j] = rng.NormFloat64()
			e.Data[j] = 0.5*d.Data[j] + 0.2*rng.NormFloat64()
		}
		got, err := f.Apply(d, e)
		if err != nil {
			t.Fatal(err)
		}
		bk := newFFBank(m, n, f.J, f.L, f.K0, f.Width)
		F := featureDFTs(featureMaps(f.Groups, d.Data, e.Map(0), bk), m, n)
		ann := ffAnnuli(8)
		want := ffApplyDFT(F, m, n, mean(e.Map(0)), func(k, c int) float64 {
			if m == 8 && n == 8 {
				return f.Weights[ann[k]*nf+c]
			}
			x := 8 * math.Hypot(float64(ffFreq(k/n, m))/float64(m), float64(ffFreq(k%n, n))/float64(n))
			x = math.Min(math.Max(x, 1), float64(f.NA-1))
			return 0.2 + 0.1*x - 0.05*float64(c)
		})
		for j := range want {
			tol := 1e-12
			if m != 8 || n != 8 {
				tol = 1e-9
			}
			if math.Abs(got.Data[j]-want[j]) > tol || math.Abs(got.Data[m*n+j]-(d.Data[j]-want[j])) > tol {
				t.Fatalf("%d×%d pixel %d: %v, %v; want %v, %v", m, n, j, got.Data[j], got.Data[m*n+j], want[j], d.Data[j]-want[j])
			}
		}
	}
	if _, err := f.Apply(stlayer.NewMaps(1, 8, 8), stlayer.NewMaps(1, 8, 9)); err == nil || !strings.Contains(err.Error(), "patch-prior estimate [1, 8, 9] for data [1, 8, 8]") {
		t.Errorf("mismatched estimate: %v", err)
	}
}

// TestFfiltFitImproves fits a filter on a synthetic two-texture case (16²
// patches, 4×4 priors K 3, 2 × 24 mixtures) and checks that on 12 fresh
// mixtures of unseen patches it lowers the MSE of the patch-prior estimate
// of the full priors, that the fit is deterministic, and the options'
// errors.
func TestFfiltFitImproves(t *testing.T) {
	p := 16
	a, b := ffTextures(40, p, 1)
	opt := ffQuickOptions()
	pa, err := FitPatchPrior(a, opt.PatchPrior)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := FitPatchPrior(b, opt.PatchPrior)
	if err != nil {
		t.Fatal(err)
	}
	var stages []string
	opt.Progress = func(s FeatureFilterStep) {
		if len(stages) == 0 || stages[len(stages)-1] != s.Stage {
			stages = append(stages, s.Stage)
		}
	}
	f, err := FitFeatureFilter(a, b, pa, pb, opt)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(stages, ";") != "half priors;training estimates;filter" {
		t.Errorf("progress stages %q", stages)
	}
	opt.Progress = nil
	f2, err := FitFeatureFilter(a, b, pa, pb, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.Weights {
		if f.Weights[i] != f2.Weights[i] {
			t.Fatalf("not deterministic: weight %d %v then %v", i, f.Weights[i], f2.Weights[i])
		}
	}
	ta, tb := ffTextures(12, p, 2)
	var msePP, mseF float64
	for i := 0; i < ta.B; i++ {
		d := stlayer.NewMaps(1, p, p)
		for j := range d.Data {
			d.Data[j] = ta.Map(i)[j] + tb.Map(i)[j]
		}
		e, err := SeparateWithPatchPriors(d, pa, pb, PatchSepOptions{Stride: 2})
		if err != nil {
			t.Fatal(err)
		}
		r, err := f.Apply(d, e)
		if err != nil {
			t.Fatal(err)
		}
		for j := range d.Data {
			msePP += math.Pow(e.Data[j]-ta.Map(i)[j], 2)
			mseF += math.Pow(r.Data[j]-ta.Map(i)[j], 2)
		}
	}
	t.Logf("%v; held-aside r %.3f/%.3f; MSE patch prior %.4g, filter %.4g", f, f.HeldAside[0], f.HeldAside[1], msePP, mseF)
	if !(mseF < 0.95*msePP) {
		t.Errorf("MSE with the filter %.4g, patch prior alone %.4g: want at least 5 %% lower", mseF, msePP)
	}
	bad := opt
	bad.Features = "d,xx"
	if _, err := FitFeatureFilter(a, b, pa, pb, bad); err == nil || !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), `feature group "xx"`) {
		t.Errorf("unknown group: %v", err)
	}
	bad = opt
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bad.Context = ctx
	if _, err := FitFeatureFilter(a, b, pa, pb, bad); err == nil || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	bad = opt
	bad.PatchPrior.P = 5
	if _, err := FitFeatureFilter(a, b, pa, pb, bad); err == nil || !strings.Contains(err.Error(), "full prior 0 has 4×4 sub-patches, the half priors' options 5×5") {
		t.Errorf("prior size: %v", err)
	}
}
