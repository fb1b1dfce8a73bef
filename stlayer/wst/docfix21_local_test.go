package wst

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/dsp/fourier"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/filters"
)

// docfix21FFT2 is the unnormalised forward 2D DFT of the P×Q array z (inverse with
// inv, divided by PQ), row-major.
func docfix21FFT2(z []complex128, P, Q int, inv bool) []complex128 {
	out := append([]complex128(nil), z...)
	fr, fc := fourier.NewCmplxFFT(Q), fourier.NewCmplxFFT(P)
	col := make([]complex128, P)
	for r := 0; r < P; r++ {
		row := out[r*Q : (r+1)*Q]
		if inv {
			fr.Sequence(row, row)
		} else {
			fr.Coefficients(row, row)
		}
	}
	for c := 0; c < Q; c++ {
		for r := range P {
			col[r] = out[r*Q+c]
		}
		if inv {
			fc.Sequence(col, col)
		} else {
			fc.Coefficients(col, col)
		}
		for r := range P {
			out[r*Q+c] = col[r]
		}
	}
	if inv {
		for i := range out {
			out[i] /= complex(float64(P*Q), 0)
		}
	}
	return out
}

// The local WST's doc wrote S1[j1,l1][y] = (|x̃⋆ψ_{j1,l1}|⋆φ_J)(2^J·(y+1))
// as if exact, but, as Kymatio, the code takes the modulus on the grid
// subsampled by 2^{j1} (the aliased modulus): exact for S0 and j1 = 0, a few
// per cent off the full-resolution formula for j1 ≥ 1 (audit: up to 2.4 % at
// j1 = 1 and 7.1 % at j1 = 2 on a 64² dust map, J = 3, L = 4). The doc now
// says so; TestKymatioGolden and TestKymatioParityDust pin the values against
// Kymatio. Here the formula is evaluated literally at full resolution (FFTs
// on the P×Q padded grid) and compared with the operator per j1, max over
// l1 and the grid, on dust256[::4, ::4]: S0 and j1 = 0 3.9e-15, j1 = 1
// 4.0 %, j1 = 2 7.1 %.
func TestDocfix21LocalS1IsSubsampled(t *testing.T) {
	const J, L = 3, 4
	d := testutil.Dust256(t)
	const M, N = 64, 64
	x := make([]float64, M*N)
	for r := range M {
		for c := range N {
			x[r*N+c] = d.Data[(4*r)*256+4*c]
		}
	}
	op, err := New(Config{J: J, L: L, Local: true}, M, N)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cpu.New().Forward(op.Key(), op.Stat(), &stlayer.Maps{B: 1, M: M, N: N, Data: x})
	if err != nil {
		t.Fatal(err)
	}
	P, Q := op.padM, op.padN
	h, w := op.OutputSize()
	refl := func(i, n int) int {
		for i < 0 || i >= n {
			if i < 0 {
				i = -i
			}
			if i >= n {
				i = 2*(n-1) - i
			}
		}
		return i
	}
	xp := make([]complex128, P*Q)
	for r := range P {
		for c := range Q {
			xp[r*Q+c] = complex(x[refl(r-op.padTop, M)*N+refl(c-op.padLeft, N)], 0)
		}
	}
	psi, phi := filters.MorletKymatio(P, Q, J, L)
	filt := func(z []complex128, f []float64) []complex128 {
		zf := docfix21FFT2(z, P, Q, false)
		for i := range zf {
			zf[i] *= complex(f[i], 0)
		}
		return docfix21FFT2(zf, P, Q, true)
	}
	// max relative difference over the output grid between channel k of the
	// operator and the full-resolution field s sampled at 2^J·(y+1)
	maxRel := func(k int, s []complex128) float64 {
		mr := 0.0
		for y1 := range h {
			for y2 := range w {
				a, b := real(s[(1<<J)*(y1+1)*Q+(1<<J)*(y2+1)]), real(got.Data[(k*h+y1)*w+y2])
				mr = math.Max(mr, math.Abs(a-b)/math.Max(math.Abs(a), math.Abs(b)))
			}
		}
		return mr
	}
	if r := maxRel(0, filt(xp, phi.Filter(0))); r > 1e-12 {
		t.Errorf("S0: %.3g relative from (x̃⋆φ_J)(2^J(y+1)), want exact", r)
	}
	worst := make([]float64, J)
	for j1 := range J {
		for l1 := range L {
			u := filt(xp, psi.Filter(j1*L+l1))
			for i := range u {
				u[i] = complex(math.Hypot(real(u[i]), imag(u[i])), 0)
			}
			worst[j1] = math.Max(worst[j1], maxRel(1+j1*L+l1, filt(u, phi.Filter(0))))
		}
	}
	t.Logf("S1 max relative difference from the full-resolution formula per j1: %.3g", worst)
	if worst[0] > 1e-12 {
		t.Errorf("S1 at j1 = 0: %.3g from the full-resolution formula, want exact (no subsampling)", worst[0])
	}
	if worst[1] < 0.01 || worst[1] > 0.08 {
		t.Errorf("S1 at j1 = 1: %.3g from the full-resolution formula, want the doc's few per cent (4.0 %% on this map)", worst[1])
	}
	if worst[2] < 0.03 || worst[2] > 0.15 {
		t.Errorf("S1 at j1 = 2: %.3g from the full-resolution formula, want the doc's few per cent (7.1 %% on this map)", worst[2])
	}
}
