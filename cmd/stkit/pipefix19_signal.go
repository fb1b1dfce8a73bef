package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// signalOwners counts the interruptible contexts in force: the commands
// that stop on Ctrl-C or SIGTERM and save what they reached (train, sample,
// separate). The process-wide handler (exitOnSignals) leaves the first
// signal to them.
var signalOwners atomic.Int32

// signalsClaimed counts the signals an interruptible context took as its
// own (it stopped its command to save what was reached). Every signal
// reaches both interruptible's channel and exitOnSignals' loop, and the loop
// read signalOwners only when it got to the signal: a command that stopped
// and wrote its partial file quickly had released its claim (signalOwners
// back to 0) by then, and the loop ended the process with "terminated:
// stopped", exit 1, while or before the partial file was written, after
// "stopping, the maps reached are written" (timeout -s TERM 0.15 stkit
// synth …: nothing written; partialsafe20). The loop now leaves the first
// signal alone when an interruptible context claimed it.
var signalsClaimed atomic.Int32

// signalRepeatWindow is how soon after the SIGTERM a command took (to stop
// and save) a second SIGTERM counts as that one, not as the second signal
// that quits at once: timeout -s TERM 0.15 stkit synth … sends SIGTERM to
// stkit and then to its process group, stkit among them, microseconds
// apart; when the two were not merged into one by the kernel, the second
// ended stkit with "terminated: stopped", exit 1, before or while the
// maps reached were written, after "stopping, the maps reached are
// written" (partialsafe20). Ctrl-C (SIGINT) comes from a person, one per
// key press: a second one quits at once, unless it comes within
// interruptRepeatWindow (timeout -s INT's two).
var signalRepeatWindow = 500 * time.Millisecond

// interruptRepeatWindow is how soon after the SIGINT a command took a
// second SIGINT counts as that one (fixpartial21): timeout -s INT sends it
// twice, microseconds apart, as it does SIGTERM, and the second quit
// stkit with "interrupt: stopped" and nothing written in 2 of 16 runs of
// timeout -s INT 2 stkit synth t.npy -n 40 --steps 400 -o s.npy. A person
// cannot press Ctrl-C twice that fast: a second press still quits at once.
var interruptRepeatWindow = 100 * time.Millisecond

// exitOnSignals makes Ctrl-C (SIGINT) and SIGTERM (a batch system's
// scancel, a timeout) end stkit with exit status 1, a message on w and no
// partial output: the temporary files of the writes under way are removed
// (atomicfile.RemoveInProgress). Before, the default action killed stats
// in its write with status 143 or 130, no message, and a 75 MB
// .t.json.tmpNNN left beside t.json. A command that handles the signal
// itself (interruptible: it stops and saves) gets the first one; a second
// one ends it here. Installed by main for every command but demo, which
// has its own handling of the signals (demoInterrupts); tests call run and
// are not affected.
func exitOnSignals(w io.Writer, args []string) {
	if commandName(args) == "demo" {
		return
	}
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go signalExit(ch, w, os.Exit)
}

// signalExit is exitOnSignals' loop: for each signal of ch, unless it is
// the first and an interruptible command is under way (or took it:
// signalsClaimed), or a SIGTERM repeating that first within
// signalRepeatWindow (a SIGINT within interruptRepeatWindow), it removes
// the writes' temporary files, says so on w and calls exit(1).
func signalExit(ch <-chan os.Signal, w io.Writer, exit func(int)) {
	n := 0
	var first os.Signal
	var firstAt time.Time
	for s := range ch {
		n++
		// the command stops and saves (interruptible); signalsClaimed
		// when it already has, and released its claim on the signals,
		// before this loop saw the signal (partialsafe20)
		if n == 1 && (signalOwners.Load() > 0 || signalsClaimed.Load() > 0) {
			first, firstAt = s, time.Now()
			continue
		}
		// SIGTERM again at once is the same request (timeout(1) sends it
		// to stkit and to its process group: two)
		if n == 2 && s == first && (first == syscall.SIGTERM && time.Since(firstAt) < signalRepeatWindow ||
			first == os.Interrupt && time.Since(firstAt) < interruptRepeatWindow) {
			first = nil // one repeat only
			n = 1
			continue
		}
		msg := fmt.Sprintf("\nstkit: %v: stopped", s)
		rm := atomicfile.RemoveInProgress()
		// fixpartial21: an undone rename whose old file had no link
		lost := takeUndoLost()
		kept := takeUndoKept() // partial2: old files kept (partial3: a.stkit-old-….npy)
		if len(rm) > 0 {
			msg += "; removed the unfinished " + strings.Join(rm, ", ")
			if len(lost)+len(kept) == 0 {
				msg += " (the outputs keep their earlier files, or none)"
			}
		}
		if len(lost) > 0 {
			msg += "; " + strings.Join(lost, ", ") + " already held this run's new output and could not be put back as it was (the filesystem made no hard link to the old file): the old file is lost"
		}
		if len(kept) > 0 {
			msg += "; " + strings.Join(kept, "; ")
		}
		fmt.Fprintln(w, msg)
		exit(1)
		return
	}
}

// commandName is the command of stkit's arguments: the first that is not
// a global flag or a global flag's value.
func commandName(args []string) string {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") {
			return a
		}
		switch strings.TrimLeft(a, "-") {
		case "backend", "engine":
			i++ // its value follows
		}
	}
	return ""
}
