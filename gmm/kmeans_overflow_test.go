package gmm

import (
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// KMeansPlusPlus accepted finite data whose squared distances overflow (rows at ±1e200): every
// distance to the first centre was +Inf, the draw u = U·Inf was +Inf, and the next centre was always
// the first row at distance +Inf (here 1e200, never −1e200) instead of a draw proportional to the
// distances. Such data are now refused as Fit refuses them.
func TestKMeansPlusPlusRefusesOverflowingData(t *testing.T) {
	x := mat.NewDense(4, 1, []float64{1e200, -1e200, 0, 5})
	_, err := KMeansPlusPlus(x, 2, rand.New(rand.NewPCG(1, 2)))
	const want = "gmm: column 0 holds values up to 1e+200 (range 2e+200), which overflow float64 in k-means++ and EM for n=4, d=1"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %v, want it to start %q", err, want)
	}
	// Below the limit (√(MaxFloat64/4)/4 ≈ 1.7e153 here) the draw is proportional to the squared
	// distances: from centre 0 the rows at ±1e150 are picked about equally often.
	y := mat.NewDense(4, 1, []float64{1e150, -1e150, 0, 5})
	count := map[float64]int{}
	for s := uint64(0); s < 400; s++ {
		cs, err := KMeansPlusPlus(y, 2, rand.New(rand.NewPCG(s, 7)))
		if err != nil {
			t.Fatal(err)
		}
		if cs[0][0] == 0 {
			count[cs[1][0]]++
		}
	}
	n := count[1e150] + count[-1e150]
	if n < 50 || count[1e150] < n/3 || count[-1e150] < n/3 || count[5] != 0 {
		t.Errorf("second centres after centre 0: %v, want ±1e150 about equally often and never 5", count)
	}
}
