package infer

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFfiltCollinearSolve: with the channels d, pp and r = d − pp (exactly
// collinear) at α = 0 the solve gave all-zero weights; with the ridge
// floor its estimate equals that of d, pp alone (to 1e-6 relative).
func TestFfiltCollinearSolve(t *testing.T) {
	p := 16
	ann, na := ffAnnuli(p), FeatureFilterAnnuli(p)
	bk := newFFBank(p, p, 2, 4, 0.375, 0.4)
	rng := rand.New(rand.NewPCG(3, 3))
	n2, n3 := newFFNormal(na, 2), newFFNormal(na, 3)
	var F2s, F3s [][][]complex128
	for i := 0; i < 6; i++ {
		d, e, s := make([]float64, p*p), make([]float64, p*p), make([]float64, p*p)
		for j := range d {
			s[j] = rng.NormFloat64()
			d[j] = s[j] + rng.NormFloat64()
			e[j] = 0.5*d[j] + 0.3*rng.NormFloat64()
		}
		S := fft2(s, p, p)
		F2 := featureDFTs(featureMaps([]string{"d", "pp"}, d, e, bk), p, p)
		F3 := featureDFTs(featureMaps([]string{"d", "pp", "r"}, d, e, bk), p, p)
		n2.accumulate(F2, S, ann)
		n3.accumulate(F3, S, ann)
		F2s, F3s = append(F2s, F2), append(F3s, F3)
	}
	h2, h3 := n2.solve(0), n3.solve(0)
	zero := 0
	for _, v := range h3[3:] {
		if v == 0 {
			zero++
		}
	}
	if zero > 0 {
		t.Fatalf("%d of %d weights of d,pp,r are 0", zero, len(h3)-3)
	}
	y2 := ffApplyDFT(F2s[0], p, p, 0, func(k, c int) float64 { return h2[ann[k]*2+c] })
	y3 := ffApplyDFT(F3s[0], p, p, 0, func(k, c int) float64 { return h3[ann[k]*3+c] })
	num, den := 0.0, 0.0
	for i := range y2 {
		num += (y2[i] - y3[i]) * (y2[i] - y3[i])
		den += y2[i] * y2[i]
	}
	if r := math.Sqrt(num / den); r > 1e-6 {
		t.Errorf("d,pp,r vs d,pp: relative difference %.3g", r)
	}
}

// TestFfiltPairsTwice: "0,1;0,1" fitted the same filter twice (two
// records, one file); it is refused.
func TestFfiltPairsTwice(t *testing.T) {
	if _, err := ParseFeatureFilterPairs("0,1;0,1"); err == nil || err.Error() != `feature filter pair "0,1" given twice (each pair is fitted once)` {
		t.Errorf("0,1;0,1: %v", err)
	}
	if p, err := ParseFeatureFilterPairs("0,1;1,0"); err == nil { // both directions: refused since TestFfix22BothDirections
		t.Errorf("0,1;1,0: %v accepted", p)
	}
}
