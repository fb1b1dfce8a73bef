package infer

import "fmt"

// String returns "white" (InitWhiteNoise) or "grf" (InitGRF), the values of
// stkit synth's --init; "InitKind(n)" for a value that is neither.
func (k InitKind) String() string {
	switch k {
	case InitWhiteNoise:
		return "white"
	case InitGRF:
		return "grf"
	}
	return fmt.Sprintf("InitKind(%d)", int(k))
}

// String returns "mean" (WeightMean) or "std" (WeightStd), the values of
// stkit synth's --weights; "WeightMode(n)" for a value that is neither.
func (w WeightMode) String() string {
	switch w {
	case WeightMean:
		return "mean"
	case WeightStd:
		return "std"
	}
	return fmt.Sprintf("WeightMode(%d)", int(w))
}
