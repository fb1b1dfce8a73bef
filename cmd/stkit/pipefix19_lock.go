package main

import "github.com/stkit-org/stkit/internal/dirlock"

// lockReport locks the --report folder dir of synth, sample or separate
// (command name, run with args) as patches and train lock their -o
// (lockOutputDir: DIR/.stkit.lock, exit 2 while another stkit holds it, a
// folder the lock made removed again when nothing was written). Two
// `stkit synth … --report mrep` at once both exited 0, metrics.json from
// one run and maps.png from the other. No lock (nil, whose Release does
// nothing) when dir is "".
func lockReport(dir, name string, args []string) (*dirlock.Lock, error) {
	if dir == "" {
		return nil, nil
	}
	return lockOutputDir("--report", dir, name, args)
}
