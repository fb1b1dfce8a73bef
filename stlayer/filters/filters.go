// Package filters builds the Fourier-space filter banks used by the statistics:
// Morlet wavelets (Cheng's `scattering` package and Kymatio conventions),
// PyWPH's bump-steerable wavelets and Gaussian low-pass filters, and cropped
// (low-frequency) versions of any bank.
//
// Conventions common to every bank (see stlayer.FilterBank):
//
//   - Maps are M×N: M rows, N columns. A filter is stored as an M×N real array
//     in numpy's fftfreq order on both axes: row index a stands for the angular
//     frequency k_row = 2π·f(a)/M and column index b for k_col = 2π·f(b)/N, with
//     f(a) = a for a < ⌈M/2⌉ and a − M otherwise (radians per pixel).
//   - Filters are real in Fourier space. The Morlet filters are the real part of
//     the DFT of a complex real-space wavelet (the imaginary part is zero up to
//     round-off); the bump-steerable wavelets and the Gaussians are built real.
//   - Banks are built once on the host in float64 and cached: calling a
//     constructor twice with the same arguments returns the same pointer, so
//     engines can key device copies by pointer. Banks must be treated as
//     read-only.
//   - Orientation conventions differ between the peer libraries and are kept as
//     they are (so that parity holds): the Morlet angle is measured from the ROW
//     axis (wave vector ξ(cos θ, sin θ) in (row, column) coordinates), the
//     bump-steerable angle from the COLUMN axis (arg k = atan2(k_row, k_col)).
//     Each constructor documents its own.
//
// Invalid arguments (non-positive sizes, J or L) are programming errors and
// make the constructors panic.
package filters

import (
	"fmt"
	"runtime"
	"sync"

	"github.com/stkit-org/stkit/stlayer"
	"gonum.org/v1/gonum/dsp/fourier"
)

// cacheEntry builds its bank at most once.
type cacheEntry struct {
	once sync.Once
	fb   *stlayer.FilterBank
}

var (
	cacheMu sync.Mutex
	cache   = map[string]*cacheEntry{}
)

// cached returns the bank stored under key, building it with build on first
// use. Builds of different keys run concurrently; concurrent calls with the
// same key wait for the single build.
func cached(key string, build func() *stlayer.FilterBank) *stlayer.FilterBank {
	cacheMu.Lock()
	e, ok := cache[key]
	if !ok {
		e = &cacheEntry{}
		cache[key] = e
	}
	cacheMu.Unlock()
	e.once.Do(func() { e.fb = build() })
	return e.fb
}

func checkSize(who string, M, N int) {
	if M < 1 || N < 1 {
		panic(fmt.Sprintf("filters.%s: invalid map size %dx%d", who, M, N))
	}
}

func checkJL(who string, J, L int) {
	if J < 1 || L < 1 {
		panic(fmt.Sprintf("filters.%s: invalid J=%d L=%d (both must be >= 1)", who, J, L))
	}
}

// fftFreq returns the signed frequency index of position a on an axis of length
// n in numpy's fftfreq order: a for a < ⌈n/2⌉, a − n otherwise.
func fftFreq(a, n int) int {
	if a < (n+1)/2 {
		return a
	}
	return a - n
}

// mod returns a mod n in [0, n).
func mod(a, n int) int {
	r := a % n
	if r < 0 {
		r += n
	}
	return r
}

// fft2 replaces a (M×N, row-major) by its unnormalised forward 2D DFT
// X[k1,k2] = Σ x[n1,n2] exp(−2πi(k1n1/M + k2n2/N)).
func fft2(a []complex128, M, N int) {
	row := fourier.NewCmplxFFT(N)
	for r := 0; r < M; r++ {
		s := a[r*N : (r+1)*N]
		row.Coefficients(s, s)
	}
	col := fourier.NewCmplxFFT(M)
	buf := make([]complex128, M)
	for c := 0; c < N; c++ {
		for r := 0; r < M; r++ {
			buf[r] = a[r*N+c]
		}
		col.Coefficients(buf, buf)
		for r := 0; r < M; r++ {
			a[r*N+c] = buf[r]
		}
	}
}

// parallelFor runs f(i) for i in [0, n) on up to GOMAXPROCS goroutines.
func parallelFor(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// newBank allocates a bank of K zero filters.
func newBank(K, M, N int, name string) *stlayer.FilterBank {
	return &stlayer.FilterBank{K: K, H: M, W: N, Data: make([]float64, K*M*N), Name: name}
}
