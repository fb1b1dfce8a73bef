package infer

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/stlayer"
)

// TestPatchPrior21FitRecovers draws 4000 2×2 patches from a known
// 2-component Gaussian mixture (weights 0.3/0.7, means ±3, different
// diagonal covariances) and checks FitPatchPrior (no augmentation, each
// patch one row) recovers it.
func TestPatchPrior21FitRecovers(t *testing.T) {
	const n, p = 4000, 2
	rng := rand.New(rand.NewPCG(3, 4))
	mu := [2][]float64{{3, 3, -1, 2}, {-3, -2, 1, -3}}
	sd := [2][]float64{{0.5, 1, 0.7, 0.4}, {1.2, 0.6, 0.9, 1.5}}
	maps := stlayer.NewMaps(n, p, p)
	for b := 0; b < n; b++ {
		k := 1
		if rng.Float64() < 0.3 {
			k = 0
		}
		for j := 0; j < p*p; j++ {
			maps.Data[b*p*p+j] = mu[k][j] + sd[k][j]*rng.NormFloat64()
		}
	}
	pp, err := FitPatchPrior(maps, PatchPriorOptions{P: p, K: 2, NoAugment: true, Reg: 1e-6, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	// order the fitted components by their first mean
	ord := []int{0, 1}
	if pp.Means[0] < pp.Means[p*p] {
		ord = []int{1, 0}
	}
	d := p * p
	for c, k := range ord {
		want := 0.3
		if c == 1 {
			want = 0.7
		}
		if math.Abs(pp.Weights[k]-want) > 0.03 {
			t.Errorf("component %d: weight %.3f, want %.1f", c, pp.Weights[k], want)
		}
		for j := 0; j < d; j++ {
			if got := pp.Means[k*d+j]; math.Abs(got-mu[c][j]) > 0.1 {
				t.Errorf("component %d: mean[%d] %.3f, want %g", c, j, got, mu[c][j])
			}
			v := pp.Covs[k*d*d+j*d+j]
			if r := math.Sqrt(v) / sd[c][j]; math.Abs(r-1) > 0.08 {
				t.Errorf("component %d: std[%d] %.3f, want %g", c, j, math.Sqrt(v), sd[c][j])
			}
			for i := 0; i < d; i++ {
				if i != j && math.Abs(pp.Covs[k*d*d+i*d+j]) > 0.1 {
					t.Errorf("component %d: cov[%d,%d] %.3f, want 0", c, i, j, pp.Covs[k*d*d+i*d+j])
				}
			}
		}
	}
	// deterministic for a seed
	pp2, err := FitPatchPrior(maps, PatchPriorOptions{P: p, K: 2, NoAugment: true, Reg: 1e-6, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(pp.Covs, pp2.Covs) || !slices.Equal(pp.Means, pp2.Means) || !slices.Equal(pp.Weights, pp2.Weights) {
		t.Error("two fits with one seed differ")
	}
	if _, err := FitPatchPrior(stlayer.NewMaps(2, 4, 4), PatchPriorOptions{P: 2, K: 2}); err == nil || !strings.Contains(err.Error(), "constant") {
		t.Errorf("constant patches: err %v, want one saying they are constant", err)
	}
}

func randSPD(rng *rand.Rand, d int, scale float64) []float64 {
	a := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var c mat.Dense
	c.Mul(a, a.T())
	out := make([]float64, d*d)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			out[i*d+j] = scale * c.At(i, j)
		}
		out[i*d+i] += scale * 0.5
	}
	return out
}

// TestPatchPrior21WienerK1: with one Gaussian per prior the two-source
// posterior is the Wiener solution a = μ_a + Σ_a (Σ_a + Σ_b + s²I)⁻¹ (y − μ_a
// − μ_b), checked against a direct linear solve on one 3×3 patch (with and
// without noise).
func TestPatchPrior21WienerK1(t *testing.T) {
	const p = 3
	d := p * p
	rng := rand.New(rand.NewPCG(1, 2))
	mk := func(scale float64) *PatchPrior {
		pp := &PatchPrior{P: p, K: 1, Weights: []float64{1}, Covs: randSPD(rng, d, scale)}
		for j := 0; j < d; j++ {
			pp.Means = append(pp.Means, rng.NormFloat64())
		}
		return pp
	}
	a, b := mk(1), mk(0.3)
	data := stlayer.NewMaps(1, p, p)
	for j := range data.Data {
		data.Data[j] = 3 * rng.NormFloat64()
	}
	for _, noise := range []float64{0, 0.7} {
		out, err := SeparateWithPatchPriors(data, a, b, PatchSepOptions{NoiseVar: noise})
		if err != nil {
			t.Fatal(err)
		}
		s := mat.NewDense(d, d, nil)
		r := mat.NewVecDense(d, nil)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				s.Set(i, j, a.Covs[i*d+j]+b.Covs[i*d+j])
			}
			s.Set(i, i, s.At(i, i)+noise)
			r.SetVec(i, data.Data[i]-a.Means[i]-b.Means[i])
		}
		var x, wa, wb mat.VecDense
		if err := x.SolveVec(s, r); err != nil {
			t.Fatal(err)
		}
		wa.MulVec(mat.NewDense(d, d, a.Covs), &x)
		wb.MulVec(mat.NewDense(d, d, b.Covs), &x)
		for i := 0; i < d; i++ {
			wantA := a.Means[i] + wa.AtVec(i)
			wantB := data.Data[i] - wantA
			if noise > 0 {
				wantB = b.Means[i] + wb.AtVec(i)
				if got, want := out.Data[2*d+i], data.Data[i]-wantA-wantB; math.Abs(got-want) > 1e-9 {
					t.Errorf("noise %g: noise pixel %d %.12g, want %.12g", noise, i, got, want)
				}
			}
			if math.Abs(out.Data[i]-wantA) > 1e-9 || math.Abs(out.Data[d+i]-wantB) > 1e-9 {
				t.Errorf("noise %g: pixel %d: a %.12g b %.12g, want %.12g %.12g", noise, i, out.Data[i], out.Data[d+i], wantA, wantB)
			}
		}
	}
	if _, err := SeparateWithPatchPriors(data, a, b, PatchSepOptions{Stride: 4}); err == nil || !strings.Contains(err.Error(), "stride 4 is larger than the patch size 3") {
		t.Errorf("stride 4: err %v", err)
	}
	small := stlayer.NewMaps(1, 2, 5)
	if _, err := SeparateWithPatchPriors(small, a, b, PatchSepOptions{}); err == nil || !strings.Contains(err.Error(), "data map 2×5 is smaller than the priors' patch 3×3") {
		t.Errorf("2×5 data: err %v", err)
	}
}

// TestPatchPrior21SaveLoad: Save then LoadPatchPrior gives the same numbers
// bit for bit.
func TestPatchPrior21SaveLoad(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	pp := &PatchPrior{P: 2, K: 3, Weights: []float64{0.2, 0.3, 0.5}}
	for k := 0; k < 3; k++ {
		pp.Covs = append(pp.Covs, randSPD(rng, 4, 1.0/3)...)
		for j := 0; j < 4; j++ {
			pp.Means = append(pp.Means, rng.NormFloat64()/7)
		}
	}
	path := filepath.Join(t.TempDir(), "prior.npz")
	if err := pp.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadPatchPrior(path)
	if err != nil {
		t.Fatal(err)
	}
	bits := func(v []float64) []uint64 {
		out := make([]uint64, len(v))
		for i, x := range v {
			out[i] = math.Float64bits(x)
		}
		return out
	}
	if got.P != 2 || got.K != 3 || !slices.Equal(bits(got.Weights), bits(pp.Weights)) || !slices.Equal(bits(got.Means), bits(pp.Means)) || !slices.Equal(bits(got.Covs), bits(pp.Covs)) {
		t.Errorf("round trip: P %d K %d, values differ", got.P, got.K)
	}
}

// TestPatchPrior21SepProgress: SeparateWithPatchPriors reports its data
// patches done after each batch (a large map at stride 1 is minutes of
// work): 50×50 with 3×3 priors at stride 1 is 48² = 2304 patches, two
// batches.
func TestPatchPrior21SepProgress(t *testing.T) {
	const p = 3
	d := p * p
	rng := rand.New(rand.NewPCG(3, 4))
	mk := func(scale float64) *PatchPrior {
		return &PatchPrior{P: p, K: 1, Weights: []float64{1}, Means: make([]float64, d), Covs: randSPD(rng, d, scale)}
	}
	data := stlayer.NewMaps(1, 50, 50)
	for j := range data.Data {
		data.Data[j] = rng.NormFloat64()
	}
	var calls [][2]int
	opt := PatchSepOptions{Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }}
	if _, err := SeparateWithPatchPriors(data, mk(1), mk(0.3), opt); err != nil {
		t.Fatal(err)
	}
	if want := [][2]int{{2048, 2304}, {2304, 2304}}; !slices.Equal(calls, want) {
		t.Fatalf("progress calls %v, want %v", calls, want)
	}
}

// TestPatchPrior21TrainingRowsSubset: patchTrainingMatrix keeps the rows
// the former cut-all-then-shuffle kept, in that order, bit for bit, without
// cutting the rest: 20 maps of 64² at stride 4 with the 8 dihedral copies
// are 40960 candidate rows (about 12 MB as separate slices); 1000 are kept.
func TestPatchPrior21TrainingRowsSubset(t *testing.T) {
	const p, s, maxN = 6, 4, 1000
	rng := rand.New(rand.NewPCG(5, 6))
	maps := stlayer.NewMaps(20, 64, 64)
	for i := range maps.Data {
		maps.Data[i] = rng.NormFloat64()
	}
	// the former construction
	var rows [][]float64
	buf := make([]float64, p*p)
	for b := 0; b < maps.B; b++ {
		for _, r0 := range patchOrigins(maps.M, p, s) {
			for _, c0 := range patchOrigins(maps.N, p, s) {
				cutPatch(maps.Map(b), maps.N, r0, c0, p, buf)
				for t := 0; t < 8; t++ {
					rows = append(rows, dihedralPatch(buf, p, t))
				}
			}
		}
	}
	if len(rows) != 40960 {
		t.Fatalf("%d candidate rows, want 40960", len(rows))
	}
	sh := rand.New(rand.NewPCG(9, 0x7a1))
	sh.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	X := patchTrainingMatrix(maps, p, s, true, maxN, 9)
	runtime.ReadMemStats(&m1)
	if n, d := X.Dims(); n != maxN || d != p*p {
		t.Fatalf("X %d×%d, want %d×%d", n, d, maxN, p*p)
	}
	for i := 0; i < maxN; i++ {
		if !slices.Equal(X.RawRowView(i), rows[i]) {
			t.Fatalf("row %d differs from the former subset's", i)
		}
	}
	if a := m1.TotalAlloc - m0.TotalAlloc; a > 1<<20 {
		t.Errorf("patchTrainingMatrix allocated %d bytes for %d of 40960 rows (want < 1 MiB: X is 288 kB, the row indices 160 kB)", a, maxN)
	}
	// no subset: every row, in order
	if X := patchTrainingMatrix(stlayer.NewMaps(1, 8, 8), 6, 4, false, 0, 1); X.RawMatrix().Rows != 4 {
		t.Errorf("8×8 at stride 4 without copies: %d rows, want 4 (origins 0, 2 flush)", X.RawMatrix().Rows)
	}
}

// TestPatchPrior21PairWeights: with K = 2 mixtures on 1×1 patches the
// estimate is the exact two-source posterior mean Σ_kl w_kl (μ_k + σ_k²/
// (σ_k²+σ_l²)(y − μ_k − μ_l)), w_kl ∝ π_k π_l N(y; μ_k+μ_l, σ_k²+σ_l²),
// including pixels far in the tails (y = ±300 std: every pair density
// underflows to 0 in linear form, so the weights must be in the log
// domain). Dropped pairs (below 1e-6 of the largest weight) bound the error.
func TestPatchPrior21PairWeights(t *testing.T) {
	a := &PatchPrior{P: 1, K: 2, Weights: []float64{0.3, 0.7}, Means: []float64{-2, 1}, Covs: []float64{0.5, 2}}
	b := &PatchPrior{P: 1, K: 2, Weights: []float64{0.6, 0.4}, Means: []float64{0, 3}, Covs: []float64{1, 0.2}}
	ys := []float64{-3, -1, 0, 0.5, 1, 2, 4, 7, 300, -300}
	data := stlayer.NewMaps(1, 1, len(ys))
	copy(data.Data, ys)
	out, err := SeparateWithPatchPriors(data, a, b, PatchSepOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, y := range ys {
		var lw [4]float64
		var est [4]float64
		mx := math.Inf(-1)
		for k := 0; k < 2; k++ {
			for l := 0; l < 2; l++ {
				s := a.Covs[k] + b.Covs[l]
				r := y - a.Means[k] - b.Means[l]
				lw[2*k+l] = math.Log(a.Weights[k]*b.Weights[l]) - 0.5*math.Log(2*math.Pi*s) - 0.5*r*r/s
				est[2*k+l] = a.Means[k] + a.Covs[k]/s*r
				mx = math.Max(mx, lw[2*k+l])
			}
		}
		num, den := 0.0, 0.0
		for j := range lw {
			w := math.Exp(lw[j] - mx)
			num += w * est[j]
			den += w
		}
		want := num / den
		if got := out.Data[i]; math.IsNaN(got) || math.Abs(got-want) > 1e-5*(1+math.Abs(want)) {
			t.Errorf("y = %g: a = %.9g, want %.9g", y, got, want)
		}
		if got := out.Data[len(ys)+i]; math.Abs(got-(y-out.Data[i])) > 1e-12*(1+math.Abs(y)) {
			t.Errorf("y = %g: b = %g, want d − a = %g", y, got, y-out.Data[i])
		}
	}
}
