package stats

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// Forward evaluates the statistic op on the maps x with engine eng and
// returns its coefficients and the labels of their rows: c is [B, K, H, W]
// (B = x.B; c.Row(b) holds map b's K·H·W values, row k of the labels
// naming coefficient k; H = W = 1 except for the local WST's maps), labels
// is op.Labels() (labels.String(k) renders row k, e.g. "S1(j1=1,l1=0)" for the WST).
// It is the library's `stkit stats map.npy -o c.npy`, given an operator
// built for x's size: c.Row(0) holds the values of c.npy, in its order.
//
//	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WST, J: 5}, eng, x)
//	c, labels, err := stats.Forward(eng, op, x)
//
// The maps are evaluated in chunks of stlayer.DefaultChunkPixels pixels
// (8·256², eight 256² maps per engine call, on either engine;
// stlayer.ForwardChunked), so a large batch needs the working memory of
// one chunk; the rows are those of one Forward call. `stkit stats` uses
// eight times that chunk (64·256²) on a graph engine, whose accelerators
// want larger batches: for the same chunks call
// stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, chunk, nil) with
// chunk = max(1, 64·256²/(M·N)) maps (the rows are the same to round-off).
//
// Refused with an error, before anything is evaluated: a nil engine or
// operator, maps that fail stlayer.Maps.Check (nil, no maps, a side < 1,
// len(Data) ≠ B·M·N), maps of another size than the operator's
// (InputSize; 2M×N pairs stacked by rows for Cross and Complex), and maps
// holding NaN, ±Inf or HEALPix's UNSEEN value (missing data), whose
// coefficients would be NaN or meaningless. The errors match (errors.Is)
// stlayer.ErrSize for the shape and size, stlayer.ErrNonFinite for NaN or
// ±Inf. A constant map gives NaN or
// −Inf for statistics with logarithms or normalisations (CheckConstant
// says which, for a Spec).
func Forward(eng stlayer.Engine, op Op, x *stlayer.Maps) (*stlayer.Coeffs, *stlayer.Labels, error) {
	if eng == nil {
		return nil, nil, fmt.Errorf("stats.Forward: no engine (nil): give cpu.New() or a graph engine")
	}
	if op == nil {
		return nil, nil, fmt.Errorf("stats.Forward: no operator (nil): build one with stats.BuildWithRef(spec, eng, x) or stats.Build(spec, M, N)")
	}
	if err := checkMaps(x, "stats.Forward:"); err != nil {
		return nil, nil, err
	}
	if r, c, ok := InputSize(op); ok && (r != x.M || c != x.N) {
		return nil, nil, stlayer.WithKind(fmt.Errorf("stats.Forward: the operator was built for maps of %d×%d, the maps are %d×%d: build it for their size (stats.BuildWithRef(spec, eng, x))", r, c, x.M, x.N), stlayer.ErrSize)
	}
	if err := x.CheckFinite(); err != nil {
		return nil, nil, fmt.Errorf("stats.Forward: maps: %w", err)
	}
	if err := checkUnseen(x); err != nil {
		return nil, nil, fmt.Errorf("stats.Forward: maps: %w", err)
	}
	c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, 0, nil)
	if err != nil {
		return nil, nil, err
	}
	return c, op.Labels(), nil
}
