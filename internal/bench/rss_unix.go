//go:build unix

package bench

import (
	"runtime"
	"syscall"
	"time"
)

// peakRSSMiB is PeakRSSMiB where getrusage exists.
func peakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return maxRSSMiB(int64(ru.Maxrss), runtime.GOOS)
}

// cpuTime is CPUTime where getrusage exists.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
