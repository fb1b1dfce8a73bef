package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/schollz/progressbar/v3"
)

// newBar returns a progress bar on stderr (hidden with --quiet or when stderr
// is not a terminal and STKIT_PROGRESS is unset... kept simple: always drawn on
// the command's stderr writer, throttled).
func newBar(w io.Writer, max int, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	)
}

// interruptible returns a context cancelled by Ctrl-C / SIGTERM, so long
// commands can save their current state before exiting.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
