package vae

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
	. "github.com/gomlx/gomlx/pkg/core/graph" //nolint:revive // GoMLX graph DSL
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/gomlxfix" // also installs the fast matmul VJPs
)

// DefaultInferenceBatch is the row chunk used by Model's inference methods; a shorter last chunk is
// zero-padded to one of PadBuckets row counts, so at most PadBuckets graphs are compiled per method.
const DefaultInferenceBatch = 256

// Model owns a GM-VAE's variables (in Ctx, under Scope) and its inference graphs. Inference always
// runs in evaluation mode (batch normalisation with running averages). Methods are safe for
// concurrent use; training (package train) must not run concurrently with them.
type Model struct {
	// Cfg is the model configuration. Its architecture fields (K, Channels, Features, Z, H, Layers,
	// Slope, PriorVarOffset, BNEpsilon) are fixed after New: the variables and the compiled graphs are
	// New's, and Ready refuses a model whose Cfg differs there. The loss weights and BNMomentum are
	// read by package train when it builds its training graph.
	Cfg Config
	// Ctx is the root context: VAE variables under Scope, plus whatever a trainer adds (optimiser
	// state, global step, RNG state).
	Ctx *context.Context
	// Backend runs the graphs.
	Backend backends.Backend
	// Batch is the inference chunk size in rows (≤ 0: DefaultInferenceBatch). It may change between
	// calls: the inference graphs built for another Batch are dropped and rebuilt for the new one
	// (a compilation per change), so the results are those of a model that always had this Batch.
	// Change it only while no method is running.
	Batch int

	mu         sync.Mutex
	execBatch  int                   // the chunk size evalExecs and decodeExec were built for
	evalExecs  map[int]*context.Exec // by the evalTerms|evalMu outputs
	decodeExec *context.Exec
	priorExec  *context.Exec
	bnExec     *context.Exec
	bnBatch    int    // the batch size bnExec last ran (its graph is rebuilt for another one)
	built      Config // the Cfg New built the variables for (Ready compares the architecture fields)
}

// New creates a model with freshly initialised variables. Initialisation is deterministic given
// seed (context.ParamInitialSeed: weights He-normal, biases 0, BN scale 1 / offset 0): all variables
// are created in a fixed order by one graph that runs the whole forward pass, so later call order
// does not matter. The Gumbel temperature starts at 1.
func New(backend backends.Backend, cfg Config, seed int64) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if backend == nil {
		return nil, errors.New("vae: nil backend")
	}
	ctx := context.New()
	ctx.SetParam(context.ParamInitialSeed, seed)
	m := &Model{Cfg: cfg, Ctx: ctx, Backend: backend, Batch: DefaultInferenceBatch, built: cfg}
	vctx := m.vaeCtx()
	TemperatureVar(vctx)
	init, err := context.NewExec(backend, vctx, func(ctx *context.Context, x *Node) *Node {
		g := x.Graph()
		noise := &StateNoise{State: RNGStateFromSeedForGraph(g, 0)}
		o := Forward(ctx, cfg, x, TemperatureVar(ctx).ValueGraph(g), noise)
		return ReduceAllSum(o.XRec)
	})
	if err != nil {
		return nil, fmt.Errorf("vae: building initialisation graph: %w", err)
	}
	defer init.Finalize()
	if _, err := init.Exec(tensors.FromShape(shapes.Make(dtypes.Float32, 2, cfg.InputDim()))); err != nil {
		return nil, fmt.Errorf("vae: initialising variables: %w", err)
	}
	return m, nil
}

func (m *Model) vaeCtx() *context.Context { return m.Ctx.In(Scope).Checked(false) }

// Ready refuses a model the methods cannot use: nil, without Ctx or Backend (not built by New), with
// a Cfg that fails Validate, or with a Cfg whose architecture fields (see Model.Cfg) differ from
// those New built it for (a model literal not made by New included). Every method checks it;
// callers that drive the model's context themselves (package train) check it first.
func (m *Model) Ready() error {
	switch {
	case m == nil:
		return errors.New("vae: nil model")
	case m.Ctx == nil:
		return errors.New("vae: model has no context (build it with New)")
	case m.Backend == nil:
		return errors.New("vae: model has no backend (build it with New)")
	}
	if err := m.Cfg.Validate(); err != nil {
		return fmt.Errorf("vae: model configuration: %w", err)
	}
	if m.built.K == 0 {
		return errors.New("vae: model was not built by New (build it with New)")
	}
	if name, now, was := archDiff(m.Cfg, m.built); name != "" {
		return fmt.Errorf("vae: Cfg.%s is %v but the model was built by New for %v: its variables and graphs are New's; build a new model for another architecture", name, now, was)
	}
	return nil
}

// archDiff returns the first architecture field (see Model.Cfg) in which a and b differ, with both
// values, or "" when they agree.
func archDiff(a, b Config) (name string, va, vb any) {
	for _, f := range []struct {
		name   string
		va, vb any
	}{{"K", a.K, b.K}, {"Channels", a.Channels, b.Channels}, {"Features", a.Features, b.Features},
		{"Z", a.Z, b.Z}, {"H", a.H, b.H}, {"Layers", a.Layers, b.Layers}, {"Slope", a.Slope, b.Slope},
		{"PriorVarOffset", a.PriorVarOffset, b.PriorVarOffset}, {"BNEpsilon", a.BNEpsilon, b.BNEpsilon}} {
		if f.va != f.vb {
			return f.name, f.va, f.vb
		}
	}
	return "", nil, nil
}

// checkRows refuses flat rows of width w whose length is not a multiple of w or that hold a NaN or
// infinite value (named by row and column); what names the rows in the message.
func checkRows(x []float32, w int, what string) error {
	if len(x)%w != 0 {
		return fmt.Errorf("vae: %s length %d is not a multiple of the row length %d", what, len(x), w)
	}
	for i, v := range x {
		if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
			return fmt.Errorf("vae: non-finite %s value %g at row %d column %d", what, v, i/w, i%w)
		}
	}
	return nil
}

// MinTemperature and MaxTemperature bound the Gumbel-softmax temperature τ that SetTemperature
// accepts: the model holds τ as a float32, and these are the smallest normal and the largest finite
// float32 (the published schedules use 0.2 … 2).
const (
	MinTemperature = 0x1p-126                // ≈ 1.1755e-38
	MaxTemperature = 0x1p127 * (2 - 0x1p-23) // ≈ 3.4028e38
)

// SetTemperature sets the Gumbel-softmax temperature τ read by every graph that samples or
// conditions on y: training, Evaluate and EvaluateTerms (the stochastic pass, and Mu at
// y = softmax(logits/τ)), Encode, and RecomputeBNStats (the q(z|x,y) statistics depend on y);
// Assign's q(y|x) = softmax(logits) and Decode do not use it. τ must lie in [MinTemperature,
// MaxTemperature]. A positive τ outside it would be stored as a float32 0 or subnormal (making
// y = softmax((logits + g)/τ) NaN) or as +Inf.
func (m *Model) SetTemperature(tau float64) error {
	if err := m.Ready(); err != nil {
		return err
	}
	if !(tau >= MinTemperature && tau <= MaxTemperature) {
		return fmt.Errorf("vae: Gumbel-softmax temperature τ = %g is outside [%.5g, %.5g]: τ is held as a float32, where it must be a positive finite normal number (the published schedules use 0.2 … 2; stkit train sets τ from --tau0 and --tau-min)",
			tau, float64(MinTemperature), float64(MaxTemperature))
	}
	m.mu.Lock() // a running inference graph reads τ: never replace it under one
	defer m.mu.Unlock()
	return TemperatureVar(m.vaeCtx()).SetValue(tensors.FromScalar(float32(tau)))
}

// Temperature returns the current Gumbel-softmax temperature τ, NaN for a nil model or one without
// Ctx (a model with a Ctx but no Backend or an invalid Cfg, which Ready refuses, still reports its τ).
func (m *Model) Temperature() float64 {
	if m == nil || m.Ctx == nil {
		return math.NaN()
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v := TemperatureVar(m.vaeCtx()).MustValue()
	return float64(tensors.MustCopyFlatData[float32](v)[0])
}

// EvalRows are per-row evaluation outputs for n rows.
type EvalRows struct {
	// Logits [n·K] of q(y|x), row-major.
	Logits []float32
	// Mu [n·Z]: the mean of q(z|x,y) at the noise-free y = softmax(logits/τ).
	Mu []float32
	// Rec, Gauss, Cat [n]: the loss terms of one stochastic pass (Gumbel and ε noise seeded).
	Rec, Gauss, Cat []float32
}

// Evaluate runs the evaluation graph on rows x (flat, n·C·F). The stochastic terms use a Philox
// stream seeded by seed + chunk index (chunks of Batch rows; graph.RNGStateFromSeed), independent of
// the training RNG; a chunk's noise is drawn at the full [Batch, ·] shapes and its first rows used,
// so the numbers do not depend on how far the last chunk is padded. The sum is taken without int64
// overflow (no wrap near math.MaxInt64); RNGStateFromSeed's stream depends on a seed only modulo
// 2³¹−1, so seeds that differ by a multiple of 2³¹−1 give the same numbers.
//
// Evaluate and the other methods that take rows (EvaluateTerms, Assign, Encode, Decode,
// RecomputeBNStats) refuse with an error a model that Ready refuses (nil, without Ctx or Backend,
// an invalid Cfg or one whose architecture changed after New), a length that is not a multiple of
// the row length, and a NaN or infinite value (named by row and column). Empty input gives empty results (RecomputeBNStats: an error, as it needs
// a batch of at least 2 rows).
func (m *Model) Evaluate(x []float32, seed int64) (*EvalRows, error) {
	return m.evaluate(x, seed, evalTerms|evalMu)
}

// EvaluateTerms is Evaluate without Mu (left nil): the same logits and loss terms, bit for bit,
// without the second, noise-free q(z|x,y) encoder pass that Mu needs. Validation uses it.
func (m *Model) EvaluateTerms(x []float32, seed int64) (*EvalRows, error) {
	return m.evaluate(x, seed, evalTerms)
}

// Outputs of an evaluation graph (bit set); the logits are always computed.
const (
	evalTerms = 1 << iota // Rec, Gauss, Cat of one stochastic forward pass
	evalMu                // μ_q at the noise-free y = softmax(logits/τ)
)

// evalGraph builds the evaluation-mode graph for the outputs in what: [logits, (mu), (rec, gauss,
// cat)]. Noise (from rng, nil without evalTerms) is drawn at the shapes of a full chunk of bs rows
// and sliced to x's rows.
func (m *Model) evalGraph(what, bs int) func(ctx *context.Context, x, rng *Node) []*Node {
	cfg := m.Cfg
	return func(ctx *context.Context, x, rng *Node) []*Node {
		g := x.Graph()
		ctx.SetTraining(g, false)
		tau := TemperatureVar(ctx).ValueGraph(g)
		var logits *Node
		var outs []*Node
		var terms Terms
		if what&evalTerms != 0 {
			o := Forward(ctx, cfg, x, tau, &chunkNoise{inner: &StateNoise{State: rng}, full: bs})
			terms = Loss(cfg, x, o)
			logits = o.Logits
		} else {
			logits = EncodeY(ctx.In("qyx"), cfg, x)
		}
		outs = append(outs, logits)
		if what&evalMu != 0 {
			muDet, _ := EncodeZ(ctx.In("qzxy"), cfg, x, TemperedSoftmax(logits, tau))
			outs = append(outs, muDet)
		}
		if what&evalTerms != 0 {
			outs = append(outs, terms.Rec, terms.Gauss, terms.Cat)
		}
		// Without the stochastic terms, EncodeZ reads its variance head's weights after μ, the
		// last output: see gomlxfix.LastOutputs.
		return gomlxfix.LastOutputs(outs...)
	}
}

func (m *Model) evaluate(x []float32, seed int64, what int) (*EvalRows, error) {
	if err := m.Ready(); err != nil {
		return nil, err
	}
	d := m.Cfg.InputDim()
	if err := checkRows(x, d, "input"); err != nil {
		return nil, err
	}
	n := len(x) / d
	K, Z := m.Cfg.K, m.Cfg.Z
	m.mu.Lock()
	defer m.mu.Unlock()
	bs := m.useBatch()
	if m.evalExecs == nil {
		m.evalExecs = map[int]*context.Exec{}
	}
	e := m.evalExecs[what]
	if e == nil {
		fn := m.evalGraph(what, bs)
		var err error
		if what&evalTerms != 0 {
			e, err = context.NewExec(m.Backend, m.vaeCtx(), fn)
		} else { // noise-free: no RNG input
			e, err = context.NewExec(m.Backend, m.vaeCtx(), func(ctx *context.Context, x *Node) []*Node { return fn(ctx, x, nil) })
		}
		if err != nil {
			return nil, err
		}
		m.evalExecs[what] = e
	}
	out := &EvalRows{Logits: make([]float32, n*K)}
	if what&evalMu != 0 {
		out.Mu = make([]float32, n*Z)
	}
	if what&evalTerms != 0 {
		out.Rec, out.Gauss, out.Cat = make([]float32, n), make([]float32, n), make([]float32, n)
	}
	err := chunks(bs, n, d, x, func(start, rows int, in *tensors.Tensor, chunk int) error {
		args := []any{in}
		if what&evalTerms != 0 {
			rng, err := RNGStateFromSeed(seedPlus(seed, chunk))
			if err != nil {
				return err
			}
			args = append(args, rng)
		}
		res, err := e.Exec(args...)
		if err != nil {
			return err
		}
		defer finalize(res)
		copy(out.Logits[start*K:], tensors.MustCopyFlatData[float32](res[0])[:rows*K])
		i := 1
		if what&evalMu != 0 {
			copy(out.Mu[start*Z:], tensors.MustCopyFlatData[float32](res[i])[:rows*Z])
			i++
		}
		if what&evalTerms != 0 {
			copy(out.Rec[start:], tensors.MustCopyFlatData[float32](res[i])[:rows])
			copy(out.Gauss[start:], tensors.MustCopyFlatData[float32](res[i+1])[:rows])
			copy(out.Cat[start:], tensors.MustCopyFlatData[float32](res[i+2])[:rows])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// seedModulus is 2³¹−1: graph.RNGStateFromSeed seeds math/rand (v1), whose source reduces a seed
// modulo 2³¹−1 (and takes 89482311 for a multiple of it), so seeds congruent modulo seedModulus
// give the same Philox state.
const seedModulus = 1<<31 - 1

// seedPlus returns a seed whose RNGStateFromSeed state is that of the integer seed + i computed
// without int64 overflow: seed is reduced modulo seedModulus first, which leaves the state unchanged
// where seed + i fits an int64 and keeps the sum far from overflow. seed + i in int64 arithmetic
// wrapped near the int64 maximum, and 2⁶⁴ ≡ 4 modulo 2³¹−1, so chunk i + 4 drew chunk i's noise
// across the wrap. Two indices get the same state only when they differ by a multiple of 2³¹−1
// (or land on 0 and 89482311 modulo it).
func seedPlus(seed int64, i int) int64 {
	r := seed % seedModulus
	if r < 0 {
		r += seedModulus
	}
	return r + int64(i)
}

// chunkNoise draws its values at the shape of a full chunk (first axis full) from inner and returns
// the leading rows, so a chunk of fewer rows gets exactly the numbers its rows would get in a full
// chunk (the Philox state advances by the full shapes either way).
type chunkNoise struct {
	inner Noise
	full  int
}

func (n *chunkNoise) draw(g *Graph, s shapes.Shape, f func(*Graph, shapes.Shape) *Node) *Node {
	rows := s.Dimensions[0]
	if rows == n.full {
		return f(g, s)
	}
	fs := s.Clone()
	fs.Dimensions[0] = n.full
	return Slice(f(g, fs), AxisRange(0, rows))
}

func (n *chunkNoise) Uniform(g *Graph, s shapes.Shape) *Node { return n.draw(g, s, n.inner.Uniform) }
func (n *chunkNoise) Normal(g *Graph, s shapes.Shape) *Node  { return n.draw(g, s, n.inner.Normal) }

// RecomputeBNStats replaces the running mean and variance of every batch-normalisation layer by
// their averages over the batches of x (flat, n·C·F rows; "precise BN"), so that evaluation mode
// normalises with statistics of the current weights. The rows are cut into ⌊n/batch⌋ consecutive
// batches of batch rows (batch is lowered to n when n < batch; the rows of an incomplete last batch
// are not used); each batch runs the training-mode forward pass (batch statistics, noise from a
// Philox stream seeded by seed + batch index, summed without overflow as in Evaluate, the training
// RNG untouched) and contributes its mean
// and unbiased variance per feature, as the training steps' running-average updates do; the
// results are the plain means over the batches (what PyTorch's update_bn computes). Training-mode
// outputs never read the running statistics, so the call changes evaluation and inference only. It
// returns the number of batches used; on error the statistics are left as they were. A call with
// another batch size than the previous one compiles its graph anew (any number of sizes may be used).
//
// Why: the running averages r ← (1−m)·r + m·stat (Config.BNMomentum) lag behind weights that move
// quickly; after one epoch of the default preset at lr 1e-2 (4 steps of 128 rows) they still held
// ~66 % of their initial (0, 1) and evaluation-mode losses were ~1e9 against ~76 in training mode.
func (m *Model) RecomputeBNStats(x []float32, batch int, seed int64) (int, error) {
	if err := m.Ready(); err != nil {
		return 0, err
	}
	d := m.Cfg.InputDim()
	if err := checkRows(x, d, "input"); err != nil {
		return 0, err
	}
	n := len(x) / d
	batch = min(batch, n)
	if batch < 2 {
		return 0, fmt.Errorf("vae: recomputing batch-norm statistics needs batches of at least 2 rows (have %d rows, batch %d)", n, batch)
	}
	nb := n / batch
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.bnExec != nil && m.bnBatch != batch {
		// One compiled shape at a time: GoMLX's executor caches 32 shapes and then fails, which 33
		// calls with different batch sizes (or n below batch) used to reach.
		m.bnExec.Finalize()
		m.bnExec = nil
	}
	if m.bnExec == nil {
		m.bnBatch = batch
		cfg := m.Cfg
		cfg.BNMomentum = 1 // each run leaves that batch's statistics in the running variables
		e, err := context.NewExec(m.Backend, m.vaeCtx(), func(ctx *context.Context, x, rng *Node) *Node {
			g := x.Graph()
			ctx.SetTraining(g, true)
			o := Forward(ctx, cfg, x, TemperatureVar(ctx).ValueGraph(g), &StateNoise{State: rng})
			return ReduceAllSum(o.XRec)
		})
		if err != nil {
			return 0, err
		}
		m.bnExec = e
	}
	var vars []*context.Variable
	for v := range m.vaeCtx().IterVariablesInScope() {
		if v.Name() == "running_mean" || v.Name() == "running_var" {
			vars = append(vars, v)
		}
	}
	if len(vars) == 0 {
		return 0, errors.New("vae: no batch-normalisation statistics found")
	}
	old := make([][]float32, len(vars))
	sums := make([][]float64, len(vars))
	for i, v := range vars {
		val, err := v.Value()
		if err != nil {
			return 0, err
		}
		old[i] = tensors.MustCopyFlatData[float32](val)
		sums[i] = make([]float64, len(old[i]))
	}
	set := func(vals func(i int) []float32) error {
		for i, v := range vars {
			if err := v.SetValue(tensors.FromFlatDataAndDimensions(vals(i), v.Shape().Dimensions...)); err != nil {
				return err
			}
		}
		return nil
	}
	// Zero them first: the graph computes 0·old + batch statistic, which is NaN for a NaN or
	// infinite old value, so a diverged running average would otherwise never be replaced.
	if err := set(func(i int) []float32 { return make([]float32, len(old[i])) }); err != nil {
		return 0, errors.Join(err, set(func(i int) []float32 { return old[i] }))
	}
	for b := 0; b < nb; b++ {
		err := func() error {
			rng, err := RNGStateFromSeed(seedPlus(seed, b))
			if err != nil {
				return err
			}
			in := tensors.FromFlatDataAndDimensions(append([]float32(nil), x[b*batch*d:(b+1)*batch*d]...), batch, d)
			defer in.MustFinalizeAll()
			res, err := m.bnExec.Exec(in, rng)
			if err != nil {
				return err
			}
			finalize(res)
			for i, v := range vars {
				val, err := v.Value()
				if err != nil {
					return err
				}
				for j, s := range tensors.MustCopyFlatData[float32](val) {
					sums[i][j] += float64(s)
				}
			}
			return nil
		}()
		if err != nil {
			if rerr := set(func(i int) []float32 { return old[i] }); rerr != nil {
				return 0, errors.Join(err, rerr)
			}
			return 0, fmt.Errorf("vae: recomputing batch-norm statistics: %w", err)
		}
	}
	inv := 1 / float64(nb)
	err := set(func(i int) []float32 {
		out := make([]float32, len(sums[i]))
		for j, s := range sums[i] {
			out[j] = float32(s * inv)
		}
		return out
	})
	return nb, err
}

// Assign returns, for each row of x (flat, n·C·F), the cluster argmax_k q(y=k|x), its confidence
// max_k q(y=k|x), and the full probabilities q(y|x) [n·K] (row-major). A row whose logits are not
// finite (features so large, ~1e37 and above, that the encoder overflows float32) is an error naming
// the row, not a NaN confidence with cluster 0.
func (m *Model) Assign(x []float32) (labels []int, confidence []float32, probs []float32, err error) {
	ev, err := m.evaluate(x, 0, 0) // the logits only
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkOutput(ev.Logits, m.Cfg.K, "q(y|x) logits", x, m.Cfg.InputDim()); err != nil {
		return nil, nil, nil, err
	}
	K := m.Cfg.K
	n := len(ev.Logits) / K
	labels = make([]int, n)
	confidence = make([]float32, n)
	probs = make([]float32, n*K)
	for i := 0; i < n; i++ {
		row := ev.Logits[i*K : (i+1)*K]
		mx := row[0]
		best := 0
		for k, v := range row {
			if v > mx {
				mx, best = v, k
			}
		}
		s := 0.0
		for _, v := range row {
			s += math.Exp(float64(v - mx))
		}
		for k, v := range row {
			probs[i*K+k] = float32(math.Exp(float64(v-mx)) / s)
		}
		labels[i] = best
		confidence[i] = probs[i*K+best]
	}
	return labels, confidence, probs, nil
}

// Encode returns the latent means μ_q(x, y) [n·Z] with the noise-free y = softmax(logits/τ). A row
// whose logits or μ are not finite (the encoder overflowed float32) is an error naming the row.
func (m *Model) Encode(x []float32) ([]float32, error) {
	ev, err := m.evaluate(x, 0, evalMu) // noise-free: logits and μ only
	if err != nil {
		return nil, err
	}
	d := m.Cfg.InputDim()
	if err := checkOutput(ev.Logits, m.Cfg.K, "q(y|x) logits", x, d); err != nil {
		return nil, err
	}
	if err := checkOutput(ev.Mu, m.Cfg.Z, "latent mean μ_q", x, d); err != nil {
		return nil, err
	}
	return ev.Mu, nil
}

// checkOutput refuses network outputs out (rows of width w) holding a NaN or infinite value: the
// input rows x (width d) were finite (checkRows), so the network overflowed float32 on them or
// holds non-finite weights. The error names the row, the output, and the row's largest input
// magnitude.
func checkOutput(out []float32, w int, what string, x []float32, d int) error {
	for i, v := range out {
		if f := float64(v); !math.IsNaN(f) && !math.IsInf(f, 0) {
			continue
		}
		row := i / w
		big, col := 0.0, 0
		for j, xv := range x[row*d : (row+1)*d] {
			if a := math.Abs(float64(xv)); a > big {
				big, col = a, j
			}
		}
		return fmt.Errorf("vae: the %s of input row %d include %g: the network overflowed float32 on the row (largest |x| = %.4g, column %d; the model expects features z-scored with its training mean and std, |x| of order 1) or its weights are not finite",
			what, row, v, big, col)
	}
	return nil
}

// Decode returns x̂ = decoder(z) [n·C·F] for latent rows z (flat, n·Z).
func (m *Model) Decode(z []float32) ([]float32, error) {
	if err := m.Ready(); err != nil {
		return nil, err
	}
	Z, d := m.Cfg.Z, m.Cfg.InputDim()
	if err := checkRows(z, Z, "latent"); err != nil {
		return nil, err
	}
	n := len(z) / Z
	m.mu.Lock()
	defer m.mu.Unlock()
	bs := m.useBatch()
	if m.decodeExec == nil {
		cfg := m.Cfg
		e, err := context.NewExec(m.Backend, m.vaeCtx(), func(ctx *context.Context, z *Node) *Node {
			ctx.SetTraining(z.Graph(), false)
			return DecodeGraph(ctx.In("pxz"), cfg, z)
		})
		if err != nil {
			return nil, err
		}
		m.decodeExec = e
	}
	out := make([]float32, n*d)
	err := chunks(bs, n, Z, z, func(start, rows int, in *tensors.Tensor, _ int) error {
		res, err := m.decodeExec.Exec(in)
		if err != nil {
			return err
		}
		defer finalize(res)
		copy(out[start*d:], tensors.MustCopyFlatData[float32](res[0])[:rows*d])
		return nil
	})
	return out, err
}

// PriorParams returns the per-cluster prior p(z|y=e_k): means and variances, each [K·Z] row-major.
func (m *Model) PriorParams() (mu, variance []float32, err error) {
	if err := m.Ready(); err != nil {
		return nil, nil, err
	}
	K := m.Cfg.K
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.priorExec == nil {
		cfg := m.Cfg
		e, err := context.NewExec(m.Backend, m.vaeCtx(), func(ctx *context.Context, y *Node) (*Node, *Node) {
			return Prior(ctx.In("pzy"), cfg, y)
		})
		if err != nil {
			return nil, nil, err
		}
		m.priorExec = e
	}
	eye := make([]float32, K*K)
	for k := 0; k < K; k++ {
		eye[k*K+k] = 1
	}
	res, err := m.priorExec.Exec(tensors.FromFlatDataAndDimensions(eye, K, K))
	if err != nil {
		return nil, nil, err
	}
	defer finalize(res)
	return tensors.MustCopyFlatData[float32](res[0]), tensors.MustCopyFlatData[float32](res[1]), nil
}

// SamplePrior draws n latents z ~ p(z|y=e_k) = N(μ_k, diag σ²_k) on the host and decodes them:
// z[i·Z+j] = μ_kj + float32(σ_kj·g), with the standard normals g drawn row by row from a
// math/rand/v2 PCG stream (seed, k), so each cluster has its own stream for one seed. It returns the decoded feature vectors x [n·C·F] (in the
// model's normalised feature space) and the latents z [n·Z]. k outside [0, K), n < 1 and an n whose
// outputs would hold more than 2³¹−1 values (n·max(Z, C·F)) are errors.
func (m *Model) SamplePrior(k, n int, seed uint64) (x, z []float32, err error) {
	if err := m.Ready(); err != nil {
		return nil, nil, err
	}
	if k < 0 || k >= m.Cfg.K {
		return nil, nil, fmt.Errorf("vae: cluster %d out of range [0, %d)", k, m.Cfg.K)
	}
	if n < 1 {
		return nil, nil, fmt.Errorf("vae: SamplePrior needs n ≥ 1, got %d", n)
	}
	if w := max(m.Cfg.Z, m.Cfg.InputDim()); n > math.MaxInt32/w {
		return nil, nil, fmt.Errorf("vae: SamplePrior n=%d asks for too many values (n·%d above 2³¹−1 = math.MaxInt32)", n, w)
	}
	mu, v, err := m.PriorParams()
	if err != nil {
		return nil, nil, err
	}
	Z := m.Cfg.Z
	rng := rand.New(rand.NewPCG(seed, uint64(k)))
	z = make([]float32, n*Z)
	for i := 0; i < n; i++ {
		for j := 0; j < Z; j++ {
			z[i*Z+j] = mu[k*Z+j] + float32(math.Sqrt(float64(v[k*Z+j]))*rng.NormFloat64())
		}
	}
	x, err = m.Decode(z)
	return x, z, err
}

// PadBuckets is the number of row counts a short chunk is padded to: with s = ⌈Batch/PadBuckets⌉, a
// chunk of r < Batch rows is zero-padded to min(Batch, ⌈r/s⌉·s) rows (80 for 71 rows at Batch 256),
// so an inference graph compiles at most PadBuckets shapes (GoMLX's executor caches 32). The
// padding adds at most s − 1 = ⌈Batch/16⌉ − 1 rows to a call's work: 15 at the default Batch 256,
// so there a small or uneven input costs little more than its own rows, but the bound grows with
// Batch (one row runs 256 rows at Batch 4096, 62500 at Batch 10⁶); Evaluate and EvaluateTerms also
// draw each chunk's noise at the full [Batch, ·] shapes, whatever its rows. Rows never interact in
// evaluation mode and the noise of a chunk is drawn at the full-chunk shapes, so padding never
// changes a result.
const PadBuckets = 16

func (m *Model) batch() int {
	if m.Batch <= 0 {
		return DefaultInferenceBatch
	}
	return m.Batch
}

// useBatch returns the chunk size of an inference call (m.mu held). When Batch changed since the
// chunked executors were built, it finalises them: the evaluation graph draws its noise at the
// chunk size it was built for (a larger chunk could not be sliced from it, a smaller one would get
// other numbers than documented), and each chunk size adds up to PadBuckets shapes to an executor's
// cache, which holds 32 and then fails.
func (m *Model) useBatch() int {
	bs := m.batch()
	if bs != m.execBatch {
		for _, e := range m.evalExecs {
			e.Finalize()
		}
		m.evalExecs = nil
		if m.decodeExec != nil {
			m.decodeExec.Finalize()
			m.decodeExec = nil
		}
		m.execBatch = bs
	}
	return bs
}

// padRows returns the padded row count of a chunk of rows ≤ bs rows (see PadBuckets).
func padRows(rows, bs int) int {
	step := (bs + PadBuckets - 1) / PadBuckets
	return min(bs, (rows+step-1)/step*step)
}

// chunks calls fn for consecutive chunks of at most bs rows of the flat matrix data [n, width],
// the last one zero-padded to padRows rows; chunk is the chunk index.
func chunks(bs, n, width int, data []float32, fn func(start, rows int, in *tensors.Tensor, chunk int) error) error {
	for c, start := 0, 0; start < n; c, start = c+1, start+bs {
		rows := min(bs, n-start)
		buf := make([]float32, padRows(rows, bs)*width)
		copy(buf, data[start*width:(start+rows)*width])
		in := tensors.FromFlatDataAndDimensions(buf, len(buf)/width, width)
		err := fn(start, rows, in, c)
		in.MustFinalizeAll()
		if err != nil {
			return err
		}
	}
	return nil
}

func finalize(ts []*tensors.Tensor) {
	for _, t := range ts {
		t.MustFinalizeAll()
	}
}
