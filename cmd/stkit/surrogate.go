package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

func init() {
	register(&command{name: "surrogate", summary: "Gaussian surrogates of maps with the same power spectrum (null models)", run: runSurrogate})
}

func runSurrogate(g *globals, args []string) error {
	fs := newFlagSet(g, "surrogate", "MAPS… -o OUT", `Write Gaussian random fields with the power spectrum of each input map. MAPS
are files (a 2D map or a batch [B, M, N]) or directories of them; all maps
must have one size. OUT holds -n K surrogates per input map (default 1), in
input order, as one batch [B·K, M, N]: the K surrogates of input map b are
maps b·K to b·K + K − 1 (a single output map gives [M, N]); format from the
extension: .npy, .npz, .fits (with HISTORY cards saying what the maps are,
DATE and ORIGIN, and when every input is FITS the unit, BUNIT and BTYPE, and
the pixel scale, CDELT1/2 and CUNIT1/2, that they all share). Each output
is stored as float32 (FITS BITPIX −32) when every input file it holds is
float32, else as float64 (BITPIX −64). A name that does not say the format
(-o /dev/stdout, /dev/fd/N, a named pipe) needs --format npy, npz or fits
and is written through the descriptor, so that '-o /dev/stdout --format npy
>> log' appends; a --format the extension contradicts is refused.

  --kind phase  phase randomisation (datasets.GRFMatchingSpectrum): the DFT
                modulus of every map is kept exactly at every frequency, the
                phases are replaced by those of white noise; the k = 0 mode
                (mean) is kept. The one-point distribution tends to a Gaussian.
  --kind iso    a GRF with the isotropic (annulus-averaged) spectrum of the
                map (datasets.GRFMatchingIsotropicSpectrum).

Surrogate k (0 ≤ k < K) of input map b (b counted over all B input maps)
uses the seed --seed + k·B + b, so all surrogates are independent: -n 1
gives the seeds --seed + b, and the first surrogates of each map stay the
same when -n grows. Examples (the GRF twin of the Quijote maps, one batch
file that stkit patches reads as one source; 100 surrogates of one map, for
the spread of a statistic under the Gaussian null):

  stkit surrogate ../shared/data/quijote -o grf_quijote.npy
  stkit surrogate map.npy -n 100 -o null100.npy
These are the "same power spectrum, Gaussian" null models of a clustering or
separation test: only non-Gaussian statistics tell them from the originals.

Several channels of one sky (Stokes Q and U, or I, Q and U): --joint
  Without --joint every map gets its own phases, so two channels lose their
  cross spectrum (independent seeds: Q and U uncorrelated; the same seed:
  phase-locked, their correlation as large as their spectra allow). With
  --joint the maps of one field share ONE random phase field: the DFT of
  every channel is multiplied by e^{iφ(k)} (φ the phases of the DFT of white
  noise, φ(−k) = −φ(k) so the maps stay real, φ(0) = 0 so the means are
  kept), so every auto and cross spectrum (QQ, UU, QU; hence EE, BB, EB, and
  TE, TB with I) is kept exactly at every frequency, direction included.
  The channels: with several MAPS arguments, each argument is one channel
  (a file [B, M, N] or a folder read as one set), and map b of every
  argument forms field b (paired one by one, as stats --imag and --cross
  pair sets; all arguments must hold B maps); with one argument, all its
  maps are the channels of one field (e.g. a cube [3, M, N] of I, Q, U).
  Surrogate k of field g (of G) uses the seed --seed + k·G + g for all its
  channels; the fields are independent. Only --kind phase: --kind iso
  draws every map from its own ring-averaged spectrum with its own noise
  and keeps no cross spectrum (refused with --joint).

-o OUT1,OUT2,…  one output file per MAPS argument (with --joint and one
  argument: one per map, i.e. per channel), in input order; each holds the
  surrogates of its input as above ([B·K, M, N], map b·K + k). A single -o
  holds them all, in input order. The files are written all or nothing:
  each to a temporary file first, renamed into place only when all are
  complete. A stream among them (/dev/stdout, /dev/fd/N, a named pipe;
  one --format for all the outputs) cannot be taken back: it is written
  after the temporary files are complete and before the renames, so a
  failure leaves the files as they were, but what went into the stream
  stays there (a note on stderr says so).

  stkit surrogate Q.npy U.npy --joint -o Qs.npy,Us.npy
  stkit stats Qs.npy --imag Us.npy --kind wph -o null.json
  stkit surrogate IQU.npy --joint -n 20 -o I20.npy,Q20.npy,U20.npy
FITS outputs say in HISTORY which maps were drawn jointly and the seeds.`)
	out := fs.String("o", "", "output file (required); OUT1,OUT2,…: one per MAPS argument (see above); /dev/stdout (a descriptor, a named pipe) with --format")
	format := fs.String("format", "", "format of -o when its name does not say it (/dev/stdout, a pipe): npy, npz or fits (default: from the -o extension; one for all of OUT1,OUT2,…)")
	kind := fs.String("kind", "phase", "phase or iso")
	seed := fs.Uint64("seed", 1, "random seed of the first map")
	per := fs.Int("n", 1, "K: surrogates per input map, each with its own seed (see above); output [B·K, M, N]")
	joint := fs.Bool("joint", false, "one random phase field for all the channels of a field (map b of every MAPS argument; one argument: all its maps; see above): keeps every auto and cross spectrum (Q×U, I×Q, …); --kind phase only")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || *out == "" {
		fs.Usage()
		return badInputf("surrogate needs at least one MAP argument and -o OUT")
	}
	// -n 0 wrote nothing useful and -n -1 would size a negative batch
	if *per < 1 {
		return badInputf("-n %d: want at least 1 surrogate per input map", *per)
	}
	gen := datasets.GRFMatchingSpectrum
	switch *kind {
	case "phase":
	case "iso":
		gen = datasets.GRFMatchingIsotropicSpectrum
	default:
		return badInputf("unknown --kind %q (want phase or iso)", *kind)
	}
	if *joint && *kind != "phase" {
		return badInputf("--joint needs --kind phase: --kind %s draws every map from its own ring-averaged spectrum with its own white noise, so it keeps no cross spectrum between the channels", *kind)
	}
	// several outputs (-o A,B) or --joint: the inputs are read argument by
	// argument (surrJointFields, surrOutputs)
	split := len(splitList(*out)) > 1
	if split {
		for _, o := range splitList(*out) {
			if err := checkSynthOutput(o, *format); err != nil {
				return err
			}
			if err := checkOutputFile("-o "+o, o, inputFiles(pos...)...); err != nil {
				return err
			}
		}
	} else {
		if err := checkSynthOutput(*out, *format); err != nil {
			return err
		}
		if err := checkOutputFile("-o "+*out, *out, inputFiles(pos...)...); err != nil {
			return err
		}
	}
	for _, in := range pos {
		if _, err := statInput(in); err != nil { // "PATH: no such file or directory", the path once
			return err
		}
	}
	var srcs []datasets.Source
	var parts []surrPart
	var err2 error
	if split || *joint {
		srcs, parts, err2 = surrArgs(pos)
	} else {
		srcs, err2 = datasets.LoadSources(pos)
		err2 = asBadInput(err2)
	}
	if err2 != nil {
		return err2
	}
	m, n := srcs[0].Maps.M, srcs[0].Maps.N
	// Every DFT mode of a map of at most 2×2 pixels is its own conjugate
	// (k = 0 or Nyquist on each axis), so its phase is 0 or π: phase
	// randomisation could only flip the modes' signs.
	if *kind == "phase" && m <= 2 && n <= 2 {
		return badInputf("%s: maps of %d×%d pixels: every Fourier mode of a map this small is its own conjugate (k = 0 or Nyquist), so --kind phase has no phase to randomise (it could only flip the modes' signs); give maps of at least 3 pixels on a side, or --kind iso", srcs[0].Name, m, n)
	}
	for _, src := range srcs {
		if src.Maps.M != m || src.Maps.N != n {
			return badInputf("%s: maps of %d×%d, but %s has %d×%d (one size for all inputs)", src.Name, src.Maps.M, src.Maps.N, srcs[0].Name, m, n)
		}
		// UNSEEN first: validate would refuse them too, with the advice of
		// commands on whole maps
		if err := checkUnseen(src.Name, src.Maps, "A surrogate with their power spectrum would be meaningless: fill them first (e.g. by inpainting) or cut out a region without them"); err != nil {
			return err
		}
		if err := validate(src.Name, src.Maps, 0); err != nil {
			return err
		}
	}
	nIn := 0 // B, the input maps
	for _, src := range srcs {
		nIn += src.Maps.B
	}
	// A -n whose surrogates alone exceed the available memory (-n 10⁹)
	// could only end in an out-of-memory kill after generating for a
	// while; it is refused before any work, as is one whose map count or
	// pixel count overflows.
	total := float64(nIn) * float64(*per)
	pix := total * float64(m) * float64(n)
	if err := checkResultFits(fmt.Sprintf("-n %d (%d input maps × %d surrogates of %d×%d)", *per, nIn, *per, m, n), 8*pix); err != nil {
		return err
	}
	if total > math.MaxInt32 || pix > math.MaxInt/8 {
		return badInputf("-n %d: %.0f surrogates of %d×%d is more than one batch can hold (%.3g pixels); give a smaller -n", *per, total, m, n, pix)
	}
	if *joint {
		return surrStreamNote(g, *out, surrogateJoint(g, srcs, parts, *out, *format, *per, *seed))
	}
	if split {
		if _, err := surrOutputs(*out, parts, false); err != nil {
			return err
		}
	}
	// output map b·K + k, seed --seed + k·B + b (see the help)
	res := stlayer.NewMaps(nIn*(*per), m, n)
	b := 0
	for _, src := range srcs {
		for i := 0; i < src.Maps.B; i++ {
			for k := 0; k < *per; k++ {
				s, err := gen(src.Maps.Map(i), m, n, *seed+uint64(k*nIn+b))
				if err != nil {
					return badInputf("%s map %d: %v", src.Name, i, err)
				}
				copy(res.Map(b*(*per)+k), s)
			}
			b++
		}
	}
	names := make([]string, len(srcs))
	for i, s := range srcs {
		names[i] = filepath.Base(s.Name)
	}
	if n := len(names); n > 4 { // a folder of many files: a few names
		names = append(names[:2:2], "...", names[n-1], fmt.Sprintf("%d files", n))
	}
	what := map[string]string{"phase": "the DFT modulus (phases randomised)", "iso": "the isotropic power spectrum"}[*kind]
	text := fmt.Sprintf("stkit surrogate --kind %s: Gaussian random fields with %s of each input map, in input order (%s), seeds %d to %d. Not the sky of the inputs: their WCS is not kept.",
		*kind, what, strings.Join(names, ", "), *seed, *seed+uint64(res.B)-1)
	if *per > 1 {
		// FITS cards are ASCII: * for the products
		text = fmt.Sprintf("stkit surrogate --kind %s -n %d: %d Gaussian random fields with %s of each input map (%s), in input order (%s): map b*%d + k is surrogate k of input map b, with seed %d + k*%d + b (seeds %d to %d). Not the sky of the inputs: their WCS is not kept.",
			*kind, *per, *per, what, plural(nIn, "map"), strings.Join(names, ", "), *per, *seed, nIn, *seed, *seed+uint64(res.B)-1)
	}
	if split {
		outs, err := surrOutputs(*out, parts, false)
		if err != nil {
			return err
		}
		return surrStreamNote(g, *out, surrWriteParts(g, outs, *format, parts, res, *per, text))
	}
	return surrWrite(g, *out, *format, res, srcs, text, "", *per)
}

// surrogateCards are the FITS cards of the inputs that hold for their
// surrogates, new realisations of the fields: the unit and kind of the
// pixel values (BUNIT, BTYPE; unitCards) and the pixel scale (CDELT1/2,
// CUNIT1/2; datasets.PixelScaleCards), with the value every input file has
// (commonCards, as synth for a set); scale says whether a pixel scale is
// among them. With b > 1 surrogates a WCS gets the plane axis of the
// output cube (datasets.PlaneAxisCards). None when an input is .npy or
// .npz. The FITS inputs' headers are read again
// (datasets.LoadSources keeps the maps only).
func surrogateCards(srcs []datasets.Source, b int) (cards []datasets.Card, scale bool, err error) {
	var common []datasets.Card
	for i, src := range srcs {
		if !isFITSPath(src.Name) {
			return nil, false, nil
		}
		_, cards, err := datasets.ReadMapsHeader(src.Name)
		if err != nil {
			return nil, false, asBadInput(err)
		}
		if i == 0 {
			common = cards
		} else {
			common = commonCards(common, cards)
		}
	}
	px := datasets.PixelScaleCards(common)
	cards = append(unitCards(common), px...)
	if b > 1 {
		cards = datasets.PlaneAxisCards(cards, "surrogate number")
	}
	return cards, len(px) > 0, nil
}
