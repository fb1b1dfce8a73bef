package wph

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// WritePyWPH writes the coefficients c of Stat as a .npy array of complex64 in
// PyWPH's layout (the coefficient vector is already in PyWPH's order): shape
// (K,) for a single map, (B, K) for a batch — what numpy.save writes for
// WPHOp.apply(x).numpy() with PyWPH's default single precision. The file is
// .npy format 1.0 with the data at a multiple of 64 bytes, as numpy.save and
// every other .npy stkit writes (it was format 2.0, data at byte 80).
func WritePyWPH(w io.Writer, c *stlayer.Coeffs) error {
	if c == nil || c.H != 1 || c.W != 1 {
		return fmt.Errorf("wph: WritePyWPH needs global coefficients [B, K, 1, 1]")
	}
	if err := c.Check(); err != nil {
		return fmt.Errorf("wph: WritePyWPH: %w", err)
	}
	shape := fmt.Sprintf("(%d,)", c.K)
	if c.B != 1 {
		shape = fmt.Sprintf("(%d, %d)", c.B, c.K)
	}
	buf := npyHeader1("<c8", shape)
	for _, v := range c.Data[:c.B*c.K] {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(real(v))))
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(imag(v))))
	}
	_, err := w.Write(buf)
	return err
}

// npyHeader1 returns the magic, version 1.0, header length and header dict
// of a C-order .npy array of typestr descr and shape (Python tuple text),
// padded with spaces and a newline to a multiple of 64 bytes.
func npyHeader1(descr, shape string) []byte {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	total := 10 + len(dict) + 1
	n := len(dict) + (64-total%64)%64 + 1
	out := append([]byte("\x93NUMPY\x01\x00"), byte(n), byte(n>>8))
	out = append(out, dict...)
	for len(out) < 10+n-1 {
		out = append(out, ' ')
	}
	return append(out, '\n')
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
