package cpu

import (
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// workerPanic carries a panic of parFor's fn to the calling goroutine: the
// value and the stack of the goroutine that panicked (a worker's own stack
// is lost once parFor re-panics on the caller).
type workerPanic struct {
	value any
	stack []byte
}

// parFor runs fn over [0, n) split into contiguous chunks, on up to e.workers
// goroutines. cost is a rough number of element operations per index; small
// totals run inline on the calling goroutine.
//
// A panic of fn on any goroutine stops the remaining chunks; parFor waits
// for every goroutine to return and then panics on the calling goroutine:
// with the original value for the engine's own panics (primError,
// errReplay), else with a workerPanic holding the value and the stack of
// the panic, so that Forward and LossGrad can report it (a panic left on a
// worker goroutine would end the process, and one on the caller must not
// unwind while workers still write into the run's buffers).
func (e *Engine) parFor(n, cost int, fn func(lo, hi int)) {
	if n <= 0 {
		return
	}
	const minWork = 1 << 14 // below this, goroutine start-up dominates
	w := e.workers
	if total := n * max(cost, 1); total < 2*minWork || w == 1 || n == 1 {
		fn(0, n)
		return
	}
	// Chunks: about 4 per worker for load balance, each worth ≥ minWork.
	chunks := min(n, 4*w)
	if per := minWork / max(cost, 1); per > 1 && n/per < chunks {
		chunks = max(n/per, 1)
	}
	size := (n + chunks - 1) / chunks
	chunks = (n + size - 1) / size
	g := min(w, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Pointer[workerPanic]
	work := func() {
		defer func() {
			if p := recover(); p != nil {
				wp, ok := p.(workerPanic)
				if !ok {
					wp = workerPanic{value: p, stack: debug.Stack()}
				}
				failed.CompareAndSwap(nil, &wp)
				next.Store(int64(chunks)) // the others take no new chunk
			}
		}()
		for {
			c := int(next.Add(1) - 1)
			if c >= chunks {
				return
			}
			lo := c * size
			fn(lo, min(lo+size, n))
		}
	}
	wg.Add(g - 1)
	for range g - 1 {
		go func() { defer wg.Done(); work() }()
	}
	work()
	wg.Wait()
	if wp := failed.Load(); wp != nil {
		switch wp.value.(type) {
		case primError, errReplay:
			panic(wp.value)
		}
		panic(*wp)
	}
}
