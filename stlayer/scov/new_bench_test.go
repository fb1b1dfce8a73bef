package scov

import "testing"

// BenchmarkNew2048 builds the operator of a 2048² map (J = 9, L = 4); the
// filter cache is per process, so only the first iteration builds filters
// (run with -benchtime 1x).
func BenchmarkNew2048(b *testing.B) {
	for b.Loop() {
		if _, err := New(Config{J: 9, L: 4}, 2048, 2048); err != nil {
			b.Fatal(err)
		}
	}
}
