package cpu

// Real-input transforms. Two real planes a, b are transformed with one complex
// FFT of z = a + i·b: with Z = DFT(z) and k̄ = −k (mod H, W),
// A(k) = (Z(k) + conj Z(k̄))/2 and B(k) = −i·(Z(k) − conj Z(k̄))/2.
// Conversely, for the adjoint of FFT2 on a real input only Re of the result
// is needed, and Re IDFT(g) = IDFT(ℋg) with the Hermitian part
// ℋg(k) = (g(k) + conj g(k̄))/2, so IDFT(ℋg_a + i·ℋg_b) = Re IDFT(g_a) + i·Re IDFT(g_b).

// negIndex returns k̄ = (n − k) mod n for k in [0, n).
func negIndex(k, n int) int {
	if k == 0 {
		return 0
	}
	return n - k
}

// fft2Real writes to dst the unnormalised forward DFT of P real H×W planes,
// two planes per complex transform. pack(p, i, row, im) writes row i of plane
// p into the real (im = false) or imaginary (im = true) parts of row, leaving
// the other parts alone; rows are packed inside the FFT's first pass.
func (e *Engine) fft2Real(dst []complex128, pack func(p, i int, row []complex128, im bool), P, H, W int) {
	n := H * W
	np := (P + 1) / 2
	z := e.get(np * n)
	defer e.put(z)
	fill := func(q, i int, row []complex128) {
		pack(2*q, i, row, false)
		if 2*q+1 < P {
			pack(2*q+1, i, row, true)
		} else {
			for k, v := range row {
				row[k] = complex(real(v), 0)
			}
		}
	}
	if W == 1 {
		// No row pass to form the rows in: pack them first.
		for q := 0; q < np; q++ {
			for i := 0; i < H; i++ {
				fill(q, i, z[q*n+i*W:q*n+(i+1)*W])
			}
		}
		fill = nil
	}
	e.fft2Sel(z, np, H, W, false, 1, nil, fill)
	e.parFor(np*H, 4*W, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			q, i := t/H, t%H
			zp := z[q*n : (q+1)*n]
			row, nrow := zp[i*W:(i+1)*W], zp[negIndex(i, H)*W:(negIndex(i, H)+1)*W]
			da := dst[2*q*n+i*W : 2*q*n+(i+1)*W]
			if 2*q+1 >= P {
				for k, v := range row {
					u := nrow[negIndex(k, W)]
					da[k] = complex(0.5*(real(v)+real(u)), 0.5*(imag(v)-imag(u)))
				}
				continue
			}
			db := dst[(2*q+1)*n+i*W : (2*q+1)*n+(i+1)*W]
			for k, v := range row {
				u := nrow[negIndex(k, W)]
				// A = (v + conj u)/2, B = −i(v − conj u)/2.
				da[k] = complex(0.5*(real(v)+real(u)), 0.5*(imag(v)-imag(u)))
				db[k] = complex(0.5*(imag(v)+imag(u)), -0.5*(real(v)-real(u)))
			}
		}
	})
}

// addRealIDFT adds to gx (P planes) s·Re IDFT_unnormalised(g) per plane, i.e.
// s·HW·Re IFFT2(g), two planes per complex transform; Im gx is left unchanged.
// With set, gx's contents are undefined and it is assigned instead (Im 0).
func (e *Engine) addRealIDFT(gx, g []complex128, P, H, W int, s float64, set bool) {
	n := H * W
	np := (P + 1) / 2
	z := e.get(np * n)
	defer e.put(z)
	// z = s·HW·(ℋg_a + i·ℋg_b); the inverse fft2 divides by HW.
	c := 0.5 * s * float64(n)
	e.parFor(np*H, 4*W, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			q, i := t/H, t%H
			ni := negIndex(i, H)
			zr := z[q*n+i*W : q*n+(i+1)*W]
			a, na := g[2*q*n+i*W:2*q*n+(i+1)*W], g[2*q*n+ni*W:2*q*n+(ni+1)*W]
			if 2*q+1 >= P {
				for k := range zr {
					u, v := a[k], na[negIndex(k, W)]
					zr[k] = complex(c*(real(u)+real(v)), c*(imag(u)-imag(v)))
				}
				continue
			}
			b, nb := g[(2*q+1)*n+i*W:(2*q+1)*n+(i+1)*W], g[(2*q+1)*n+ni*W:(2*q+1)*n+(ni+1)*W]
			for k := range zr {
				nk := negIndex(k, W)
				u, v := a[k], na[nk]
				hr, hi := real(u)+real(v), imag(u)-imag(v) // 2ℋg_a
				u, v = b[k], nb[nk]
				kr, ki := real(u)+real(v), imag(u)-imag(v) // 2ℋg_b
				// ℋg_a + i ℋg_b
				zr[k] = complex(c*(hr-ki), c*(hi+kr))
			}
		}
	})
	e.fft2(z, np, H, W, true)
	e.parFor(np*H, 2*W, func(lo, hi int) {
		for t := lo; t < hi; t++ {
			q, i := t/H, t%H
			zr := z[q*n+i*W : q*n+(i+1)*W]
			da := gx[2*q*n+i*W : 2*q*n+(i+1)*W]
			var db []complex128
			if 2*q+1 < P {
				db = gx[(2*q+1)*n+i*W : (2*q+1)*n+(i+1)*W]
			}
			if set {
				for k, v := range zr {
					da[k] = complex(real(v), 0)
				}
				for k, v := range zr[:len(db)] {
					db[k] = complex(imag(v), 0)
				}
				continue
			}
			for k, v := range zr {
				da[k] += complex(real(v), 0)
			}
			for k, v := range zr[:len(db)] {
				db[k] += complex(imag(v), 0)
			}
		}
	})
}
