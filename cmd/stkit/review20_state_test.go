package main

import "testing"

// TestReview20RunResetsInterruptState: a run after one that took a signal
// starts without its trace (resetInterruptState); before, interruptSeen
// stayed set and a demo run later in the process stopped before step 1.
func TestReview20RunResetsInterruptState(t *testing.T) {
	t.Cleanup(resetInterruptState)
	interruptSeen.Store(true)
	signalsClaimed.Store(2)
	if code, _, _ := runCLI(t, "help"); code != 0 {
		t.Fatalf("stkit help: exit %d", code)
	}
	if interruptSeen.Load() || signalsClaimed.Load() != 0 {
		t.Errorf("after run: interruptSeen %v, signalsClaimed %d; want false, 0", interruptSeen.Load(), signalsClaimed.Load())
	}
}
