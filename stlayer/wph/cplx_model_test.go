package wph

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// Structure of Config.Complex (PyWPH cplx=True): the moment list, the 2L
// filters and the refusals. The values are tested in cplx_test.go.

// TestComplexModel checks the moment list of Complex against PyWPH's
// load_model with cplx=True: 2L orientations in every class, C01 pairs
// over the two ranges [t1 − DL, t1 + DL) and [t1 + L − DL, t1 + L + DL)
// mod 2L, pseudo S11 after each scale's S11 (t1 < L, t2 = t1 + L, 2A
// azimuths stored as (a + A) mod 2A), and a pseudo L after each (1, 1)
// scaling moment. Counts for J = 7, L = 4, DN = 0: 7·8 + 7·4 S11, 7·8 S00,
// 7·8 S01, 21·8·8 C01, 21·8 Cphase, 3·(3 + 1) L.
func TestComplexModel(t *testing.T) {
	op := newOp(t, Config{J: 7, L: 4, Complex: true}, 128, 128)
	count := map[string]int{}
	pseudo := 0
	for _, m := range op.Moments() {
		count[m.Class]++
		pseudo += m.Pseudo
	}
	for _, s := range op.ScalingMoments() {
		count["L"]++
		pseudo += s.Pseudo
	}
	J, L := 7, 4
	pairs := J * (J - 1) / 2
	want := map[string]int{"S11": J*2*L + J*L, "S00": J * 2 * L, "S01": J * 2 * L, "C01": pairs * 2 * L * 2 * L, "Cphase": pairs * 2 * L, "L": 3 * 4}
	for c, n := range want {
		if count[c] != n {
			t.Errorf("%s: %d coefficients, want %d", c, count[c], n)
		}
	}
	if pseudo != J*L+3 || op.NumCoeffs() != 84+56+56+1344+168+12 {
		t.Errorf("%d pseudo moments (want %d), %d coefficients", pseudo, J*L+3, op.NumCoeffs())
	}
	// The rows of scale j1 = 0: 8 S11, then the 4 pseudo S11 (t1, t1 + L).
	ms := op.Moments()
	for t1 := 0; t1 < 2*L; t1++ {
		if m := ms[t1]; m.Pseudo != 0 || m.L1 != t1 || m.L2 != t1 || m.J1 != 0 {
			t.Errorf("row %d: %+v", t1, m)
		}
	}
	for t1 := 0; t1 < L; t1++ {
		if m := ms[2*L+t1]; m.Class != "S11" || m.Pseudo != 1 || m.L1 != t1 || m.L2 != t1+L || m.J1 != 0 || m.J2 != 0 {
			t.Errorf("row %d: %+v, want pseudo S11 (%d, %d)", 2*L+t1, m, t1, t1+L)
		}
	}
	// C01 pairs of t1 = 0 (DL = 2): t2 = −2, −1, 0, 1 then 2, 3, 4, 5 mod 8.
	var c01 []int
	for _, m := range ms {
		if m.Class == "C01" && m.J1 == 0 && m.J2 == 1 && m.L1 == 0 {
			c01 = append(c01, m.L2)
		}
	}
	if got := c01; len(got) != 8 || got[0] != 6 || got[1] != 7 || got[2] != 0 || got[3] != 1 || got[4] != 2 || got[7] != 5 {
		t.Errorf("C01 (j1=0, j2=1, t1=0) pairs t2 = %v, want [6 7 0 1 2 3 4 5]", got)
	}
	// Scaling moments of j = −1: (0,0), (0,1), (1,1), pseudo (1,1); labels say so.
	sm := op.ScalingMoments()
	if sm[2] != (ScalingMoment{J: -1, P1: 1, P2: 1}) || sm[3] != (ScalingMoment{J: -1, P1: 1, P2: 1, Pseudo: 1}) {
		t.Errorf("scaling moments %v", sm[:4])
	}
	lb := op.Labels()
	k := len(ms) + 3
	if lb.Class[k] != "L" || lb.Get(k, "pseudo") != 1 || lb.Get(2*L, "pseudo") != 1 || lb.Get(0, "pseudo") != 0 {
		t.Errorf("labels: %s, %s", lb.String(k), lb.String(2*L))
	}
	_, smIdx, _ := op.PyWPHIndices()
	if smIdx[3] != [4]int{-1, 1, 1, 1} {
		t.Errorf("PyWPHIndices sm row 3 = %v", smIdx[3])
	}
	// DN = 1: pseudo S11 takes the 2A azimuths, α index (a + A) mod 2A.
	op1 := newOp(t, Config{J: 3, L: 4, DN: 1, Complex: true}, 32, 32)
	var as []int
	for _, m := range op1.Moments() {
		if m.Pseudo == 1 && m.J1 == 0 && m.L1 == 1 && m.N == 1 {
			as = append(as, m.A)
			want := op1.tau(0, 1, 1, (m.A+4)%8) // θ + π − α = θ − (α − π)
			if m.Tau != want || m.L2 != 5 {
				t.Errorf("pseudo %+v: τ %v, want %v", m, m.Tau, want)
			}
		}
	}
	if len(as) != 8 || as[0] != 4 || as[3] != 7 || as[4] != 0 {
		t.Errorf("pseudo α indices %v, want [4 5 6 7 0 1 2 3]", as)
	}
}

// TestComplexFiltersMirror: the 2L band filters (filters t + L mirrored from
// t) equal PyWPH's formula at θ + π (filters.BumpSteerableFull, cropped
// like the band) to round-off, full grid (j ≤ 1) and cropped bands.
func TestComplexFiltersMirror(t *testing.T) {
	const M, N, J, L = 32, 24, 4, 4
	op := newOp(t, Config{J: J, L: L, Complex: true}, M, N)
	full := filters.BumpSteerableFull(M, N, J, L)
	for j := 0; j < J; j++ {
		band := op.psiBand[j]
		if band.K != 2*L {
			t.Fatalf("j=%d: %d filters", j, band.K)
		}
		ref := filters.Cropped(filters.Subset(full, seqFrom(j*2*L, 2*L)), band.H, band.W)
		var worst, peak float64
		for k := 0; k < 2*L; k++ {
			a, b := band.Filter(k), ref.Filter(k)
			for i := range a {
				worst = math.Max(worst, math.Abs(a[i]-b[i]))
				peak = math.Max(peak, math.Abs(b[i]))
			}
		}
		if worst > 1e-13*peak {
			t.Errorf("j=%d (%dx%d band): mirrored filters differ from θ+π by %.2e (peak %.2e)", j, band.H, band.W, worst, peak)
		}
	}
}

func seqFrom(a, n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = a + i
	}
	return s
}

// TestComplexRefused: Complex with Cross is refused, and a complex operator
// refuses a single M×N map naming the stacked (Q, U) form.
func TestComplexRefused(t *testing.T) {
	if _, err := New(Config{J: 2, L: 4, Complex: true, Cross: true}, 16, 16); err == nil || !strings.Contains(err.Error(), "Cross") {
		t.Errorf("Complex with Cross: err %v", err)
	}
	op := newOp(t, Config{J: 2, L: 4, Complex: true}, 16, 16)
	_, err := op.Forward(cpu.New(), stlayer.NewMaps(1, 16, 16))
	if err == nil || !strings.Contains(err.Error(), "(Q, U) stacked") {
		t.Errorf("Forward of one 16x16 map: err %v", err)
	}
	if !strings.Contains(op.Key(), "complex=true") || strings.Contains(newOp(t, Config{J: 2, L: 4}, 16, 16).Key(), "complex") {
		t.Errorf("keys: %q", op.Key())
	}
}
