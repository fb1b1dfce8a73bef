package main

import (
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// timeout -s TERM 0.15 stkit synth … printed "stopping, the maps reached are
// written", then "terminated: stopped", exit 1 and nothing written: the
// signal reached interruptible, which stopped the run, and exitOnSignals'
// loop, which read signalOwners only when it got to it, after the command
// had written (or while it wrote) and released its claim, and so ended the
// process as for a signal no command had taken. Here the loop gets the
// signal after the release, as it did then: the process must not end.
func TestPartialsafe20SignalClaimedBeforeRelease(t *testing.T) {
	// interruptSeen too: demo reads it as "a Ctrl-C came" (TestProv19Demo
	// and TestDemoStepsHelpMatchesCommands, run after this test, stopped
	// before step 1)
	t.Cleanup(func() { signalsClaimed.Store(0); interruptSeen.Store(false) })
	var msg strings.Builder
	ctx, release := interruptible(&msg, "the maps reached are written")
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("SIGTERM did not cancel the run context")
	}
	release() // the command wrote its partial file and returned
	if n := signalOwners.Load(); n != 0 {
		t.Fatalf("signalOwners %d after release", n)
	}
	ch := make(chan os.Signal, 2)
	ch <- syscall.SIGTERM
	close(ch)
	code := -1
	signalExit(ch, io.Discard, func(c int) { code = c })
	if code != -1 {
		t.Errorf("the first SIGTERM, taken by the command, ended the process: exit %d", code)
	}
	if !strings.Contains(msg.String(), "terminated: stopping, the maps reached are written") {
		t.Errorf("message %q", msg.String())
	}
	// a second signal still ends it at once (one not a repeat within
	// signalRepeatWindow: TestPartialsafe20RepeatedSIGTERM)
	old := signalRepeatWindow
	signalRepeatWindow = 0
	defer func() { signalRepeatWindow = old }()
	ch = make(chan os.Signal, 2)
	ch <- syscall.SIGTERM
	ch <- syscall.SIGTERM
	close(ch)
	signalExit(ch, io.Discard, func(c int) { code = c })
	if code != 1 {
		t.Errorf("second SIGTERM: exit %d, want 1", code)
	}
}

// timeout -s TERM sends SIGTERM to stkit and then to its process group:
// two SIGTERMs microseconds apart, the second of which ended synth with
// "terminated: stopped" after "stopping, the maps reached are written", and
// nothing written (4 of 12 runs at 0.1–0.3 s, the partialsafe20 binary
// before this check). A SIGTERM repeating the first within
// signalRepeatWindow is the same request; a third, or one after the window,
// ends the process. So is a SIGINT within interruptRepeatWindow
// (fixpartial21: timeout -s INT); a person's second Ctrl-C quits.
func TestPartialsafe20RepeatedSIGTERM(t *testing.T) {
	_, release := interruptible(io.Discard, "saving")
	defer release()
	feed := func(sigs ...os.Signal) int {
		ch := make(chan os.Signal, len(sigs))
		for _, s := range sigs {
			ch <- s
		}
		close(ch)
		code := -1
		signalExit(ch, io.Discard, func(c int) { code = c })
		return code
	}
	term, intr := syscall.SIGTERM, syscall.SIGINT
	if code := feed(term, term); code != -1 {
		t.Errorf("SIGTERM twice at once: exit %d, want none", code)
	}
	if code := feed(term, term, term); code != 1 {
		t.Errorf("SIGTERM three times: exit %d, want 1", code)
	}
	// fixpartial21: timeout -s INT sends SIGINT twice as well (2 of 16
	// runs lost their maps); a person's second Ctrl-C comes later
	if code := feed(intr, intr); code != -1 {
		t.Errorf("SIGINT twice at once: exit %d, want none", code)
	}
	if code := feed(intr, intr, intr); code != 1 {
		t.Errorf("SIGINT three times: exit %d, want 1", code)
	}
	if code := feed(intr, term); code != 1 {
		t.Errorf("SIGINT then SIGTERM: exit %d, want 1", code)
	}
	old, oldInt := signalRepeatWindow, interruptRepeatWindow
	signalRepeatWindow, interruptRepeatWindow = 0, 0 // the second comes after the window
	defer func() { signalRepeatWindow, interruptRepeatWindow = old, oldInt }()
	if code := feed(term, term); code != 1 {
		t.Errorf("SIGTERM twice, the second after the window: exit %d, want 1", code)
	}
	if code := feed(intr, intr); code != 1 {
		t.Errorf("SIGINT twice, the second after the window: exit %d, want 1", code)
	}
}
