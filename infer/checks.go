package infer

import (
	"github.com/stkit-org/stkit/stlayer"
)

// checkMaps returns an input error (ErrModelInput) when x is nil, has a
// non-positive B, M or N, or holds a Data slice whose length is not B·M·N;
// with b > 0 it also requires exactly b maps. name says which argument it is.
func checkMaps(name string, x *stlayer.Maps, b int) error {
	switch {
	case x == nil:
		return inputErrorf("%s: no maps (nil)", name)
	case x.B < 1 || x.M < 1 || x.N < 1:
		return inputErrorf("%s: empty batch [%d, %d, %d] (B, M and N must be ≥ 1)", name, x.B, x.M, x.N)
	case len(x.Data) != x.B*x.M*x.N:
		return inputErrorf("%s: %d values for a batch [%d, %d, %d] of %d pixels", name, len(x.Data), x.B, x.M, x.N, x.B*x.M*x.N)
	case b > 0 && x.B != b:
		return inputErrorf("%s: %d maps, want %d", name, x.B, b)
	}
	return nil
}

// checkFiniteMaps is checkMaps followed by a finiteness check of every pixel
// (the error names the first non-finite pixel).
func checkFiniteMaps(name string, x *stlayer.Maps, b int) error {
	if err := checkMaps(name, x, b); err != nil {
		return err
	}
	return asInput(finite(name, x))
}
