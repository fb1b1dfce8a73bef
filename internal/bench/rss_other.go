//go:build !unix

package bench

import "time"

// peakRSSMiB is PeakRSSMiB on systems without getrusage (Windows, wasm):
// unknown, 0.
func peakRSSMiB() float64 { return 0 }

// cpuTime is CPUTime on systems without getrusage: unknown, 0.
func cpuTime() time.Duration { return 0 }
