package main

import (
	"fmt"
	"math/cmplx"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// surrPart is the maps of one output file of surrogate when -o lists
// several: input maps lo to hi − 1 (counted over all inputs, in input
// order), read from srcs, named name in messages and HISTORY.
type surrPart struct {
	name   string
	srcs   []datasets.Source
	lo, hi int
}

// surrArgs loads the MAPS arguments one by one (a folder is one argument:
// its files in name order) and returns the sources of all of them, in
// input order, and one part per argument.
func surrArgs(pos []string) ([]datasets.Source, []surrPart, error) {
	var all []datasets.Source
	var parts []surrPart
	lo := 0
	for _, p := range pos {
		srcs, err := datasets.LoadSources([]string{p})
		if err != nil {
			return nil, nil, asBadInput(err)
		}
		b := 0
		for _, s := range srcs {
			b += s.Maps.B
		}
		all = append(all, srcs...)
		parts = append(parts, surrPart{name: filepath.Base(strings.TrimRight(p, string(filepath.Separator))), srcs: srcs, lo: lo, hi: lo + b})
		lo += b
	}
	return all, parts, nil
}

// surrMapParts splits the one MAPS argument of --joint into one part per
// map (its channels): part c is map c, "NAME map c" (from 0, as numpy
// indexes a cube); of a FITS file "NAME plane c+1", as FITS counts its
// planes ("IQU.fits plane 2" is Q).
func surrMapParts(arg surrPart) []surrPart {
	var parts []surrPart
	c := 0
	for _, s := range arg.srcs {
		for i := 0; i < s.Maps.B; i++ {
			name := fmt.Sprintf("%s map %d", arg.name, c)
			if len(arg.srcs) == 1 && isFITSPath(s.Name) {
				name = fmt.Sprintf("%s plane %d", arg.name, c+1)
			}
			if len(arg.srcs) > 1 {
				name = fmt.Sprintf("%s map %d (%s map %d)", arg.name, c, filepath.Base(s.Name), i)
				if isFITSPath(s.Name) {
					name = fmt.Sprintf("%s map %d (%s plane %d)", arg.name, c, filepath.Base(s.Name), i+1)
				}
			}
			parts = append(parts, surrPart{name: name, srcs: []datasets.Source{s}, lo: c, hi: c + 1})
			c++
		}
	}
	return parts
}

// surrJointFields returns the fields of --joint, each a list of input maps
// (counted over all inputs) that share one phase field per surrogate: with
// one MAPS argument, all its maps (its channels, e.g. I, Q, U of a cube);
// with several, map b of every argument (field b), which must then all
// hold as many maps.
func surrJointFields(parts []surrPart) ([][]int, error) {
	if len(parts) == 1 {
		f := make([]int, 0, parts[0].hi)
		for c := parts[0].lo; c < parts[0].hi; c++ {
			f = append(f, c)
		}
		return [][]int{f}, nil
	}
	b := parts[0].hi - parts[0].lo
	for _, p := range parts[1:] {
		if p.hi-p.lo != b {
			return nil, badInputf("--joint pairs map b of every MAPS argument (the channels of field b), but %s holds %s and %s %d: give each channel as many maps (or all channels as the maps of one file)", parts[0].name, plural(b, "map"), p.name, p.hi-p.lo)
		}
	}
	fields := make([][]int, b)
	for i := range fields {
		for _, p := range parts {
			fields[i] = append(fields[i], p.lo+i)
		}
	}
	return fields, nil
}

// jointPhaser makes joint phase surrogates of the channels of one field:
// their DFTs are computed once; each surrogate multiplies all of them by
// one e^{iφ(k)}.
type jointPhaser struct {
	f   *datasets.FFT2
	dft [][]complex128
	buf []complex128
}

func newJointPhaser(channels [][]float64, m, n int) *jointPhaser {
	j := &jointPhaser{f: datasets.NewFFT2(m, n), buf: make([]complex128, m*n)}
	for _, x := range channels {
		z := make([]complex128, m*n)
		for i, v := range x {
			z[i] = complex(v, 0)
		}
		j.f.Forward(z)
		j.dft = append(j.dft, z)
	}
	return j
}

// surrogate writes into out[c] (m·n pixels each) channel c with its DFT
// multiplied by e^{iφ(k)}, φ the phases of the DFT of
// datasets.WhiteNoise(m, n, seed): φ(−k) = −φ(k), so the maps are real (the
// imaginary part left by rounding is dropped), and φ = 0 at k = 0 (the mean
// is kept) and wherever the noise's coefficient is 0; at the self-conjugate
// modes (Nyquist) e^{iφ} is ±1. Every product X_c(k)·conj X_d(k) of two
// channels, c = d included, is unchanged at every k.
func (j *jointPhaser) surrogate(out [][]float64, seed uint64) error {
	m, n := j.f.Size()
	w, err := datasets.WhiteNoise(m, n, seed)
	if err != nil {
		return err
	}
	u := make([]complex128, m*n)
	for i, v := range w {
		u[i] = complex(v, 0)
	}
	j.f.Forward(u)
	for k, v := range u {
		if a := cmplx.Abs(v); a > 0 && k != 0 {
			u[k] = v / complex(a, 0)
		} else {
			u[k] = 1
		}
	}
	for c, x := range j.dft {
		for k := range x {
			j.buf[k] = x[k] * u[k]
		}
		j.f.Inverse(j.buf)
		for i := range out[c] {
			out[c][i] = real(j.buf[i])
		}
	}
	return nil
}

// surrJoint fills res (map b·K + k: surrogate k of input map b) with the
// joint phase surrogates of the fields: surrogate k of field g uses the
// seed seed + k·G + g for all its channels.
func surrJoint(res *stlayer.Maps, inputs func(b int) []float64, fields [][]int, per int, seed uint64) error {
	m, n := res.M, res.N
	for g, f := range fields {
		ch := make([][]float64, len(f))
		for c, b := range f {
			ch[c] = inputs(b)
		}
		jp := newJointPhaser(ch, m, n)
		out := make([][]float64, len(f))
		for k := 0; k < per; k++ {
			for c, b := range f {
				out[c] = res.Map(b*per + k)
			}
			if err := jp.surrogate(out, seed+uint64(k*len(fields)+g)); err != nil {
				return err
			}
		}
	}
	return nil
}

// surrOutputs returns the files of -o: one, or several given as a comma
// list (mapList's rule: an existing file whose name holds a comma is one
// name). Several must be as many as parts (one per MAPS argument, or with
// --joint and one argument one per map) and name different files.
func surrOutputs(out string, parts []surrPart, joint bool) ([]string, error) {
	outs := splitList(out)
	if len(outs) <= 1 {
		return []string{out}, nil
	}
	if len(outs) != len(parts) {
		per := "one per MAPS argument"
		if joint {
			per = "one per MAPS argument (with one argument: one per map, its channels)"
		}
		names := make([]string, len(parts))
		for i, p := range parts {
			names[i] = p.name
		}
		return nil, badInputf("-o %s lists %d files, but the surrogates go to %d (%s: %s): give as many files, or one -o for all", out, len(outs), len(parts), per, strings.Join(names, ", "))
	}
	for i, o := range outs {
		for _, p := range outs[:i] {
			if datasets.FilePart(o) == datasets.FilePart(p) && npzMember(o) == npzMember(p) || sameFile(datasets.FilePart(o), datasets.FilePart(p)) && npzMember(o) == npzMember(p) {
				return nil, badInputf("-o %s names %s twice: give each output its own file (or .npz member)", out, o)
			}
		}
	}
	return outs, nil
}

// surrWrite writes the surrogates res of the inputs srcs to out in format
// (--format, "" for out's extension), with the FITS cards of
// surrogateCards and the HISTORY text (then, when the inputs share a pixel
// scale, the sentence saying it is kept, then more), and reports the write
// on stderr.
func surrWrite(g *globals, out, format string, res *stlayer.Maps, srcs []datasets.Source, text, more string, per int) error {
	dtype, err := surrWriteFile(out, format, res, srcs, text, more)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "surrogate: wrote %s (%s of %d×%d, %s)\n", out, plural(res.B, "map"), res.M, res.N, dtype)
	if per > 1 && more == "" {
		fmt.Fprintf(g.stderr, "surrogate: %d per input map: maps %d·b to %d·b + %d are those of input map b\n", per, per, per, per-1)
	}
	return nil
}

// surrWriteFile writes surrogates res of srcs to path in format with their
// FITS cards (surrWrite) and returns the stored type.
func surrWriteFile(path, format string, res *stlayer.Maps, srcs []datasets.Source, text, more string) (string, error) {
	cards, scale, err := surrogateCards(srcs, res.B)
	if err != nil {
		return "", err
	}
	if scale {
		text += " Only their pixel scale is (CDELT1/2, CUNIT1/2, linear axes)."
	}
	text += more
	cards = append(cards, historyCards(text)...)
	cards = provFITS(cards, sourceNames(srcs)...) // provenance (prov19_provenance.go), DATE, ORIGIN
	// the inputs' precision: float32 when all are (polfix19)
	return surrWriteMaps(path, res, surrInputDType(srcs), format, cards)
}

// surrWriteParts writes the surrogates of part i (its input maps' K
// surrogates each, in the order of res) to outs[i], all in format (""
// for each name's extension). A stream among outs (/dev/stdout, a pipe)
// is written after every regular file's temporary copy and before they
// are renamed into place (writeAllOrNothing): a failed write leaves the
// regular files as they were, but what went into a stream stays there.
func surrWriteParts(g *globals, outs []string, format string, parts []surrPart, res *stlayer.Maps, per int, text string) error {
	mn := res.M * res.N
	subs, mores := make([]*stlayer.Maps, len(parts)), make([]string, len(parts))
	for i, p := range parts {
		sub := stlayer.NewMaps((p.hi-p.lo)*per, res.M, res.N)
		copy(sub.Data, res.Data[p.lo*per*mn:p.hi*per*mn])
		more := fmt.Sprintf(" This file (output %d of %d): the surrogates of %s, input maps %d to %d", i+1, len(outs), p.name, p.lo, p.hi-1)
		if p.hi-p.lo == 1 {
			more = fmt.Sprintf(" This file (output %d of %d): the surrogates of %s, input map %d", i+1, len(outs), p.name, p.lo)
		}
		if per > 1 {
			more += fmt.Sprintf("; its map j*%d + k is surrogate k of its map j.", per)
		} else {
			more += "."
		}
		subs[i], mores[i] = sub, more
	}
	// all or nothing (tail19): every file to a temporary one first, then
	// renamed into place; a failed write leaves every earlier file as it was
	dtypes := make([]string, len(outs))
	if err := writeAllOrNothingNote(g.stderr, "surrogate", outs, "files of -o", func(i int, path string) (err error) {
		dtypes[i], err = surrWriteFile(path, format, subs[i], parts[i].srcs, text, mores[i])
		if err != nil && path != outs[i] {
			// the temporary file's name in the message is the output's
			err = renamedErr{strings.ReplaceAll(err.Error(), path, outs[i]), err}
		}
		return err
	}); err != nil {
		if _, lost := err.(notPutBack); !lost {
			fmt.Fprintf(g.stderr, "surrogate: note: -o's files were not replaced: those that existed are as they were\n")
		}
		return err
	}
	for i, sub := range subs {
		fmt.Fprintf(g.stderr, "surrogate: wrote %s (%s of %d×%d, %s)\n", outs[i], plural(sub.B, "map"), sub.M, sub.N, dtypes[i])
	}
	if per > 1 {
		fmt.Fprintf(g.stderr, "surrogate: %d per input map: in each file, maps %d·b to %d·b + %d are those of its input map b\n", per, per, per, per-1)
	}
	return nil
}

// surrogateJoint is surrogate --joint (see its help): the fields of the
// inputs (surrJointFields), one phase field per field and surrogate, to one
// output or one per argument (one per channel with a single argument), in
// format (--format).
func surrogateJoint(g *globals, srcs []datasets.Source, parts []surrPart, out, format string, per int, seed uint64) error {
	fields, err := surrJointFields(parts)
	if err != nil {
		return err
	}
	warnSurrJointScales(g, srcs) // polfix19: channels on different pixel grids
	outParts := parts
	if len(parts) == 1 {
		outParts = surrMapParts(parts[0])
	}
	outs, err := surrOutputs(out, outParts, true)
	if err != nil {
		return err
	}
	var maps [][]float64 // the input maps, in input order
	for _, s := range srcs {
		for i := 0; i < s.Maps.B; i++ {
			maps = append(maps, s.Maps.Map(i))
		}
	}
	res := stlayer.NewMaps(len(maps)*per, srcs[0].Maps.M, srcs[0].Maps.N)
	if err := surrJoint(res, func(b int) []float64 { return maps[b] }, fields, per, seed); err != nil {
		return err
	}
	nf, nc := len(fields), len(fields[0])
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.name
	}
	if n := len(names); n > 4 {
		names = append(names[:2:2], "...", names[n-1], fmt.Sprintf("%d inputs", n))
	}
	// FITS cards are ASCII: * for the products, phi for the phase
	fieldsText := fmt.Sprintf("one field of %d channels (the maps of %s)", nc, names[0])
	if len(parts) > 1 {
		fieldsText = fmt.Sprintf("%s of %d channels, field b being map b of each input (%s)", plural(nf, "field"), nc, strings.Join(names, ", "))
	}
	order := fmt.Sprintf("map b*%d + k is surrogate k of input map b, and surrogate k of field g has the seed %d + k*%d + g", per, seed, nf)
	if per == 1 {
		order = fmt.Sprintf("map b is the surrogate of input map b, and field g has the seed %d + g", seed)
	}
	last := seed + uint64(nf*per) - 1
	text := fmt.Sprintf("stkit surrogate --joint --kind phase -n %d: joint phase surrogates of %s, drawn jointly: for each field and surrogate one random phase field phi(k) (the phases of the DFT of white noise of the seed; phi(-k) = -phi(k), phi(0) = 0) multiplies the DFT of every channel by exp(i phi), so all auto and cross spectra of the channels are kept at every frequency; different fields and surrogates are independent. In input order, %s (seeds %d to %d). Not the sky of the inputs: their WCS is not kept.",
		per, fieldsText, order, seed, last)
	fmt.Fprintf(g.stderr, "surrogate: --joint: %s of %s, one random phase field per field and surrogate (seeds %d to %d)\n", plural(nf, "field"), plural(nc, "channel"), seed, last)
	if len(outs) == 1 {
		return surrWrite(g, out, format, res, srcs, text, "", per)
	}
	return surrWriteParts(g, outs, format, outParts, res, per, text)
}
