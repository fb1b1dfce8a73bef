package main

import (
	"fmt"

	"github.com/stkit-org/stkit/infer"
)

// mfSummary is the Minkowski part of synth's report line: the largest
// deviation of the syntheses' mean from the targets' in standard errors of
// that difference, σ√(1/K + 1/N) (K syntheses, N target maps, σ the std of
// one map's functional over the maps of the yardstick set, whose), and in
// σ of one map beside it.
func mfSummary(vm *infer.ValidationMetrics, whose string) string {
	return fmt.Sprintf("MF max deviation %.2f standard errors σ√(1/K+1/N) (K = %d syntheses, N = %d target maps; %.2f σ of one map, the σ of %d %s maps)",
		vm.MFMaxStdErr, vm.MFSyntheses, vm.MFTargets, vm.MFMaxSigma, vm.SpreadMaps, whose)
}
