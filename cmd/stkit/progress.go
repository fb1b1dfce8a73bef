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

// stopper is the part of a progress bar that endBar uses.
type stopper interface {
	Finish() error
	Exit() error
}

// endBar closes a progress bar: filled when the work ran to its end, left at
// the count reached (not drawn as 100 %) when it stopped on an error or Ctrl-C.
func endBar(bar stopper, stopped bool) {
	if stopped {
		_ = bar.Exit()
		return
	}
	_ = bar.Finish()
}

// interruptible returns a context cancelled by Ctrl-C / SIGTERM, so long
// commands can save their current state before exiting.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}
