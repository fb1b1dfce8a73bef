package infer

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// PatchPrior is a pixel-space prior of one component: a full-covariance
// Gaussian mixture over its P×P sub-patches (EPLL-style), fitted by
// FitPatchPrior on the component's training patches and used by
// SeparateWithPatchPriors.
//
// Conventions: a patch is a vector of P² pixels in row-major order (pixel
// (i, j) of the patch at index i·P + j); the units are the training
// patches' pixel units (the maps the prior was fitted on, as the dataset
// stores them: after the patch window, if any). Weights has K entries
// (summing to 1), Means K·P² values (row k is μ_k) and Covs K·P²·P² values
// (block k is the row-major P²×P² covariance Σ_k, regularised: Reg × the
// mean per-pixel variance of the training rows is on its diagonal).
//
// File (Save, LoadPatchPrior): an .npz archive readable with numpy alone,
// members
//
//	weights  [K]          float64  π_k
//	means    [K, P, P]    float64  μ_k as P×P patches
//	covs     [K, P², P²]  float64  Σ_k
//
// KAsked, KUsed and Rows record FitPatchPrior's fit (not saved: 0 for a
// prior loaded by LoadPatchPrior or built by hand): the mixture components
// asked (PatchPriorOptions.K, default 20), those EM started from (KUsed =
// PatchPriorOptions.KFor(Rows): KAsked, lowered to ⌊Rows/(P² + 1)⌋ where
// the training rows were fewer than KAsked·(P² + 1)) and the training rows
// fitted. K ≤ KUsed is what the fit kept (it drops dead components).
type PatchPrior struct {
	P, K    int
	Weights []float64
	Means   []float64
	Covs    []float64

	KAsked, KUsed, Rows int
}

// PatchPriorOptions configure FitPatchPrior. Zero values take the defaults
// stated per field (those measured on BenchmarkModelSeparationHeldOut).
type PatchPriorOptions struct {
	// P is the sub-patch side (default 6: on BenchmarkModelSeparationHeldOut
	// 6×6 priors, separated at stride 1, gave a mean worst-bin r of
	// 0.775/0.802 against 0.760/0.785 for 8×8 at stride 2); K the number of
	// mixture components (default 20). Each component must hold P² rows, so
	// FitPatchPrior takes KFor(rows) = min(K, ⌊rows/(P² + 1)⌋) components
	// on fewer than K·(P² + 1) training rows (740 for the defaults: one map
	// of 39×39 or more keeps K 20; PatchPrior.KUsed records it) and refuses
	// fewer than P² + 1 rows up front (kcap25: with K components on too few
	// rows all of them could die at once and the fit failed, "EM: no
	// mixture component holds …").
	P, K int
	// Reg adds Reg × the mean per-pixel variance of the training rows to
	// every covariance's diagonal (default 1e-3).
	Reg float64
	// MaxRows caps the training rows (a random subset, seeded; default
	// 30000); Stride is the step between the sub-patches cut from each
	// training map (default 4); NoAugment leaves out the 8 rotations and
	// flips of every sub-patch (by default each sub-patch enters 8 times).
	MaxRows, Stride int
	NoAugment       bool
	// Iters is the number of EM iterations at most (default 40; EM stops
	// earlier when the mean log-likelihood gains less than 1e-5 of itself).
	Iters int
	// Seed of the row subset and the k-means++ seeding (default 1): the fit
	// is deterministic for a seed.
	Seed uint64
	// Progress, if non-nil, is called after every EM iteration.
	Progress func(iter, iters int)
	// Context, if non-nil, stops the fit when cancelled: it is checked
	// before every EM iteration, and a cancelled fit returns an error
	// wrapping the context's ("patch prior: stopped after 3 of at most 40
	// EM iterations: context canceled"; not ErrModelInput). nil: never
	// stopped (context.Background). FitFeatureFilter fits its half priors
	// under FeatureFilterOptions.Context.
	Context context.Context
}

// KFor returns the mixture components FitPatchPrior fits on rows training
// rows with these options (zero fields: the defaults): K, lowered to
// ⌊rows/(P² + 1)⌋ where rows < K·(P² + 1); 0 where rows < P² + 1
// (FitPatchPrior's input error). With at most ⌊rows/(P² + 1)⌋ components
// one holds P² + 1 rows or more at every EM iteration (the rows'
// responsibilities sum to the rows), so the fit cannot lose all of them
// (refy24's measurements: PatchRefineOptions.PriorK, which is this rule on
// the refinement's maps).
func (o PatchPriorOptions) KFor(rows int) int {
	o.defaults()
	return max(0, min(o.K, rows/o.MinRows()))
}

// MinRows returns P² + 1 (zero P: the default, 6: 37 rows), the training
// rows one mixture component needs (it must hold P² of them): fewer are
// FitPatchPrior's input error, and KFor allows one component per MinRows
// rows.
func (o PatchPriorOptions) MinRows() int {
	o.defaults()
	return o.P*o.P + 1
}

// smallestSide returns the smallest side s ≥ P at which rows(s), the
// training rows of maps with that side (non-decreasing in s), reach
// MinRows: the smallest square map (rows(s) = TrainingRows(1, s, s)), or
// the fewest columns for a number of pixel rows. o has its defaults set
// and MaxRows ≥ MinRows (else no side reaches it: 0).
func (o PatchPriorOptions) smallestSide(rows func(s int) int) int {
	need := o.MinRows()
	if o.MaxRows < need {
		return 0
	}
	s := o.P
	for rows(s) < need {
		s++
	}
	return s
}

// TrainingRows returns the training rows FitPatchPrior cuts from b maps of
// m×n with these options (zero fields: the defaults): the P×P sub-patches
// at Stride (the last flush with the edge), 8 each with the rotations and
// flips unless NoAugment, at most MaxRows; 0 for maps smaller than P.
func (o PatchPriorOptions) TrainingRows(b, m, n int) int {
	o.defaults()
	if m < o.P || n < o.P || b < 1 {
		return 0
	}
	aug := 8
	if o.NoAugment {
		aug = 1
	}
	return min(o.MaxRows, b*len(patchOrigins(m, o.P, o.Stride))*len(patchOrigins(n, o.P, o.Stride))*aug)
}

// tooFewRowsError is FitPatchPrior's input error for b maps of m×n (≥ P×P)
// that give fewer than P² + 1 training rows (o: defaults set): it names the
// smallest inputs that work, the fewest maps of m×n and the smallest
// square map, or MaxRows when that caps every input below P² + 1 (and
// both where the maps give fewer rows uncapped too).
func tooFewRowsError(o PatchPriorOptions, b, m, n int) error {
	need := o.MinRows()
	rows := o.TrainingRows(b, m, n)
	what := fmt.Sprintf("%d×%d sub-patches at stride %d", o.P, o.P, o.Stride)
	if !o.NoAugment {
		what += ", with their 8 rotations and flips"
	}
	// the smallest inputs, counted without a MaxRows below need (rev1 s25:
	// the rows the maps give were reported as MaxRows' cap)
	u := o
	u.MaxRows = max(u.MaxRows, need)
	uncapped := u.TrainingRows(b, m, n)
	// rows per map from one map (≥ 1 for maps of P×P or more), not from
	// the b maps' capped total, which can be below b (lead25: 37/100 = 0
	// divided by zero)
	per := u.TrainingRows(1, m, n)
	maps := (need + per - 1) / per
	sq := u.smallestSide(func(s int) int { return u.TrainingRows(1, s, s) })
	if o.MaxRows < need {
		if uncapped < need {
			return inputErrorf("patch prior: MaxRows %d is below the P² + 1 = %d training rows one mixture component needs (it must hold P² = %d rows), and the training maps (%d of %d×%d) give %d training rows (%s) even uncapped: give MaxRows ≥ %d (PatchPriorOptions.MaxRows, --patch-prior-rows) and at least %d maps of %d×%d or one map of %d×%d", o.MaxRows, need, need-1, b, m, n, uncapped, what, need, maps, m, n, sq, sq)
		}
		return inputErrorf("patch prior: MaxRows %d caps the training rows (%d here) below the P² + 1 = %d one mixture component needs (it must hold P² = %d rows): give MaxRows ≥ %d (PatchPriorOptions.MaxRows, --patch-prior-rows)", o.MaxRows, rows, need, need-1, need)
	}
	return inputErrorf("patch prior: the training maps (%d of %d×%d) give %d training rows (%s), fewer than the P² + 1 = %d one mixture component needs (it must hold P² = %d rows): the smallest inputs that work are %d maps of %d×%d or one map of %d×%d (give more or larger training patches)", b, m, n, rows, what, need, need-1, maps, m, n, sq, sq)
}

func (o *PatchPriorOptions) defaults() {
	if o.P <= 0 {
		o.P = 6
	}
	if o.K <= 0 {
		o.K = 20
	}
	if o.Reg <= 0 {
		o.Reg = 1e-3
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 30000
	}
	if o.Stride <= 0 {
		o.Stride = 4
	}
	if o.Iters <= 0 {
		o.Iters = 40
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
}

// FitPatchPrior fits a PatchPrior to the P×P sub-patches of the maps
// patches (B maps of M×N ≥ P×P; sub-patches at Stride, the last flush with
// the edge, with their 8 rotations and flips, at most MaxRows of them): EM
// from a k-means++ seeding, every covariance regularised (see
// PatchPriorOptions). Measured on the held-out benchmark's clusters
// (models2, 154 and 207 patches of 64², defaults): 17–19 s per component on
// a busy 2-core machine (8×8: 10–47 s). On fewer than K·(P² + 1) training
// rows (TrainingRows) it fits KFor(rows) = ⌊rows/(P² + 1)⌋ components
// instead of K (kcap25: K 20 on one map of 12², 72 rows, failed in EM for
// 12 of 12 white-noise, slope −3 and log-normal maps, of 16² for 8 of 12,
// 20² 5 of 12, 24² 2 of 12, 28² none, after the work, those that did not
// fail keeping 1–5 components; they now fit 1, 3, 5, 7 and 10 components
// and keep 1–5, 3–5 at 28² as before); the prior records the K asked and
// used (KAsked, KUsed).
// Errors (ErrModelInput): no maps, non-finite pixels, maps smaller than P,
// fewer training rows than P² + 1 (up front, naming the fewest maps of
// that size and the smallest square map that work, or MaxRows when it
// caps the rows below that), constant patches, fewer distinct sub-patches
// than the components among the (at most 4000) rows seeding the fit. A
// component that holds fewer than P²
// rows takes half of a live component that can be split, the one with the
// largest weight × top covariance eigenvalue (split EM), else it is
// reseeded where the mixture fits worst; those still that small after the
// last iteration are dropped, so the prior's K can be smaller than
// PatchPriorOptions.K (training sets with large masked or constant areas:
// 90 % zero maps, K 8, 2×2 keep 6, 6 and 5 components in
// TestPfixlib22ZeroHeavyFit's seeds 1–3). With the reseeding alone the
// demo's priors (stkit demo: K 5, 3000 rows) kept 3 of 5 components; split
// they keep 5. TestReseed24SplitKeepsK checks a smaller case: K 8 on 360
// rows keeps 8 (4 and 5 with the reseeding alone).
func FitPatchPrior(patches *stlayer.Maps, opt PatchPriorOptions) (*PatchPrior, error) {
	opt.defaults()
	if err := checkFiniteMaps("patch prior: training patches", patches, -1); err != nil {
		return nil, err
	}
	p := opt.P
	if patches.M < p || patches.N < p {
		return nil, inputErrorf("patch prior: training maps of %d×%d are smaller than the sub-patch size %d (PatchPriorOptions.P)", patches.M, patches.N, p)
	}
	if !(opt.Reg > 0) || math.IsInf(opt.Reg, 0) {
		return nil, inputErrorf("patch prior: Reg %v: want a finite value > 0", opt.Reg)
	}
	k := opt.KFor(opt.TrainingRows(patches.B, patches.M, patches.N))
	if k < 1 {
		return nil, tooFewRowsError(opt, patches.B, patches.M, patches.N)
	}
	X := patchTrainingMatrix(patches, p, opt.Stride, !opt.NoAugment, opt.MaxRows, opt.Seed)
	n, _ := X.Dims()
	ctx := opt.Context
	if ctx == nil {
		ctx = context.Background()
	}
	pp, err := fitPatchGMM(ctx, X, k, opt.K, opt.Iters, opt.Reg, opt.Seed, opt.Progress)
	if err != nil {
		return nil, err
	}
	pp.KAsked, pp.KUsed, pp.Rows = opt.K, k, n
	return pp, nil
}

// patchOrigins returns patch origins 0, s, 2s, … and a last one flush with
// the edge (size ≥ p).
func patchOrigins(size, p, s int) []int {
	var o []int
	for v := 0; v+p <= size; v += s {
		o = append(o, v)
	}
	if o[len(o)-1] != size-p {
		o = append(o, size-p)
	}
	return o
}

// dihedralPatch returns the t-th (0–7) rotation/flip of a p×p patch.
func dihedralPatch(x []float64, p, t int) []float64 {
	out := make([]float64, p*p)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			a, b := i, j
			if t&4 != 0 {
				b = p - 1 - b
			}
			switch t & 3 {
			case 1:
				a, b = b, p-1-a
			case 2:
				a, b = p-1-a, p-1-b
			case 3:
				a, b = p-1-b, a
			}
			out[i*p+j] = x[a*p+b]
		}
	}
	return out
}

func cutPatch(x []float64, n, r0, c0, p int, dst []float64) {
	for i := 0; i < p; i++ {
		copy(dst[i*p:(i+1)*p], x[(r0+i)*n+c0:(r0+i)*n+c0+p])
	}
}

// patchTrainingMatrix cuts the p×p sub-patches at stride s of every map,
// with the 8 dihedral copies when aug, at most maxN rows (a seeded random
// subset). Only the rows kept are cut: the subset is drawn over row
// indices (the same rows, in the same order, as shuffling all the rows),
// so a large training set (10⁶–10⁷ candidate rows) does not hold them all
// in memory.
func patchTrainingMatrix(maps *stlayer.Maps, p, s int, aug bool, maxN int, seed uint64) *mat.Dense {
	nt := 1
	if aug {
		nt = 8
	}
	or, oc := patchOrigins(maps.M, p, s), patchOrigins(maps.N, p, s)
	per := len(or) * len(oc) * nt // rows per map
	total := maps.B * per
	n := total
	var idx []int32
	if maxN > 0 && total > maxN {
		idx = make([]int32, total)
		for i := range idx {
			idx[i] = int32(i)
		}
		rng := rand.New(rand.NewPCG(seed, 0x7a1))
		rng.Shuffle(total, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		n = maxN
	}
	X := mat.NewDense(n, p*p, nil)
	buf := make([]float64, p*p)
	for i := 0; i < n; i++ {
		r := i
		if idx != nil {
			r = int(idx[i])
		}
		b, rest := r/per, r%per
		o, t := rest/nt, rest%nt
		cutPatch(maps.Map(b), maps.N, or[o/len(oc)], oc[o%len(oc)], p, buf)
		X.SetRow(i, dihedralPatch(buf, p, t))
	}
	return X
}

// fitPatchGMM runs EM on the rows of X (k-means++ seeding on at most 4000
// rows, a shared initial covariance, covariances regularised by reg × the
// mean per-dimension variance). The K seeds are distinct rows: a sample
// with fewer than K distinct rows is an input error, which names kAsked
// too where K is below it (FitPatchPrior's KFor lowered the K asked: fixb25,
// the error named only the K fitted, and its advice "a smaller K" than the
// K asked could fit the same K). A cancelled ctx stops EM
// (patchGMMEMContext).
func fitPatchGMM(ctx context.Context, X *mat.Dense, K, kAsked, iters int, reg float64, seed uint64, progress func(int, int)) (*PatchPrior, error) {
	n, d := X.Dims()
	rng := rand.New(rand.NewPCG(seed, 0x6d6d))
	gm := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range X.RawRowView(i) {
			gm[j] += v / float64(n)
		}
	}
	Xc := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		r, o := X.RawRowView(i), Xc.RawRowView(i)
		for j := range r {
			o[j] = r[j] - gm[j]
		}
	}
	var gc mat.Dense
	gc.Mul(Xc.T(), Xc)
	gc.Scale(1/float64(n), &gc)
	tr := 0.0
	for j := 0; j < d; j++ {
		tr += gc.At(j, j)
	}
	if !(tr > 0) || math.IsInf(tr, 0) {
		return nil, inputErrorf("patch prior: the training sub-patches are constant (pixel variance %g): nothing to fit", tr/float64(d))
	}
	eps := reg * tr / float64(d)
	pi := make([]float64, K)
	mu := make([][]float64, K)
	cov := make([][]float64, K)
	sub := min(n, 4000)
	idx := rng.Perm(n)[:sub]
	dist := make([]float64, sub)
	for i := range dist {
		dist[i] = math.Inf(1)
	}
	centres := [][]float64{mat.Row(nil, idx[rng.IntN(sub)], X)}
	for len(centres) < K {
		c := centres[len(centres)-1]
		tot := 0.0
		for i, r := range idx {
			s := 0.0
			for j, v := range X.RawRowView(r) {
				s += (v - c[j]) * (v - c[j])
			}
			dist[i] = math.Min(dist[i], s)
			tot += dist[i]
		}
		if !(tot > 0) {
			// every sampled row is a copy of a centre: fewer distinct rows
			// than K (masked or constant areas repeat one sub-patch)
			if K < kAsked {
				return nil, inputErrorf("patch prior: the %d training rows seeding the fit hold %d distinct sub-patches for the K = %d mixture components fitted (K = %d asked, lowered to one per P² + 1 = %d of the %d training rows; masked or constant areas repeat one sub-patch): give K ≤ %d (PatchPriorOptions.K, --patch-prior-k) or more varied training patches", sub, len(centres), K, kAsked, d+1, n, len(centres))
			}
			return nil, inputErrorf("patch prior: the %d training rows seeding the fit hold %d distinct sub-patches for K = %d mixture components (masked or constant areas repeat one sub-patch): give a smaller K (PatchPriorOptions.K, --patch-prior-k) or more varied training patches", sub, len(centres), K)
		}
		// rows at distance 0 (copies of a centre) are never picked: the
		// fallback for rounding is the last row at a positive distance
		u := rng.Float64() * tot
		pick := -1
		for i, r := range idx {
			if dist[i] <= 0 {
				continue
			}
			pick = r
			u -= dist[i]
			if u <= 0 {
				break
			}
		}
		centres = append(centres, mat.Row(nil, pick, X))
	}
	cov0 := make([]float64, d*d) // the shared initial covariance
	for a := 0; a < d; a++ {
		for b := 0; b < d; b++ {
			cov0[a*d+b] = gc.At(a, b) / float64(K)
		}
		cov0[a*d+a] += eps
	}
	for k := 0; k < K; k++ {
		pi[k] = 1 / float64(K)
		mu[k] = centres[k]
		cov[k] = append([]float64(nil), cov0...)
	}
	return patchGMMEMContext(ctx, X, pi, mu, cov, eps, iters, progress)
}

// allDeadError is patchGMMEM's input error when each of its k components
// holds fewer than d + 1e-8·n of the n training rows (d = P² pixels) at
// iteration it. It names the most components sure to keep one, kMax =
// min(⌊n/(d + 1)⌋, ⌊n/(d + 1e-8·n)⌋) (one of them holds at least n/kMax
// rows), and advises a smaller K: through FitPatchPrior, which fits
// KFor(n) = min(K, ⌊n/(d + 1)⌋), only a K of millions on 10⁸ rows or more
// gets here, and then more rows need not help (with K of 10⁸ or more
// they never do), fewer components always do (fixc25: the message advised
// "more training patches or a smaller K" as before kcap25's cap).
func allDeadError(n, d, k, it int) error {
	kMax := min(n/(d+1), int(float64(n)/(float64(d)+1e-8*float64(n))))
	most := ""
	if k > kMax {
		most = fmt.Sprintf(": %d mixture components are more than these rows hold (at most %d, one per P² + 1 = %d rows below 10⁸ rows)", k, kMax, d+1)
	}
	return inputErrorf("patch prior: EM: no mixture component holds %d rows (P² = %d pixels) of the %d training rows (iteration %d)%s: give a smaller K (PatchPriorOptions.K, --patch-prior-k)", d, d, n, it, most)
}

// patchGMMEM runs at most iters EM iterations on the rows of X from the
// mixture (pi, mu, cov) and returns the fitted prior. Covariances are
// regularised by eps on the diagonal. A component that holds fewer than
// d (+ 1e-8·n) rows is dead: splitForDeadPatchComponents moves each dead
// component onto half of a live one; the dead ones it cannot place,
// reseedDeadPatchComponents moves one per iteration to the row the mixture
// explains worst, with the covariance of the worst-explained rows (the
// others wait with weight 0). Nothing is moved at the last iteration, EM
// does not stop while a component is dead nor within 5 iterations of the
// last move. Components dead after the last iteration (never fitted since)
// are dropped: the prior's K is then smaller. All of them dead at once is
// an input error (allDeadError: "EM: no mixture component holds …"),
// which needs more than ⌊n/(d + 1)⌋ components (one of at most that many
// holds d + 1 rows or more, the responsibilities summing to n) or n ≥ 10⁸
// rows (the threshold's 1e-8·n reaching 1): FitPatchPrior, which fits at
// most PatchPriorOptions.KFor(n) components, reaches it only with more
// than n/(d + 1e-8·n) of them, at least 10⁸/(d + 1) (2.7 million for
// 6×6) on 10⁸ rows or more (MaxRows raised that far), whose n×K
// responsibilities alone would take petabytes; callers of patchGMMEM or
// fitPatchGMM with a mixture of more components (the tests) still can.
func patchGMMEM(X *mat.Dense, pi []float64, mu, cov [][]float64, eps float64, iters int, progress func(int, int)) (*PatchPrior, error) {
	return patchGMMEMContext(context.Background(), X, pi, mu, cov, eps, iters, progress)
}

// patchGMMEMContext is patchGMMEM checking ctx before every iteration: a
// cancelled ctx stops it with an error wrapping ctx's, naming the
// iterations done.
func patchGMMEMContext(ctx context.Context, X *mat.Dense, pi []float64, mu, cov [][]float64, eps float64, iters int, progress func(int, int)) (*PatchPrior, error) {
	n, d := X.Dims()
	K := len(pi)
	p := int(math.Round(math.Sqrt(float64(d))))
	R := mat.NewDense(n, K, nil)
	D := mat.NewDense(n, d, nil)
	rowLL := make([]float64, n)
	dead := make([]bool, K)
	// the last iteration that moved a dead component, split onto half of a
	// live one (splitForDeadPatchComponents) or reseeded
	// (reseedDeadPatchComponents): named lastReseed before the split
	// rule (56537c2), whose moves it counts too
	lastMove := 0
	prev := math.Inf(-1)
	for it := 0; it < iters; it++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("patch prior: stopped after %d of at most %d EM iterations: %w", it, iters, err)
		}
		for k := 0; k < K; k++ {
			linv, logdet, ok := cholInvLower(cov[k], d)
			if !ok {
				return nil, fmt.Errorf("patch prior: EM: covariance %d is not positive definite (iteration %d)", k, it)
			}
			for i := 0; i < n; i++ {
				r, o := X.RawRowView(i), D.RawRowView(i)
				for j := range r {
					o[j] = r[j] - mu[k][j]
				}
			}
			var Z mat.Dense
			Z.Mul(D, linv.T())
			lp := math.Log(pi[k]) - 0.5*logdet - 0.5*float64(d)*math.Log(2*math.Pi)
			for i := 0; i < n; i++ {
				s := 0.0
				for _, v := range Z.RawRowView(i) {
					s += v * v
				}
				R.Set(i, k, lp-0.5*s)
			}
		}
		ll := 0.0
		for i := 0; i < n; i++ {
			r := R.RawRowView(i)
			mx := math.Inf(-1)
			for _, v := range r {
				mx = math.Max(mx, v)
			}
			s := 0.0
			for k := range r {
				r[k] = math.Exp(r[k] - mx)
				s += r[k]
			}
			for k := range r {
				r[k] /= s
			}
			rowLL[i] = mx + math.Log(s)
			ll += rowLL[i]
		}
		ll /= float64(n)
		ndead := 0
		for k := 0; k < K; k++ {
			nk := 0.0
			m := make([]float64, d)
			for i := 0; i < n; i++ {
				w := R.At(i, k)
				nk += w
				for j, v := range X.RawRowView(i) {
					m[j] += w * v
				}
			}
			dead[k] = nk < 1e-8*float64(n)+float64(d)
			if dead[k] {
				ndead++
				continue
			}
			for j := range m {
				m[j] /= nk
			}
			for i := 0; i < n; i++ {
				sw := math.Sqrt(R.At(i, k))
				r, o := X.RawRowView(i), D.RawRowView(i)
				for j := range r {
					o[j] = sw * (r[j] - m[j])
				}
			}
			var C mat.Dense
			C.Mul(D.T(), D)
			c := make([]float64, d*d)
			for a := 0; a < d; a++ {
				for b := 0; b < d; b++ {
					c[a*d+b] = 0.5 * (C.At(a, b) + C.At(b, a)) / nk
				}
				c[a*d+a] += eps
			}
			mu[k], cov[k], pi[k] = m, c, nk/float64(n)
		}
		if ndead == K {
			return nil, allDeadError(n, d, K, it+1)
		}
		if ndead > 0 && it+1 < iters {
			moved := splitForDeadPatchComponents(X, R, dead, pi, mu, cov, eps)
			rest := slices.Clone(dead)
			for k := range rest {
				rest[k] = rest[k] && !moved[k]
			}
			if slices.Contains(rest, true) {
				reseedDeadPatchComponents(X, rowLL, rest, pi, mu, cov, eps)
			} else {
				s := 0.0
				for _, v := range pi {
					s += v
				}
				for k := range pi {
					pi[k] /= s
				}
			}
			lastMove = it
		}
		if progress != nil {
			progress(it+1, iters)
		}
		if ndead == 0 && it > lastMove+5 && ll-prev < 1e-5*math.Abs(ll) {
			break
		}
		prev = ll
	}
	s := 0.0
	kept := 0
	for k, v := range pi {
		if !dead[k] {
			s += v
			kept++
		}
	}
	pp := &PatchPrior{P: p, K: kept}
	for k := 0; k < K; k++ {
		if dead[k] {
			continue
		}
		pp.Weights = append(pp.Weights, pi[k]/s)
		pp.Means = append(pp.Means, mu[k]...)
		pp.Covs = append(pp.Covs, cov[k]...)
	}
	return pp, nil
}

// reseedDeadPatchComponents reseeds the first dead component of the
// mixture: its mean is the row of X the mixture explains worst (the lowest
// rowLL, distinct from every mean), its covariance that of the m =
// max(2d, n/K) worst-explained rows (about their mean, + eps on the
// diagonal; the rows nearest the new mean gave a covariance too narrow to
// hold rows on 90 % zero maps), its weight m/n; the weights are then
// normalised to sum 1. The other dead components get weight 0 (no rows)
// until a later iteration reseeds them, one per iteration: two reseeded at
// once would share the same rows. With no such row left the component
// stays dead.
func reseedDeadPatchComponents(X *mat.Dense, rowLL []float64, dead []bool, pi []float64, mu, cov [][]float64, eps float64) {
	n, d := X.Dims()
	K := len(pi)
	k := slices.Index(dead, true)
	for j := k + 1; j < K; j++ {
		if dead[j] {
			pi[j] = 0
		}
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rowLL[a], rowLL[b]) })
	pick := slices.IndexFunc(order, func(i int) bool {
		r := X.RawRowView(i)
		return !slices.ContainsFunc(mu, func(m []float64) bool { return slices.Equal(m, r) })
	})
	if pick < 0 {
		pi[k] = 0
	} else {
		c := mat.Row(nil, order[pick], X)
		m := min(n, max(2*d, n/K))
		near := mat.NewDense(m, d, nil)
		mean := make([]float64, d)
		for i := 0; i < m; i++ {
			near.SetRow(i, X.RawRowView(order[i]))
			for j, v := range X.RawRowView(order[i]) {
				mean[j] += v / float64(m)
			}
		}
		for i := 0; i < m; i++ {
			r := near.RawRowView(i)
			for j := range r {
				r[j] -= mean[j]
			}
		}
		var C mat.Dense
		C.Mul(near.T(), near)
		cv := make([]float64, d*d)
		for a := 0; a < d; a++ {
			for b := 0; b < d; b++ {
				cv[a*d+b] = 0.5 * (C.At(a, b) + C.At(b, a)) / float64(m)
			}
			cv[a*d+a] += eps
		}
		mu[k], cov[k], pi[k] = c, cv, float64(m)/float64(n)
	}
	s := 0.0
	for _, v := range pi {
		s += v
	}
	for j := range pi {
		pi[j] /= s
	}
}

// cholInvLower returns L⁻¹ (L the Cholesky factor of the d×d matrix c) and
// log det c.
func cholInvLower(c []float64, d int) (*mat.Dense, float64, bool) {
	var ch mat.Cholesky
	if !ch.Factorize(mat.NewSymDense(d, append([]float64(nil), c...))) {
		return nil, 0, false
	}
	var L, li mat.TriDense
	ch.LTo(&L)
	if err := li.InverseTri(&L); err != nil {
		return nil, 0, false
	}
	out := mat.NewDense(d, d, nil)
	out.Copy(&li)
	return out, ch.LogDet(), true
}

// check reports the first inconsistency of pp's shapes or values: the
// lengths, weights that are not finite and > 0 or do not sum to 1 within
// 1e-6, non-finite means or covariances, a covariance that is not
// symmetric (|Σ_ab − Σ_ba| > 1e-9 √(Σ_aa Σ_bb)) or not positive definite.
func (pp *PatchPrior) check() error {
	if pp == nil {
		return errors.New("no patch prior (nil)")
	}
	d := pp.P * pp.P
	if pp.P < 1 || pp.K < 1 || len(pp.Weights) != pp.K || len(pp.Means) != pp.K*d || len(pp.Covs) != pp.K*d*d {
		return fmt.Errorf("patch prior: P %d, K %d with %d weights, %d mean values, %d covariance values (want K, K·P², K·P⁴)", pp.P, pp.K, len(pp.Weights), len(pp.Means), len(pp.Covs))
	}
	sum := 0.0
	for k, v := range pp.Weights {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("patch prior: weight %d is %v (want finite values > 0)", k, v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("patch prior: the %d weights sum to %v (want 1 within 1e-6)", pp.K, sum)
	}
	for i, v := range pp.Means {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("patch prior: mean %d has the non-finite value %v (pixel %d)", i/d, v, i%d)
		}
	}
	for k := 0; k < pp.K; k++ {
		c := pp.Covs[k*d*d : (k+1)*d*d]
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("patch prior: covariance %d has the non-finite value %v at [%d, %d]", k, v, i/d, i%d)
			}
		}
		for a := 0; a < d; a++ {
			for b := 0; b < a; b++ {
				if math.Abs(c[a*d+b]-c[b*d+a]) > 1e-9*math.Sqrt(math.Abs(c[a*d+a]*c[b*d+b])) {
					return fmt.Errorf("patch prior: covariance %d is not symmetric: [%d, %d] = %v, [%d, %d] = %v", k, a, b, c[a*d+b], b, a, c[b*d+a])
				}
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(mat.NewSymDense(d, append([]float64(nil), c...))) {
			return fmt.Errorf("patch prior: covariance %d (%d×%d) is not positive definite", k, d, d)
		}
	}
	return nil
}

// Save writes pp as an .npz archive (members weights, means, covs; see
// PatchPrior).
func (pp *PatchPrior) Save(path string) error {
	if err := pp.check(); err != nil {
		return asInput(err)
	}
	return datasets.WriteNPZ(path, pp.members(), false)
}

// members returns the archive's members as Save writes them.
func (pp *PatchPrior) members() []datasets.NamedArray {
	d := pp.P * pp.P
	f64 := func(name string, v []float64, shape ...int) datasets.NamedArray {
		return datasets.NamedArray{Name: name, Array: &datasets.Array{DType: "float64", Shape: shape, Float64: v}}
	}
	return []datasets.NamedArray{
		f64("weights", pp.Weights, pp.K),
		f64("means", pp.Means, pp.K, pp.P, pp.P),
		f64("covs", pp.Covs, pp.K, d, d),
	}
}

// archiveSHA256 returns the hex SHA-256 of the archive Save writes for pp
// (datasets.EncodeNPZ gives the bytes datasets.WriteNPZ writes), without a
// file.
func (pp *PatchPrior) archiveSHA256() (string, error) {
	if err := pp.check(); err != nil {
		return "", asInput(err)
	}
	b, err := datasets.EncodeNPZ(pp.members(), false)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// LoadPatchPrior reads an archive written by PatchPrior.Save. Errors name
// the file and match ErrModelInput: a missing member, member shapes other
// than weights [K], means [K, P, P], covs [K, P², P²], weights that are not
// finite and > 0 or do not sum to 1 within 1e-6, non-finite means or
// covariances, a covariance that is not symmetric or not positive definite
// (a damaged or hand-edited file). A valid file loads as saved, bit for bit.
func LoadPatchPrior(path string) (*PatchPrior, error) {
	arrs, err := datasets.ReadNPZ(path)
	if err != nil {
		return nil, asInput(fmt.Errorf("patch prior %s: %w", path, err))
	}
	get := map[string]*datasets.Array{}
	for _, a := range arrs {
		get[a.Name] = a.Array
	}
	for _, name := range []string{"weights", "means", "covs"} {
		if get[name] == nil || get[name].Float64 == nil {
			return nil, inputErrorf("patch prior %s: no float member %q (want weights [K], means [K, P, P], covs [K, P², P²])", path, name)
		}
	}
	ms := get["means"].Shape
	if len(ms) != 3 || ms[1] != ms[2] || ms[0] < 1 || ms[1] < 1 {
		return nil, inputErrorf("patch prior %s: means has shape %v (want [K, P, P])", path, ms)
	}
	k, d := ms[0], ms[1]*ms[1]
	if ws := get["weights"].Shape; !slices.Equal(ws, []int{k}) {
		return nil, inputErrorf("patch prior %s: weights has shape %v for means of shape %v (want [K] = [%d])", path, ws, ms, k)
	}
	if cs := get["covs"].Shape; !slices.Equal(cs, []int{k, d, d}) {
		return nil, inputErrorf("patch prior %s: covs has shape %v for means of shape %v (want [K, P², P²] = [%d, %d, %d])", path, cs, ms, k, d, d)
	}
	pp := &PatchPrior{P: ms[1], K: ms[0], Weights: get["weights"].Float64, Means: get["means"].Float64, Covs: get["covs"].Float64}
	if err := pp.check(); err != nil {
		return nil, inputErrorf("patch prior %s: %s", path, strings.TrimPrefix(err.Error(), "patch prior: "))
	}
	return pp, nil
}
