package main

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wst"
)

// localGridDoc is the JSON config's "local_grid" for the local WST (stats
// --kind wst --local): where on the map each entry's row and col are.
// Kymatio pads the M×N map to P×Q (wst.KymatioPaddedSize), low-passes with
// φ_J and samples every 2^J padded pixels from (2^J, 2^J), so entry (row,
// col) is centred on map pixel
//
//	(origin_px[0] + row·stride_px, origin_px[1] + col·stride_px),
//	stride_px = 2^J, origin_px = 2^J − (P − M)/2 (0 for M a multiple of 2^J),
//
// and averages over a Gaussian window of σ = 0.8·2^(J−1) pixels.
type localGridDoc struct {
	StridePx       int     `json:"stride_px"`
	OriginPx       [2]int  `json:"origin_px"`
	Shape          [2]int  `json:"shape"`
	LowpassSigmaPx float64 `json:"lowpass_sigma_px"`
	Note           string  `json:"note"`
}

// newLocalGridDoc returns the local_grid of spec (a local wst, defaults
// filled in) for M×N maps and an h×w output grid.
func newLocalGridDoc(spec stats.Spec, m, n, h, w int) *localGridDoc {
	s := 1 << spec.J
	d := &localGridDoc{
		StridePx:       s,
		OriginPx:       [2]int{s - (wst.KymatioPaddedSize(m, spec.J)-m)/2, s - (wst.KymatioPaddedSize(n, spec.J)-n)/2},
		Shape:          [2]int{h, w},
		LowpassSigmaPx: 0.8 * math.Pow(2, float64(spec.J-1)),
	}
	d.Note = fmt.Sprintf("entry (row, col) is the coefficient centred on map pixel (%d + %d·row, %d + %d·col) (row, column indices of the %d×%d map): the modulus averaged by Kymatio's Gaussian low-pass (σ = %g pixels) and sampled every 2^J = %d pixels",
		d.OriginPx[0], s, d.OriginPx[1], s, m, n, d.LowpassSigmaPx, s)
	return d
}
