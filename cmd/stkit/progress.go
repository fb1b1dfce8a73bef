package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/schollz/progressbar/v3"
)

// newBar returns a progress bar drawn on w (the command's stderr), with the
// count, the elapsed and the predicted remaining time, redrawn at most every
// 0.1 s; opts are applied after these defaults (progressbar.OptionThrottle(0)
// for a bar whose steps take seconds, so that a Describe and the step's Add
// both show at once).
func newBar(w io.Writer, max int, desc string, opts ...progressbar.Option) *progressbar.ProgressBar {
	return progressbar.NewOptions(max, append([]progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100_000_000),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	}, opts...)...)
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

// interruptible returns a context cancelled by the first Ctrl-C (SIGINT) or
// SIGTERM, so that a long command can save its current state before exiting;
// it then prints on w that it is stopping and what it saves (saving, e.g.
// "the maps reached are written"). A second signal ends the process at once
// (the default action, restored after the first): every write is atomic, so
// that loses what was being saved, never a complete file. The returned
// function releases the signals; call it when the work is done.
func interruptible(w io.Writer, saving string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			fmt.Fprintf(w, "\nstkit: %v: stopping, %s (press Ctrl-C again to quit at once, without saving)\n", s, saving)
			cancel()
		case <-done:
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
}
