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
//     engines can key device copies by pointer (Cropped and Subset too, per
//     live source bank; Truncated is the exception: a new bank each call).
//     Banks must be treated as read-only.
//   - Banks are dense (FilterBank.Data) except those of Truncated,
//     MorletChengBandTruncated and the first result of MorletChengBandSplit,
//     which are sparse (FilterBank.Runs: the values above a threshold on runs
//     of columns, 0 elsewhere), and Subset of a sparse bank (sparse too;
//     Cropped of any bank is dense); Filter, FilterInto and All read either
//     form.
//   - Orientation conventions differ between the peer libraries and are kept as
//     they are (so that parity holds): the Morlet angle is measured from the ROW
//     axis (wave vector ξ(cos θ, sin θ) in (row, column) coordinates), the
//     bump-steerable angle from the COLUMN axis (arg k = atan2(k_row, k_col)).
//     Each constructor documents its own.
//
// Invalid arguments (non-positive sizes, J or L, banks of more than
// MaxBankValues values) are programming errors and make the constructors
// panic with a message naming them, before anything is cached; the operators
// (stlayer/wst, stlayer/wph, stlayer/scov) validate their configuration first
// and return errors instead (CheckBank).
package filters

import (
	"fmt"
	"runtime"
	"sync"
	"weak"

	"github.com/stkit-org/stkit/stlayer"
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

// derivedKey identifies a bank derived from another one (Cropped, Subset)
// by the source bank's identity and the derivation. The source is held by a
// weak pointer: a key never matches a bank allocated later at the address of
// a collected one (keying by the address, as before, handed a new bank the
// crop of an old one), and it does not keep the source alive.
type derivedKey struct {
	src weak.Pointer[stlayer.FilterBank]
	op  string
}

var derivedCache = map[derivedKey]*cacheEntry{}

// cachedFrom is cached for a bank derived from f by op: built once per live
// f, the entry dropped when f is collected.
func cachedFrom(f *stlayer.FilterBank, op string, build func() *stlayer.FilterBank) *stlayer.FilterBank {
	k := derivedKey{weak.Make(f), op}
	cacheMu.Lock()
	e, ok := derivedCache[k]
	if !ok {
		e = &cacheEntry{}
		derivedCache[k] = e
		runtime.AddCleanup(f, func(k derivedKey) {
			cacheMu.Lock()
			delete(derivedCache, k)
			cacheMu.Unlock()
		}, k)
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

// MaxBankValues is the largest number of float64 values (K·M·N, 16 GiB) a
// constructor builds: a larger bank is refused rather than attempted (the
// allocation would fail or exhaust the machine's memory).
const MaxBankValues = 1 << 31

// CheckBank returns an *stlayer.ErrShape error (matching stlayer.ErrSize)
// unless a bank of K filters of M×N values is buildable: K, M, N ≥ 1 and
// K·M·N ≤ MaxBankValues.
func CheckBank(K, M, N int) error {
	if K < 1 || M < 1 || N < 1 {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("filters: invalid bank of %d filters of %dx%d", K, M, N), Kind: stlayer.ErrSize}
	}
	if K > MaxBankValues/M/N {
		return &stlayer.ErrShape{Msg: fmt.Sprintf("filters: a bank of %d filters of %dx%d needs %.3g GiB (at most %d values, %d GiB)",
			K, M, N, float64(K)*float64(M)*float64(N)*8/(1<<30), MaxBankValues, MaxBankValues*8>>30), Kind: stlayer.ErrSize}
	}
	return nil
}

func checkBank(who string, K, M, N int) {
	if err := CheckBank(K, M, N); err != nil {
		panic(fmt.Sprintf("filters.%s: %v", who, err))
	}
}

// MaxJ is the largest scale index a constructor accepts: 2^MaxJ pixels is
// beyond any map, and larger J overflow the dyadic factors 2^j.
const MaxJ = 30

// MinGaussianJ is the smallest scale GaussianPyWPH accepts: σ = σ0·2^−8 is
// already far below a pixel (the filter is flat), and much smaller σ
// underflows to a NaN filter.
const MinGaussianJ = -8

// checkScales panics unless J ≤ MaxJ and L ≤ MaxBankValues (so that J·L
// cannot overflow).
func checkScales(who string, J, L int) {
	if J > MaxJ || L > MaxBankValues {
		panic(fmt.Sprintf("filters.%s: J=%d L=%d too large (J ≤ %d)", who, J, L, MaxJ))
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
