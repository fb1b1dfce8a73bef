package main

import (
	"errors"

	"github.com/stkit-org/stkit/stlayer"
)

// sizeRefusal tells whether err is a refusal of the maps' size or of the
// scales for it by an engine or a statistic (stlayer.ErrSize,
// stlayer.ErrScales), such as the graph engine's four-step FFT refusing a
// side with a prime factor above 128 (262 = 2·131: "use --engine cpu, or
// crop the maps"): bad input, exit status 2, as datasets' size rules
// already gave for scov's and wst's odd sides (501²), whichever command
// met it. stats exited 1 for it, since the engine's error reached
// exitCode unmarked.
func sizeRefusal(err error) bool {
	return errors.Is(err, stlayer.ErrSize) || errors.Is(err, stlayer.ErrScales)
}
