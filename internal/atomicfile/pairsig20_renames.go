package atomicfile

import "sync"

// Rename phases (pairsig20): stkit surrogate -o a.npy,b.npy renames its
// complete temporaries over a.npy and b.npy one after the other, keeping a
// hard link to each old file (registered in progress, named as
// CreateBeside's) to put it back should a later rename fail. A SIGTERM or
// Ctrl-C between the two renames made the signal's exit remove every file
// in progress, the links among them: a.npy was new, b.npy old, and the old
// a.npy gone. Such a caller now wraps its renames in a RenamePhase whose
// undo RemoveInProgress runs first (after the rename under way, never
// during one), so a signal's exit puts the old files back before it
// removes anything; once the phase is stopped its remaining steps do not
// run.

// RenamePhase is a series of renames that a signal's exit undoes
// (BeginRenames).
type RenamePhase struct {
	mu      sync.Mutex
	undo    func()
	stopped bool // undone by a signal's exit: no further step runs
	ended   bool // finished: nothing to undo
}

// phases holds the rename phases under way in this process.
var phases sync.Map // *RenamePhase → struct{}

// BeginRenames starts a rename phase: until End, RemoveInProgress first
// runs undo (which puts back what the steps did, and must Forget the files
// it renames back) and stops the phase.
func BeginRenames(undo func()) *RenamePhase {
	p := &RenamePhase{undo: undo}
	phases.Store(p, struct{}{})
	return p
}

// Step runs f (a rename, a roll-back) unless a signal's exit stopped the
// phase, and reports whether it ran. A signal's undo waits for the step
// under way.
func (p *RenamePhase) Step(f func()) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped || p.ended {
		return false
	}
	f()
	return true
}

// End finishes the phase (a signal's exit no longer undoes it) and reports
// whether a signal's exit undid it before.
func (p *RenamePhase) End() (undone bool) {
	p.mu.Lock()
	p.ended = true
	undone = p.stopped
	p.mu.Unlock()
	phases.Delete(p)
	return undone
}

// undoRenames runs the undo of every rename phase under way (after its
// step in progress) and stops it.
func undoRenames() {
	phases.Range(func(k, _ any) bool {
		p := k.(*RenamePhase)
		p.mu.Lock()
		if !p.stopped && !p.ended {
			p.stopped = true
			p.undo()
		}
		p.mu.Unlock()
		phases.Delete(p)
		return true
	})
}
