package stlayer

import "fmt"

// DefaultChunkPixels is the number of map pixels ForwardChunked evaluates per
// Forward call when its chunk argument is ≤ 0: eight 256² maps, about 1 GiB
// of CPU-engine working memory for WPH or the scattering covariance (whose
// working memory grows linearly with the batch: 64 maps of 256² took 6.5 GB
// in one call).
const DefaultChunkPixels = 8 * 256 * 256

// ForwardChunked evaluates s on the maps of x in consecutive chunks of at most
// chunk maps (chunk ≤ 0: as many as hold DefaultChunkPixels pixels, at least
// one) and returns the rows in map order, as one Forward of the whole batch
// would: every statistic's coefficients of a map depend on that map alone, so
// only round-off (the engines pair maps inside a batch for their FFTs) can
// differ from the single call, while the working memory is that of one chunk
// instead of growing with B. progress, when not nil, is called after each
// chunk with the number of maps done. Refused with an error: a nil engine,
// maps that fail Maps.Check (nil, a side < 1, len(Data) ≠ B·M·N) and maps
// holding NaN or ±Inf (Maps.CheckFinite, before any chunk: the engines
// refuse them too, but would name the map by its place in its chunk). The
// statistic is passed to the engine as it is (an engine may not need it).
// Every result of the engine, a single call's for the whole batch included,
// must pass Coeffs.Check and have one row per map it was given, and the
// chunks must agree on K, H, W: otherwise an error names the engine and no
// coefficients are returned (progress is called only for checked results).
func ForwardChunked(e Engine, key string, s Stat, x *Maps, chunk int, progress func(done int)) (*Coeffs, error) {
	if err := x.Check(); err != nil {
		return nil, err
	}
	if e == nil {
		return nil, fmt.Errorf("stlayer: ForwardChunked needs an engine (nil)")
	}
	if err := x.CheckFinite(); err != nil {
		return nil, err
	}
	if chunk <= 0 {
		chunk = max(1, DefaultChunkPixels/(x.M*x.N))
	}
	if chunk >= x.B {
		c, err := e.Forward(key, s, x)
		if err != nil {
			return nil, err
		}
		if err := checkRows(e, c, x.B); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(x.B)
		}
		return c, nil
	}
	var out *Coeffs
	mn := x.M * x.N
	for b0 := 0; b0 < x.B; b0 += chunk {
		nb := min(chunk, x.B-b0)
		part := &Maps{B: nb, M: x.M, N: x.N, Data: x.Data[b0*mn : (b0+nb)*mn]}
		c, err := e.Forward(key, s, part)
		if err != nil {
			return nil, err
		}
		if err := checkRows(e, c, nb); err != nil {
			return nil, err
		}
		if out == nil {
			out = &Coeffs{B: x.B, K: c.K, H: c.H, W: c.W, Data: make([]complex128, x.B*c.PerMap())}
		} else if c.K != out.K || c.H != out.H || c.W != out.W {
			return nil, fmt.Errorf("stlayer: chunk of maps %d… gave [%d, %d, %d] coefficients per map, the first chunk [%d, %d, %d]", b0, c.K, c.H, c.W, out.K, out.H, out.W)
		}
		copy(out.Data[b0*out.PerMap():], c.Data)
		if progress != nil {
			progress(b0 + nb)
		}
	}
	return out, nil
}

// checkRows returns an error unless c, which e.Forward returned for b maps,
// passes Coeffs.Check and has one row per map (c.B = b).
func checkRows(e Engine, c *Coeffs, b int) error {
	if err := c.Check(); err != nil {
		return fmt.Errorf("stlayer: %s returned unusable coefficients: %w", e.Name(), err)
	}
	if c.B != b {
		return fmt.Errorf("stlayer: %s returned %d rows for %d maps", e.Name(), c.B, b)
	}
	return nil
}
