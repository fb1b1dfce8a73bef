package filters

import (
	"fmt"
	"math"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// ChengMinHalfCrop is the lower bound on the half-size dx of Cheng's per-scale
// Fourier crop (the 8 in get_dxdy).
const ChengMinHalfCrop = 8

// Crops returns the per-scale Fourier crop sizes used by Cheng's `scattering`
// package (Scattering2d.get_dxdy + cut_high_k_off, frequency_factor = 1):
// element j (j = 0…J−1) is (h_j, w_j) with
//
//	dx_j = max(8, min(⌈M/2^j⌉, ⌊M/2⌋)),   h_j = min(M, 2·dx_j + M mod 2),
//	dy_j = max(8, min(⌈N/2^j⌉, ⌊N/2⌋)),   w_j = min(N, 2·dy_j + N mod 2).
//
// cut_high_k_off keeps the spectrum rows 0…dx−1 (0…dx for odd M) and the last
// dx rows, i.e. the frequencies −dx … dx−1 (−dx … dx for odd M), and likewise
// for columns: exactly the low-frequency h×w block that Cropped and
// Prim.CropFreq keep. Computations at scale j then run on h_j×w_j arrays: with
// Prim.CropFreq's h·w/(M·N) factor, IFFT2 of the cropped product is the
// band-limited field sampled on the coarse grid, so its spatial means need no
// further factor (Cheng instead multiplies the means of his unscaled inverse
// FFTs by M1·N1/(M·N), which is equivalent). For 256×256:
// j = 0, 1 → 256 (no crop), 2 → 128, 3 → 64, 4 → 32, j ≥ 5 → 16.
// The min(M, ·) clamp only matters for maps smaller than 16 pixels, where
// Cheng's code would index out of range.
func Crops(M, N, J int) [][2]int {
	checkSize("Crops", M, N)
	if J < 0 || J > MaxJ {
		panic(fmt.Sprintf("filters.Crops: J=%d outside [0, %d]", J, MaxJ))
	}
	out := make([][2]int, J)
	for j := 0; j < J; j++ {
		out[j] = [2]int{chengCrop(M, j), chengCrop(N, j)}
	}
	return out
}

func chengCrop(M, j int) int {
	d := int(math.Ceil(float64(M) / math.Pow(2, float64(j))))
	if d > M/2 {
		d = M / 2
	}
	if d < ChengMinHalfCrop {
		d = ChengMinHalfCrop
	}
	h := 2*d + M%2
	if h > M {
		h = M
	}
	return h
}

// Cropped returns the bank of the low-frequency h×w blocks of the filters of
// f (1 ≤ h ≤ f.H, 1 ≤ w ≤ f.W), in fftfreq order: output row a holds input
// row fftFreq(a, h) mod f.H, i.e. the frequencies −h/2 … h/2−1 for even h
// (−(h−1)/2 … (h−1)/2 for odd h), and likewise for columns. Values are copied
// unscaled (a filter is a multiplier, not a spectrum); this matches
// Prim.CropFreq's choice of frequencies (including the −h/2 Nyquist row),
// Cheng's cut_high_k_off applied to a filter, and Kymatio's
// periodize_filter_fft (at res, h = M/2^res). The result is cached per
// (f, h, w) while f is alive (by f's identity, not its address: a bank
// allocated later where a collected one was gets its own crop); Cropped(f,
// f.H, f.W) returns f itself.
func Cropped(f *stlayer.FilterBank, h, w int) *stlayer.FilterBank {
	if f == nil {
		panic("filters.Cropped: nil bank")
	}
	if h < 1 || w < 1 || h > f.H || w > f.W {
		panic(fmt.Sprintf("filters.Cropped: crop %dx%d of a %dx%d bank", h, w, f.H, f.W))
	}
	if h == f.H && w == f.W {
		return f
	}
	return cachedFrom(f, fmt.Sprintf("crop %d %d", h, w), func() *stlayer.FilterBank {
		return cropBank(f, h, w, fmt.Sprintf("%s crop %dx%d", f.Name, h, w))
	})
}

// cropBank is Cropped's (uncached) copy of the h×w blocks of f's filters.
func cropBank(f *stlayer.FilterBank, h, w int, name string) *stlayer.FilterBank {
	out := newBank(f.K, h, w, name)
	rows := make([]int, h)
	for a := range rows {
		rows[a] = mod(fftFreq(a, h), f.H)
	}
	cols := make([]int, w)
	for b := range cols {
		cols[b] = mod(fftFreq(b, w), f.W)
	}
	for k := 0; k < f.K; k++ {
		src, dst := f.Filter(k), out.Filter(k)
		for a, r := range rows {
			for b, c := range cols {
				dst[a*w+b] = src[r*f.W+c]
			}
		}
	}
	return out
}

// Subset returns the bank made of the filters ks of f, in that order
// (out.Filter(i) = f.Filter(ks[i])), e.g. the L filters of one scale. Cached
// per (f, ks) while f is alive, as Cropped. A run of consecutive indices (k, k+1, …) shares f's Data
// (no copy: the L filters of one scale of a 1024² bank are 32 MB), and the
// subset of a sparse bank shares its runs, so the banks must be treated as
// read-only, as every FilterBank is.
func Subset(f *stlayer.FilterBank, ks []int) *stlayer.FilterBank {
	if f == nil {
		panic("filters.Subset: nil bank")
	}
	if len(ks) == 0 {
		panic("filters.Subset: empty index list")
	}
	parts := make([]string, len(ks))
	for i, k := range ks {
		if k < 0 || k >= f.K {
			panic(fmt.Sprintf("filters.Subset: index %d out of range [0,%d)", k, f.K))
		}
		parts[i] = fmt.Sprint(k)
	}
	list := strings.Join(parts, ",")
	return cachedFrom(f, "subset "+list, func() *stlayer.FilterBank {
		name := fmt.Sprintf("%s subset [%s]", f.Name, list)
		if f.Runs != nil {
			runs := make([][]stlayer.FilterRun, len(ks))
			for i, k := range ks {
				runs[i] = f.Runs[k]
			}
			return &stlayer.FilterBank{K: len(ks), H: f.H, W: f.W, Runs: runs, Name: name}
		}
		if consecutive(ks) {
			hw := f.H * f.W
			lo, hi := ks[0]*hw, (ks[len(ks)-1]+1)*hw
			return &stlayer.FilterBank{K: len(ks), H: f.H, W: f.W, Data: f.Data[lo:hi:hi], Name: name}
		}
		out := newBank(len(ks), f.H, f.W, name)
		for i, k := range ks {
			copy(out.Filter(i), f.Filter(k))
		}
		return out
	})
}

// consecutive reports whether ks is k, k+1, k+2, ….
func consecutive(ks []int) bool {
	for i := 1; i < len(ks); i++ {
		if ks[i] != ks[i-1]+1 {
			return false
		}
	}
	return true
}
