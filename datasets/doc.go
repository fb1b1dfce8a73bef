// Package datasets reads and writes maps (.npy, .npz, FITS), checks them
// before they reach an operator, and makes synthetic fields (Gaussian random
// fields, log-normal fields, white noise, filamentary fields, phase-randomised
// surrogates of a reference map).
//
// # Front door
//
// [Read] dispatches on the file extension: ".npy"; ".npz" (the first member in
// archive order, with a notice through [SetNotify] when there are several, or
// a named member with "file.npz:name"); ".fits", ".fit",
// ".fts" (optionally gzip-compressed, e.g. ".fits.gz"). [ReadMaps] turns the
// result into a host batch [stlayer.Maps] [B, M, N] of float64: a 2-D array
// (M, N) gives B = 1, a 3-D array (B, M, N) a batch; complex input is refused
// unless the caller picks a part with [ReadMapsPart]. [WriteNPY], [WriteNPZ],
// [WriteFITS] and [WriteMaps] write atomically: a temporary file in the target
// directory, synced, then renamed over the target, so a reader never sees a
// half-written file and a failed write keeps the old one (a symbolic link is
// followed; a device or named pipe, which a rename would replace, is written
// in place). [ValidateMapsFor] refuses maps a statistic cannot use
// (non-finite pixels, 1-D maps, sides below 2^(J+1), odd sides for the
// global wst, scov and spectra; [ValidateMaps] asks for sides divisible by
// 2^J besides, stricter than any statistic needs)
// and maps holding HEALPix's UNSEEN value −1.6375e30, which marks missing
// pixels ([CheckUnseen]; [CutPatches] with SkipNaN leaves out the patches
// holding it). The readers do not check values.
//
// # Arrays
//
// An [Array] is always held in C (row-major) order, whatever the order on disk:
// element (i0, i1, …, ik) sits at ((i0·d1 + i1)·d2 + …)·dk + ik. Real dtypes
// (bool, int8…int64, uint8…uint64, float32, float64) are held as float64 in
// [Array.Float64]; complex dtypes (complex64, complex128) as complex128 in
// [Array.Complex128]. Integers beyond ±2^53 lose precision in float64.
//
// DType "str" ([StringDType]) is a string array, numpy's fixed-width
// unicode dtype '<U{w}' (w characters of UTF-32, NUL-padded): its elements
// are in [Array.Strings], valid UTF-8 without trailing NULs, and Float64 and
// Complex128 are nil. [Read], [ReadNPY], [ReadNPZ] and [ReadNPZMember]
// return one for a '<U' or '>U' .npy file or .npz member (e.g. the names
// beside the maps of an archive); [WriteNPY] and [WriteNPZ] write it as
// '<U{w}', w the longest element in characters (at least 1), as numpy.save
// does. Byte strings ('|S') and object arrays ('|O') are refused (convert
// with x.astype(str)), as are elements numpy cannot hold (a surrogate or a
// code point beyond U+10FFFF read; invalid UTF-8 or a trailing NUL
// written). String arrays are never numbers: [ReadMaps] refuses a '<U'
// .npy or member (given an archive alone it reads the first member that
// does not hold strings), [ArrayToMaps] and [WriteFITS] refuse a string
// array, and [LoadFeatures] a dataset's features.npy or patches.npy holding
// strings. A program reading Float64 from an array read from a file
// should check [Array.IsString] (and [Array.IsComplex]) first.
//
// # Why our own .npy reader
//
// The module already depends on codeberg.org/sbinet/npyio, but this package
// parses .npy itself (a few hundred lines with the encoder): the format is small (magic, version,
// a Python-literal header dict, raw data), and owning the parser gives
// (1) precise errors naming the file and the defect ("I_1.npy: npy: truncated
// data: header declares shape (512, 512) of float32 (1048576 bytes) but only
// 1000 bytes follow the header"), (2) no panics on malformed
// input and no reflection, so the reader can be fuzzed (go test -fuzz FuzzDecodeNPY),
// (3) uniform handling of what we need and npyio treats unevenly: Fortran
// order, big-endian data, complex types, 0-d arrays, header versions 1.0, 2.0
// and 3.0. npyio is used in the tests as an independent cross-check.
//
// # FITS conventions
//
// Only images are read: the primary HDU, or — when the primary HDU has no data
// (NAXIS = 0) — the first IMAGE extension, with a notice naming the others
// when the file holds several. A path may select another, and a part of it,
// with cfitsio's extended file-name syntax (see [Read]): "x.fits[2]" (HDU
// 2, 0 the primary), "x.fits[SCI]" (EXTNAME), "cube.fits[*,*,K]" (plane K),
// "x.fits[SCI][1:480,1:480]" (columns and rows 1 to 480, NAXIS1 first,
// counted from 1); the header read then places the section (NAXISn, CRPIXn
// shifted). A file without an image is
// refused with a *[FormatError] ("no image") naming the extensions it
// holds; when one is a HEALPix map (a BINTABLE with PIXTYPE = 'HEALPIX', as
// Planck's maps), the FormatError's Err is a *[HEALPixError] with its NSIDE
// and ORDERING, whose message says to project a patch first. So it is for a
// HEALPix map stored as a 1-D image, for HEALPix keywords (PIXTYPE, NSIDE,
// ORDERING) found in the primary header rather than the table's, and for a
// HEALPix file whose data are truncated. BITPIX 8 (unsigned), 16, 32, 64,
// −32 and −64 are supported; data are big-endian; physical values are
// BZERO + BSCALE·stored, and integer pixels equal to BLANK become NaN. The axes
// are reversed into C order as numpy/astropy do: a FITS image with NAXIS1
// columns and NAXIS2 rows becomes an Array of shape (NAXIS2, NAXIS1), and a
// cube of shape (NAXIS3, NAXIS2, NAXIS1); NAXIS1 is the fastest axis. Row
// order is kept as stored: row 0 is the first row in the file (the bottom row
// in ds9's display), so the array equals astropy's fits.getdata and a .npy
// written from it. The writer emits BITPIX −32 (Array.DType "float32"; a
// finite value beyond float32's range is refused, see Array) or −64
// (any other real dtype) with a minimal header (SIMPLE, BITPIX, NAXIS,
// NAXISn, then optional user cards, END), 80-character cards in 2880-byte
// blocks, header padded with spaces and data with zeros. The user cards of a
// file read ([FITSUserCards]) are written back byte for byte; those that
// break the FITS standard (a keyword other than 1–8 characters of A–Z, 0–9,
// '-' and '_', e.g. lower-case; a value such as NaN) are left out, and
// [SplitFITSUserCards] says which and why ([ReadMapsHeader] gives a notice).
// HIERARCH cards are commentary cards and kept as they are. A card whose
// value or comment holds bytes beyond ASCII (forbidden by the standard, e.g.
// a name in UTF-8) is read with each such byte replaced by '?', as astropy
// does, with a notice through [SetNotify]; a keyword must be ASCII.
//
// # Synthetic fields
//
// Every generator returns one m×n map (m rows, n columns; each from 2 to
// 32768, else an error), row-major (pixel
// (i, j) at i*n + j), periodic, and is deterministic: the same arguments give
// the same bits. Random numbers come from math/rand/v2's PCG seeded with
// (seed, a fixed stream constant); Gaussian draws use Rand.NormFloat64.
// Generators other than Filamentary (which draws its filaments from that
// stream) share their white noise for a given seed: GaussianRandomField
// with seed s is WhiteNoise(m, n, s) filtered, so fields of different slopes
// with one seed have the same phases, and the GRFMatching surrogates take
// theirs from WhiteNoise(m, n, s) too. Frequencies are in cycles per pixel
// (numpy's fftfreq): ky = fy/m with fy ∈ {0, 1, …, ⌈m/2⌉−1, −⌊m/2⌋, …, −1},
// likewise kx = fx/n, and |k| = sqrt(kx² + ky²). DFTs use gonum's dsp/fourier
// (unnormalised forward X_k = Σ_r x_r e^{−2πi k·r}). Use StackMaps to make a
// batch.
//
// # Errors
//
// Malformed files yield a [*FormatError] naming the file (and the npz member)
// and the defect, never a panic; invalid maps yield a [*ValidationError].
// Both mean "bad input" (exit code 2 for the command line).
package datasets
