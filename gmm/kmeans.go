package gmm

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// KMeansPlusPlus picks k initial centres from the rows of x with the k-means++ rule (Arthur &
// Vassilvitskii 2007): the first centre uniformly, each next one with probability proportional to
// the squared distance to the nearest centre already chosen. It returns k rows of length d.
// The result depends only on x, k and the state of rng. A nil x, an x without rows, k < 1, a
// nil rng, a NaN or infinite value in x (named by row and column) and data whose squared distances
// could overflow float64 (the limit of Fit: |x| or a column's range above √(MaxFloat64/(n·d))/4) are
// errors (k may exceed the number of rows: rows are then picked more than once).
func KMeansPlusPlus(x *mat.Dense, k int, rng *rand.Rand) ([][]float64, error) {
	if x == nil {
		return nil, errors.New("gmm: k-means++ on a nil data matrix")
	}
	n, _ := x.Dims()
	switch {
	case n == 0:
		return nil, errors.New("gmm: k-means++ on data with no rows")
	case k < 1:
		return nil, fmt.Errorf("gmm: k-means++ needs k ≥ 1 centres, got %d", k)
	case rng == nil:
		return nil, errors.New("gmm: k-means++ needs a random source (nil rng)")
	}
	if err := checkFinite(x); err != nil {
		return nil, err
	}
	// Overflowing distances (+Inf) would make the draw pick the first such row every time.
	if err := checkMagnitude(x); err != nil {
		return nil, err
	}
	centers := make([][]float64, 0, k)
	first := rng.IntN(n)
	centers = append(centers, append([]float64(nil), x.RawRowView(first)...))
	dist := make([]float64, n)
	for i := range dist {
		dist[i] = sqDist(x.RawRowView(i), centers[0])
	}
	for len(centers) < k {
		total := 0.0
		for _, v := range dist {
			total += v
		}
		var idx int
		if total <= 0 {
			// All points coincide with centres: pick uniformly.
			idx = rng.IntN(n)
		} else {
			u := rng.Float64() * total
			acc := 0.0
			idx = n - 1
			for i, v := range dist {
				acc += v
				if acc >= u && v > 0 {
					idx = i
					break
				}
			}
		}
		c := append([]float64(nil), x.RawRowView(idx)...)
		centers = append(centers, c)
		for i := range dist {
			if dd := sqDist(x.RawRowView(i), c); dd < dist[i] {
				dist[i] = dd
			}
		}
	}
	return centers, nil
}

// lloyd runs iters Lloyd iterations from the given centres (modified in place) and returns the final
// nearest-centre labels. An empty cluster is re-seeded with the point farthest from its centre.
func lloyd(x *mat.Dense, centers [][]float64, iters int) []int {
	n, d := x.Dims()
	k := len(centers)
	labels := make([]int, n)
	assign := func() (changed bool) {
		for i := 0; i < n; i++ {
			row := x.RawRowView(i)
			best, bd := 0, math.Inf(1)
			for c := 0; c < k; c++ {
				if dd := sqDist(row, centers[c]); dd < bd {
					best, bd = c, dd
				}
			}
			if labels[i] != best {
				changed = true
			}
			labels[i] = best
		}
		return changed
	}
	assign()
	for it := 0; it < iters; it++ {
		counts := make([]int, k)
		for c := range centers {
			for j := range centers[c] {
				centers[c][j] = 0
			}
		}
		for i := 0; i < n; i++ {
			row := x.RawRowView(i)
			c := labels[i]
			counts[c]++
			for j := 0; j < d; j++ {
				centers[c][j] += row[j]
			}
		}
		var empty []int
		for c := 0; c < k; c++ {
			if counts[c] == 0 {
				empty = append(empty, c)
				continue
			}
			for j := range centers[c] {
				centers[c][j] /= float64(counts[c])
			}
		}
		for _, c := range empty {
			// Re-seed an empty cluster with the point farthest from its current centre.
			far, fd := 0, -1.0
			for i := 0; i < n; i++ {
				if dd := sqDist(x.RawRowView(i), centers[labels[i]]); dd > fd {
					far, fd = i, dd
				}
			}
			copy(centers[c], x.RawRowView(far))
			labels[far] = c
		}
		if !assign() {
			break
		}
	}
	return labels
}

func sqDist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return s
}
