package datasets

// FFT2 is the 2D DFT of row-major m×n complex data that this package's
// random fields use (gonum's 1D transforms over the rows, then the
// columns), exported so that other packages (the CLI's joint phase
// surrogates) need no copy of it. It holds work space: one FFT2 serves one
// goroutine.
type FFT2 struct{ f *fft2 }

// NewFFT2 returns the transform of m×n data (m rows of n values).
func NewFFT2(m, n int) *FFT2 { return &FFT2{f: newFFT2(m, n)} }

// Size returns the m×n the transform was made for.
func (f *FFT2) Size() (m, n int) { return f.f.m, f.f.n }

// Forward computes X_k = Σ_r x_r e^{−2πi(k1 r1/m + k2 r2/n)} in place
// (unnormalised); z holds m·n values.
func (f *FFT2) Forward(z []complex128) { f.f.forward(z) }

// Inverse computes x_r = (1/(mn)) Σ_k X_k e^{+2πi(k1 r1/m + k2 r2/n)} in
// place, so that Inverse undoes Forward.
func (f *FFT2) Inverse(z []complex128) { f.f.inverse(z) }
