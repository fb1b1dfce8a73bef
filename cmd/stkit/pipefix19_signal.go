package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// signalOwners counts the interruptible contexts in force: the commands
// that stop on Ctrl-C or SIGTERM and save what they reached (train, sample,
// separate). The process-wide handler (exitOnSignals) leaves the first
// signal to them.
var signalOwners atomic.Int32

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
// the first and an interruptible command is under way, it removes the
// writes' temporary files, says so on w and calls exit(1).
func signalExit(ch <-chan os.Signal, w io.Writer, exit func(int)) {
	n := 0
	for s := range ch {
		n++
		if n == 1 && signalOwners.Load() > 0 {
			continue // the command stops and saves (interruptible)
		}
		msg := fmt.Sprintf("\nstkit: %v: stopped", s)
		if rm := atomicfile.RemoveInProgress(); len(rm) > 0 {
			msg += "; removed the unfinished " + strings.Join(rm, ", ") + " (the outputs keep their earlier files, or none)"
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
