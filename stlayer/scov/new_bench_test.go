package scov

import (
	"fmt"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// BenchmarkNew builds the operator of a 1024² and a 2048² map with stkit
// stats' defaults (J = log2(n) − 2: 8 and 9, L = 4). The filter cache is per process, so only the first iteration of each
// size builds filters: run with -benchtime 1x.
func BenchmarkNew(b *testing.B) {
	for _, n := range []int{1024, 2048} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				if _, err := New(Config{J: stlayer.Log2Floor(n) - 2, L: 4}, n, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
