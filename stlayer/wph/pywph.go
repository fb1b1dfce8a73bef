package wph

import (
	"fmt"
	"io"

	"codeberg.org/sbinet/npyio"

	"github.com/stkit-org/stkit/stlayer"
)

// WritePyWPH writes the coefficients c of Stat as a .npy array of complex64 in
// PyWPH's layout (the coefficient vector is already in PyWPH's order): shape
// (K,) for a single map, (B, K) for a batch — what numpy.save writes for
// WPHOp.apply(x).numpy() with PyWPH's default single precision.
func WritePyWPH(w io.Writer, c *stlayer.Coeffs) error {
	if c == nil || c.H != 1 || c.W != 1 {
		return fmt.Errorf("wph: WritePyWPH needs global coefficients [B, K, 1, 1]")
	}
	if err := c.Check(); err != nil {
		return fmt.Errorf("wph: WritePyWPH: %w", err)
	}
	row := func(b int) []complex64 {
		r := c.Row(b)
		out := make([]complex64, len(r))
		for i, v := range r {
			out[i] = complex64(v)
		}
		return out
	}
	if c.B == 1 {
		return npyio.Write(w, row(0))
	}
	all := make([][]complex64, c.B)
	for b := range all {
		all[b] = row(b)
	}
	return npyio.Write(w, all)
}

// StackPair returns the input of a Cross operator: maps of 2M rows whose rows
// 0…M−1 are x1[b] and rows M…2M−1 are x2[b] (x1, x2 of equal shape [B, M, N]).
func StackPair(x1, x2 *stlayer.Maps) (*stlayer.Maps, error) {
	for _, x := range []*stlayer.Maps{x1, x2} {
		if err := x.Check(); err != nil {
			return nil, &stlayer.ErrShape{Msg: "wph: StackPair: " + err.Error(), Kind: stlayer.ErrSize}
		}
	}
	if x1.B != x2.B || x1.M != x2.M || x1.N != x2.N {
		return nil, &stlayer.ErrShape{Msg: fmt.Sprintf("wph: StackPair needs two batches of the same shape, got [%d,%d,%d] and [%d,%d,%d]", x1.B, x1.M, x1.N, x2.B, x2.M, x2.N), Kind: stlayer.ErrSize}
	}
	out := stlayer.NewMaps(x1.B, 2*x1.M, x1.N)
	n := x1.M * x1.N
	for b := 0; b < x1.B; b++ {
		copy(out.Data[2*b*n:], x1.Map(b))
		copy(out.Data[(2*b+1)*n:], x2.Map(b))
	}
	return out, nil
}
