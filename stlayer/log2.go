package stlayer

import "math/bits"

// Log2Floor returns ⌊log2 n⌋ for n ≥ 1 and 0 for n < 1. Operators compare J
// with it instead of shifting 1<<J, which overflows for J ≥ 63 and lets an
// absurd J through a size check.
func Log2Floor(n int) int {
	if n < 1 {
		return 0
	}
	return bits.Len(uint(n)) - 1
}
