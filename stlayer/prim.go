package stlayer

// This file defines the narrow primitive layer that every statistic is written
// against, and that every engine (GoMLX graph, plain-Go CPU tape) implements.
//
// Conventions fixed here (all engines must follow them):
//
//   - A Field is a complex-valued tensor of shape [B, C, H, W]: B maps, C channels,
//     H rows, W columns. Real data is complex data with zero imaginary part.
//     Coefficient blocks are Fields with H = W = 1.
//   - Channel-major flattening: element (b, c, h, w) sits at ((b*C+c)*H+h)*W+w.
//   - FFT2 is the unnormalised forward DFT over (H, W):
//     X[k1,k2] = Σ_{n1,n2} x[n1,n2] exp(−2πi(k1 n1/H + k2 n2/W)), frequencies in
//     numpy's fftfreq order: row index a holds frequency a for a < ⌈H/2⌉ and
//     a − H otherwise, i.e. (0, 1, …, H/2−1, −H/2, …, −1) for even H and
//     (0, 1, …, (H−1)/2, −(H−1)/2, …, −1) for odd H; columns likewise with W.
//     IFFT2 is its inverse, with the 1/(HW) factor (numpy's ifft2).
//   - Filter banks are real in Fourier space (Morlet after taking the real part of
//     its DFT, bump-steerable, Gaussian), stored in fftfreq order.
//   - Gradients: for a real loss ℒ of complex outputs z, the upstream gradient of z
//     is g = ∂ℒ/∂Re z + i ∂ℒ/∂Im z. Engines return ∂ℒ/∂x for the real input maps.

// Field is an engine-owned handle to a complex tensor [B, C, H, W].
type Field interface {
	// Dims returns (B, C, H, W).
	Dims() (b, c, h, w int)
}

// FilterBank is a set of K real Fourier-space filters of size H×W in fftfreq order.
// It is built once on the host; engines may cache device copies keyed by the pointer.
//
// A bank is dense (Data holds every value, Runs is nil) or sparse (Data is
// nil, Runs holds the values on runs of columns and every other value is 0;
// see FilterRun, sparsebank.go). Code that reads values should use Filter,
// FilterInto, All or Runs of a sparse bank rather than Data, which is nil
// for a sparse bank; Valid checks either form.
type FilterBank struct {
	K, H, W int
	// Data holds K*H*W float64 values, filter-major: Data[(k*H+h)*W+w]
	// (dense banks; nil for a sparse bank).
	Data []float64
	// Name is a human-readable identifier (e.g. "morlet-cheng J6 L4 256x256"),
	// also used by engines as a cache key together with the pointer.
	Name string
	// Runs (sparse banks only, len K): Runs[k] lists filter k's stored values
	// as runs along a row, ordered by row then column, not overlapping; the
	// filter is 0 off its runs.
	Runs [][]FilterRun
}

// Filter returns the k-th filter as a slice of length H*W: of a dense bank
// with no copy (Data's slice), of a sparse bank a freshly allocated dense
// copy (writing to it does not change the bank).
func (f *FilterBank) Filter(k int) []float64 {
	if f.Runs != nil {
		d := make([]float64, f.H*f.W)
		f.FilterInto(k, d)
		return d
	}
	return f.Data[k*f.H*f.W : (k+1)*f.H*f.W]
}

// Stacker is implemented by primitive layers that prefer a few large
// operations to many small ones: the GoMLX graph engine, whose XLA
// compilation time grows with the number of operations in the program.
// Statistics may then stack independent products along channels (same
// values; see Stacks). The CPU engine prefers the small ones: its lazy
// products and fused reductions do not survive a concatenation (stacking
// scov's C11 products cost it 50–60 % more time and 2.6× the memory).
type Stacker interface {
	PrefersStacking() bool
}

// Stacks reports whether p prefers stacked operations (see Stacker).
func Stacks(p Prim) bool {
	s, ok := p.(Stacker)
	return ok && s.PrefersStacking()
}

// Prim is the primitive layer. A statistic is a function of a Prim and the input
// Field; a graph engine builds a graph when it runs, a CPU engine computes values
// eagerly and records a tape for the backward pass. All primitives are
// differentiable (the CPU engine carries a hand-written adjoint for each).
//
// Shape rules: binary operations broadcast a size-1 B or C axis and, for
// H = W = 1 operands, broadcast over space (so a per-channel mean can be
// subtracted from a field).
type Prim interface {
	// FFT2 is the forward 2D DFT over the last two axes (see conventions above).
	FFT2(x Field) Field
	// IFFT2 is the inverse 2D DFT over the last two axes, with the 1/(HW) factor.
	IFFT2(x Field) Field

	// MulFilters multiplies the spectrum x [B, C, H, W] by each filter of the
	// bank f (f.H = H, f.W = W) and returns [B, C*K, H, W] with channel index
	// c*K + k.
	MulFilters(x Field, f *FilterBank) Field
	// MulFilter multiplies each channel c of x [B, C, H, W] by the filter
	// f.Filter(idx[c]) (len(idx) = C); returns [B, C, H, W].
	MulFilter(x Field, f *FilterBank, idx []int) Field

	// Periodise folds a spectrum [B, C, H, W] onto [B, C, h, w] (h | H, w | W) by
	// summing the H/h × W/w aliases and multiplying by hw/(HW). Followed by
	// IFFT2 this is exact subsampling by (H/h, W/w) in real space.
	Periodise(x Field, h, w int) Field
	// CropFreq keeps the h×w lowest frequencies of a spectrum [B, C, H, W]
	// (1 ≤ h ≤ H, 1 ≤ w ≤ W; in fftfreq order, i.e. the row frequencies
	// −h/2 … h/2−1 for even h, −(h−1)/2 … (h−1)/2 for odd h, and likewise
	// for columns) and multiplies by hw/(HW), so that IFFT2 of the result
	// samples the band-limited field on the coarse grid (Cheng's
	// cut_high_k_off). The Nyquist row/column of the cropped spectrum (−h/2,
	// even h) is taken from the −h/2 frequency.
	CropFreq(x Field, h, w int) Field
	// PadFreq is the adjoint-like inverse of CropFreq: it embeds a spectrum
	// [B,C,h,w] into [B,C,H,W] (H ≥ h, W ≥ w) at CropFreq's frequencies, with
	// zeros at the other frequencies, multiplied by HW/(hw), so that
	// PadFreq(CropFreq(X, h, w), H, W) is X with the other frequencies zeroed.
	PadFreq(x Field, H, W int) Field

	// Modulus returns |z| (real). Its gradient at z = 0 is defined as 0.
	Modulus(x Field) Field
	// PhaseHarmonic returns [z]^p = |z| exp(i p arg z) for integer p
	// ([z]^0 = |z|, [z]^1 = z, [z]^−1 = conj z). Gradient at z = 0: 0 for
	// p = 0 and |p| ≥ 2; for p = ±1 that of z and conj z (an incoming
	// gradient g passes as g and conj g), on both engines.
	PhaseHarmonic(x Field, p int) Field
	// Conj returns the complex conjugate.
	Conj(x Field) Field
	// Real returns Re z (as a complex field with zero imaginary part).
	Real(x Field) Field

	// Mul returns a·b elementwise (with broadcasting).
	Mul(a, b Field) Field
	// MulConj returns a·conj(b) elementwise (with broadcasting).
	MulConj(a, b Field) Field
	// Add returns a+b, Sub returns a−b (with broadcasting).
	Add(a, b Field) Field
	Sub(a, b Field) Field
	// Scale multiplies by a complex constant.
	Scale(x Field, s complex128) Field
	// MulConst multiplies each channel's H×W plane by a constant real map
	// (len(m) = H*W), e.g. a pixel mask or apodisation weights.
	MulConst(x Field, m []float64) Field
	// Pow returns |z|^q for a finite real q > 0 (real result). Gradient at 0
	// is 0. The engines refuse q ≤ 0, NaN and ±Inf with an *ErrShape.
	Pow(x Field, q float64) Field
	// Log returns the natural log of Re z (real result). Used on positive
	// quantities (power spectra); the caller guarantees positivity.
	Log(x Field) Field
	// Div returns a/b elementwise (complex, with broadcasting).
	Div(a, b Field) Field
	// Sqrt returns sqrt(Re z) (real result) for non-negative real inputs.
	// Gradient Re(g)/(2·sqrt(Re z)), 0 where Re z = 0.
	Sqrt(x Field) Field

	// Mean returns the spatial mean over (H, W): [B, C, 1, 1].
	Mean(x Field) Field
	// WeightedMean returns Σ_hw m[hw]·x[b,c,h,w] : [B, C, 1, 1] (len(m) = H*W).
	WeightedMean(x Field, m []float64) Field
	// WeightedMeans is WeightedMean with K weight maps in one pass over x:
	// out[b, c*K+k] = Σ_hw m[k][hw]·x[b,c,h,w] : [B, C*K, 1, 1]
	// (len(m[k]) = H*W). Engines may read the weights again in the backward
	// pass: they must not change until the Forward/LossGrad call returns.
	WeightedMeans(x Field, m [][]float64) Field
	// Shifts gathers the values at the given spatial positions (row, col), taken
	// modulo (H, W): [B, C*T, 1, 1] with channel index c*T + t.
	Shifts(x Field, pos [][2]int) Field
	// Crop keeps the spatial window rows [r0, r0+h), cols [c0, c0+w).
	Crop(x Field, r0, c0, h, w int) Field
	// PadReflect pads spatially by (top, bottom, left, right) with numpy's
	// "reflect" mode (the edge pixel is not repeated). Any padding ≥ 0 is
	// allowed: padding as wide as the map or wider goes on reflecting, so
	// along an axis of n > 1 pixels the output is periodic with period
	// 2(n−1) (np.pad([1,2,3], 5, mode='reflect') =
	// [2,1,2,3,2,1,2,3,2,1,2,3,2]), as np.pad gives since the fix of
	// numpy#25926 (2024; older numpy could differ when the two sides of an
	// axis had unequal paddings wider than the map); an axis of one pixel is
	// padded with that pixel's value, as np.pad does.
	PadReflect(x Field, top, bottom, left, right int) Field
	// Subsample keeps every s-th pixel in real space (s ≥ 1), starting at 0
	// on both axes: out[b, c, i, j] = x[b, c, s·i, s·j], [B, C, ⌈H/s⌉, ⌈W/s⌉]
	// (numpy's x[..., ::s, ::s]).
	Subsample(x Field, s int) Field

	// Channels gathers channels: out[:, i] = x[:, idx[i]].
	Channels(x Field, idx []int) Field
	// Concat concatenates along the channel axis (all B, H, W equal).
	Concat(xs ...Field) Field
	// Linear applies a fixed complex matrix along channels, pixel by pixel:
	// out[b, i, h, w] = Σ_j A[i*Cin+j] · x[b, j, h, w]; A has rows·Cin entries
	// (row-major [rows, Cin]). Any H, W; normally H = W = 1, for host
	// reductions of coefficient blocks (isotropic averages, angular FFT,
	// scale DCT).
	Linear(x Field, A []complex128, rows int) Field
	// Reshape reinterprets [B, C, H, W] as [B, C', H', W'] with the same
	// number of elements per map.
	Reshape(x Field, c, h, w int) Field
}

// Stat is a statistic written against the primitive layer: given the input maps
// x as a Field [B, 1, M, N] (real), it returns the coefficients as a Field
// [B, K, 1, 1] (global statistics) or [B, K, h, w] (local statistics).
type Stat func(p Prim, x Field) Field

// Gather is p.Channels(f, idx), or f itself when idx is the identity (every
// channel of f, in order): statistics call it to skip no-op gathers.
func Gather(p Prim, f Field, idx []int) Field {
	if _, c, _, _ := f.Dims(); c == len(idx) {
		id := true
		for i, v := range idx {
			if v != i {
				id = false
				break
			}
		}
		if id {
			return f
		}
	}
	return p.Channels(f, idx)
}
