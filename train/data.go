package train

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
)

// Data is an in-memory float32 matrix of N feature vectors of length D, row-major (X[i·D + j]),
// normally z-scored per coefficient.
type Data struct {
	X    []float32
	N, D int
}

// Validate checks the dimensions and that every value is finite.
func (d Data) Validate() error {
	if d.N < 1 || d.D < 1 {
		return fmt.Errorf("train: data must have N ≥ 1 rows and D ≥ 1 columns, got N=%d D=%d", d.N, d.D)
	}
	if len(d.X) != d.N*d.D {
		return fmt.Errorf("train: data length %d ≠ N·D = %d·%d", len(d.X), d.N, d.D)
	}
	for i, v := range d.X {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("train: non-finite value at row %d column %d", i/d.D, i%d.D)
		}
	}
	return nil
}

// Rows copies the rows idx into a new flat slice [len(idx)·D]. Data whose length is not N·D (or
// with D < 1) and an index outside [0, N) are errors.
func (d Data) Rows(idx []int) ([]float32, error) {
	if d.D < 1 || d.N < 0 || len(d.X) != d.N*d.D {
		return nil, fmt.Errorf("train: data length %d ≠ N·D = %d·%d", len(d.X), d.N, d.D)
	}
	out := make([]float32, len(idx)*d.D)
	for r, i := range idx {
		if i < 0 || i >= d.N {
			return nil, fmt.Errorf("train: row index %d out of range [0, %d)", i, d.N)
		}
		copy(out[r*d.D:(r+1)*d.D], d.X[i*d.D:(i+1)*d.D])
	}
	return out, nil
}

// Fingerprint is the hex SHA-256 of N, D (uint64 little-endian) and the IEEE-754 bits of X
// (little-endian): two data sets with the same fingerprint hold identical values in the same order.
func Fingerprint(d Data) string {
	h := sha256.New()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(d.N))
	h.Write(b[:])
	binary.LittleEndian.PutUint64(b[:], uint64(d.D))
	h.Write(b[:])
	buf := make([]byte, 4*4096)
	for start := 0; start < len(d.X); start += 4096 {
		end := min(start+4096, len(d.X))
		for i, v := range d.X[start:end] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
		}
		h.Write(buf[:4*(end-start)])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// PCG stream identifiers: each use of the run seed draws from its own stream.
const (
	streamSplit   = 0x5eed0001
	streamShuffle = 0x5eed1000 // + epoch
)

// Split returns a random partition of [0, n) into training and validation indices, the validation
// part holding round(valFraction·n) rows, at least 1 when valFraction > 0 and n ≥ 2 and at most
// n − 1 (a valFraction that rounds to n, e.g. ≥ 1, leaves one training row). Both lists are sorted.
// The partition depends only on (n, valFraction, seed). n ≤ 0 gives two empty lists; a NaN or
// non-positive valFraction gives no validation rows.
func Split(n int, valFraction float64, seed int64) (trainIdx, valIdx []int) {
	if n <= 0 {
		return nil, nil
	}
	if math.IsNaN(valFraction) || valFraction < 0 {
		valFraction = 0
	}
	valFraction = math.Min(valFraction, 1)
	nVal := int(math.Round(valFraction * float64(n)))
	if valFraction > 0 && nVal == 0 && n >= 2 {
		nVal = 1
	}
	if nVal >= n {
		nVal = n - 1
	}
	if nVal < 0 {
		nVal = 0
	}
	perm := rand.New(rand.NewPCG(uint64(seed), streamSplit)).Perm(n)
	isVal := make([]bool, n)
	for _, i := range perm[:nVal] {
		isVal[i] = true
	}
	for i := 0; i < n; i++ {
		if isVal[i] {
			valIdx = append(valIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	return trainIdx, valIdx
}

// EpochOrder returns the training-row order of epoch e: a permutation of idx that depends only on
// (seed, epoch), so a resumed run replays exactly the same batches.
func EpochOrder(idx []int, seed int64, epoch int) []int {
	rng := rand.New(rand.NewPCG(uint64(seed), streamShuffle+uint64(epoch)))
	out := append([]int(nil), idx...)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
