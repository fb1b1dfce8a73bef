package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// newBar returns a progress bar drawn on w (the command's stderr), with the
// count, the elapsed and the predicted remaining time, redrawn at most every
// 0.1 s; opts are applied after these defaults (progressbar.OptionThrottle(0)
// for a bar whose steps take seconds, so that a Describe and the step's Add
// both show at once).
//
// Under -q (w a quietWriter) nothing is drawn. When w is not a terminal
// (stderr redirected to a log file or a pipe), the bar is written as plain
// lines instead of being redrawn in place with
// carriage returns: no bar drawing and no percentage, "DESC (done/max)
// [elapsed:remaining]" as stepBar's lines, none in the first 10 s, then at
// most one every 10 s (the opts' throttle, if any, wins), and one when the
// bar ends ("stats (20/20) [2s]"): a long run's log gets a readable progress
// line, not a megabyte of \r, and a run of seconds one line, not the bar's
// "stats  40% |████████████                  | (8/20) [0s:0s]" (cmpset19).
func newBar(w io.Writer, max int, desc string, opts ...progressbar.Option) *progressbar.ProgressBar {
	throttle := 100 * time.Millisecond
	if isQuiet(w) { // -q: no bar
		w, throttle = io.Discard, time.Hour
	} else if !isTerminal(w) {
		w = &lineWriter{w: w, start: time.Now(), quiet: logBarQuiet}
		throttle = 10 * time.Second
	}
	return progressbar.NewOptions(max, append([]progressbar.Option{
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(throttle),
		progressbar.OptionOnCompletion(func() { io.WriteString(w, "\n") }),
	}, opts...)...)
}

// isTerminal reports whether w is a terminal (term.IsTerminal: the
// terminal ioctl, TCGETS on Linux, succeeds on it). A character device is
// not enough: /dev/null is one, and with 2>/dev/null the bar redrew every
// 100 ms into it (pipe's report).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// logBarQuiet is how long a bar on a log (newBar, w not a terminal) writes
// no line after it starts, but the one it ends on.
const logBarQuiet = 10 * time.Second

// lineWriter turns a progress bar's in-place redraws into lines: each write
// (one redraw) becomes one line with the blanking runs of spaces and the
// carriage returns dropped, the bar's drawing and percentage taken out
// (logBarLine), and a line equal to the previous one is not repeated. A
// redraw within quiet of start is held back, not written; the bar's closing
// write (a lone newline: its completion, on Finish or Exit) writes the line
// held back, so that the log ends on the count reached.
type lineWriter struct {
	w       io.Writer
	last    string
	start   time.Time
	quiet   time.Duration
	pending string // the last line held back
}

func (l *lineWriter) Write(p []byte) (int, error) {
	if string(p) == "\n" { // the bar's completion
		if l.pending != "" {
			line := l.pending
			l.pending = ""
			if err := l.emit(line); err != nil {
				return 0, err
			}
		}
		return len(p), nil
	}
	for _, part := range strings.FieldsFunc(string(p), func(r rune) bool { return r == '\r' || r == '\n' }) {
		line := logBarLine(strings.TrimRight(part, " "))
		if strings.TrimSpace(line) == "" || line == l.last {
			continue
		}
		if time.Since(l.start) < l.quiet {
			l.pending = line
			continue
		}
		l.pending = ""
		if err := l.emit(line); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// emit writes line unless it repeats the last one written, with the time
// elapsed since start when it has no time (the bar's last redraw, at the
// full count, has none).
func (l *lineWriter) emit(line string) error {
	if line == l.last {
		return nil
	}
	l.last = line
	if !strings.HasSuffix(line, "]") {
		line += fmt.Sprintf(" [%s]", time.Since(l.start).Round(time.Second))
	}
	_, err := io.WriteString(l.w, line+"\n")
	return err
}

// logBarDrawing matches the drawing of a progress bar's redraw, its
// percentage and the bar between its ends: "  40% |████    | ".
var logBarDrawing = regexp.MustCompile(`\s*\d+% \|[^|]*\|\s*`)

// logBarLine is a progress bar's redraw without its drawing
// (logBarDrawing): "stats  40% |████    | (8/20) [0s:0s]" is
// "stats (8/20) [0s:0s]".
func logBarLine(s string) string {
	return strings.TrimSpace(logBarDrawing.ReplaceAllString(s, " "))
}

// stepBar is a progress bar whose every step brings a new description (the
// epochs of train, the L-BFGS iterations of sample and synth with their
// loss). On a terminal it is a progress bar redrawn at each step.
// On a log (w not a terminal) it writes one plain line per step, "DESC
// (done/max) [elapsed:remaining]", for the first step, then at most one
// every 10 s, and for the step it ends on (Finish or Exit): a bar's Describe
// and Add would each draw a line, one of them with the other's stale part.
type stepBar struct {
	bar *progressbar.ProgressBar // terminal; nil on a log

	w         io.Writer
	max, done int
	from      int // steps done before this run (Resume): not counted in its pace
	start     time.Time
	last      time.Time // of the last line written
	desc      string    // of the last step
	shown     bool      // the last step has its line
	every     time.Duration
}

// newStepBar returns a stepBar of max steps drawn on w (the command's
// stderr; nothing under -q, w a quietWriter).
func newStepBar(w io.Writer, max int, desc string) *stepBar {
	if isQuiet(w) { // -q: no lines
		return &stepBar{w: io.Discard, max: max, start: time.Now(), every: time.Hour}
	}
	if isTerminal(w) {
		return &stepBar{bar: newBar(w, max, desc, progressbar.OptionThrottle(0)), max: max, start: time.Now()}
	}
	return &stepBar{w: w, max: max, start: time.Now(), every: 10 * time.Second}
}

// Step records one finished step described by desc.
func (s *stepBar) Step(desc string) { s.StepTo(s.done+1, desc) }

// StepTo records the steps up to done (a count that only grows: an
// L-BFGS bar jumps to the next map's first iteration when a map converges
// early), described by desc, the state after step done (e.g. its loss). The
// description and the count are drawn together: a line or a redraw never
// shows one step's description next to another's count.
func (s *stepBar) StepTo(done int, desc string) {
	s.done = done
	if s.bar != nil {
		if s.from > 0 { // the bar's own prediction would count the resumed steps as this run's
			if rem, ok := s.remaining(); ok {
				desc += fmt.Sprintf(" (~%s left)", rem)
			}
		}
		// throttle 0: Describe and Set each redraw, the second with both
		s.bar.Describe(desc)
		_ = s.bar.Set(done)
		return
	}
	s.desc, s.shown = desc, false
	if s.last.IsZero() || s.done >= s.max || time.Since(s.last) >= s.every {
		s.line()
	}
}

// Resume starts the bar at done steps that an earlier run did (a resumed
// dataset's reused chunks), described by desc, and draws it at once: the
// count starts there, and the remaining time is predicted from this run's
// pace alone, elapsed since Resume / steps done since × steps left, shown
// once this run has done a step (on a terminal as "(~2m30s left)" after the description:
// the bar's own prediction would count the resumed steps as done in no time).
// Call it before the first step.
func (s *stepBar) Resume(done int, desc string) {
	s.from, s.done, s.start = done, done, time.Now()
	if s.bar != nil {
		progressbar.OptionSetPredictTime(false)(s.bar)
		s.bar.Describe(desc)
		_ = s.bar.Set(done)
		return
	}
	s.desc, s.shown = desc, false
	s.line()
}

// remaining predicts the time left from this run's pace; ok is false before
// this run's first step.
func (s *stepBar) remaining() (time.Duration, bool) {
	if s.done <= s.from {
		return 0, false
	}
	if s.done >= s.max {
		return 0, true
	}
	return (time.Since(s.start) / time.Duration(s.done-s.from) * time.Duration(s.max-s.done)).Round(time.Second), true
}

// line writes the last step's line, "DESC (done/max) [elapsed:remaining]"
// ("[elapsed]" before this run's first step, when resumed).
func (s *stepBar) line() {
	if s.shown || s.done == 0 {
		return
	}
	el := time.Since(s.start).Round(time.Second)
	if rem, ok := s.remaining(); ok {
		fmt.Fprintf(s.w, "%s (%d/%d) [%s:%s]\n", s.desc, s.done, s.max, el, rem)
	} else {
		fmt.Fprintf(s.w, "%s (%d/%d) [%s]\n", s.desc, s.done, s.max, el)
	}
	s.last, s.shown = time.Now(), true
}

// Finish closes the bar after the last step.
func (s *stepBar) Finish() error {
	if s.bar != nil {
		return s.bar.Finish()
	}
	s.line()
	return nil
}

// Exit closes the bar at the step reached (an error or Ctrl-C).
func (s *stepBar) Exit() error {
	if s.bar != nil {
		return s.bar.Exit()
	}
	s.line()
	return nil
}

// stopper is the part of a progress bar that endBar uses.
type stopper interface {
	Finish() error
	Exit() error
}

// endBar closes a progress bar: filled when the work ran to its end, left at
// the count reached (not drawn as 100 %) when it stopped on an error or Ctrl-C.
// A stopped progressbar already drawn is drawn once more first,
// unthrottled, so that it ends on the count last set: its redraws are
// throttled (0.1 s, 10 s on a log: newBar) and Exit does not draw, so that
// it ended on the last count drawn, up to 10 s of work behind (fixz24). One
// never drawn (stopped before its first count) stays undrawn.
func endBar(bar stopper, stopped bool) {
	if stopped {
		if b, ok := bar.(*progressbar.ProgressBar); ok && b.IsStarted() {
			progressbar.OptionThrottle(0)(b)
			_ = b.RenderBlank() // draws the count last set
		}
		_ = bar.Exit()
		return
	}
	_ = bar.Finish()
}

// endBarAt closes a progress bar whose work ended at done of its planned
// steps without an error: below the plan (an early stop, convergence) the
// bar is finished at done with the description note, so that it does not
// show the planned count as reached.
func endBarAt(bar interface {
	stopper
	Describe(string)
	ChangeMax(int)
}, done, planned int, note string) {
	if done > 0 && done < planned {
		bar.Describe(note)
		bar.ChangeMax(done)
	}
	_ = bar.Finish()
}

// interruptSeen is set when an interruptible command has received its
// Ctrl-C (SIGINT) or SIGTERM.
var interruptSeen atomic.Bool

// interruptible returns a context cancelled by the first Ctrl-C (SIGINT) or
// SIGTERM, so that a long command can save its current state before exiting;
// it then prints on w that it is stopping and what it saves (saving, e.g.
// "the maps reached are written"). A second signal ends the process at once
// (exitOnSignals, exit status 1, or the default action where that is not
// installed): every write is atomic, so that loses what was being saved,
// never a complete file. The returned
// function releases the signals; call it when the work is done.
//
// The first signal also sets interruptSeen, so that a command that runs
// others (stkit demo) stops after the one interrupted instead of going on
// with the next.
func interruptible(w io.Writer, saving string) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	signalOwners.Add(1) // exitOnSignals leaves the first signal to us
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		select {
		case s := <-ch:
			signal.Stop(ch)
			signalsClaimed.Add(1) // before the command can end: see signalsClaimed
			interruptSeen.Store(true)
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
			<-finished
			select {
			case <-ch: // came as the work ended: it is ours all the same
				signalsClaimed.Add(1)
			default:
			}
			cancel()
			signalOwners.Add(-1)
		})
	}
}
