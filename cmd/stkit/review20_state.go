package main

// resetInterruptState clears what a signal taken by an earlier command of
// this process left behind: interruptSeen (demo reads it as "a Ctrl-C
// came" and stops before its next step) and signalsClaimed (exitOnSignals'
// loop then leaves a first signal alone). stkit runs one command per
// process, but the tests call run many times in one: a test that sent a
// real SIGTERM left both set, and TestProv19Demo and
// TestDemoStepsHelpMatchesCommands, run after it, stopped before step 1
// (682c336 reset them in that test's cleanup only). run calls it first.
func resetInterruptState() {
	interruptSeen.Store(false)
	signalsClaimed.Store(0)
}
