package cpu

import (
	"sync"
	"sync/atomic"
)

// parFor runs fn over [0, n) split into contiguous chunks, on up to e.workers
// goroutines. cost is a rough number of element operations per index; small
// totals run inline on the calling goroutine.
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
	work := func() {
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
}
