package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// mapFolderInput is an input of a command that may be a folder of maps
// read as a set (readMapSetCards: every map file directly in it): flag
// names it in messages ("TARGET", "--reference-set"), path is as given.
type mapFolderInput struct{ flag, path string }

// checkOutputNotInMapFolders refuses a maps output (what names it: "-o
// setA/out.npy") that is a map file (isMapFile) written directly into a
// folder that the command reads as a set of maps: the next run on that
// folder would read the output as one of its maps (a synthesis among the
// targets, silently). Inputs that are files or lists are left to
// checkNotInput.
func checkOutputNotInMapFolders(what, out string, ins ...mapFolderInput) error {
	if out == "" {
		return nil
	}
	file := datasets.FilePart(out)
	if !isMapFile(filepath.Base(file)) {
		return nil
	}
	for _, in := range ins {
		if in.path == "" {
			continue
		}
		if st, err := os.Stat(in.path); err != nil || !st.IsDir() {
			continue
		}
		if sameFile(filepath.Dir(file), in.path) {
			return badInputf("%s lies in the folder %s, read as a set of maps (%s): a later run on the folder would take the output for one of its maps; write it elsewhere (e.g. -o %s)",
				what, in.path, in.flag, filepath.Join(filepath.Dir(filepath.Clean(in.path)), filepath.Base(filepath.Clean(in.path))+"_"+filepath.Base(file)))
		}
	}
	return nil
}

// allMapsIdentical reports whether a set of b ≥ 2 maps of mn pixels each
// holds one map b times (exact float64 equality): std weights over them
// are undefined.
func allMapsIdentical(data []float64, b, mn int) bool {
	if b < 2 {
		return false
	}
	for i := 1; i < b; i++ {
		if !slices.Equal(data[:mn], data[i*mn:(i+1)*mn]) {
			return false
		}
	}
	return true
}

// periodisedBox returns the box b widened to the range of the periodic
// components p of the target maps (synth --periodise), and a note saying so
// ("" and b when p lies in b): "its periodic component, whose statistics
// the syntheses match, has 5 of 1024 pixels outside [0, +Inf), the farthest
// by 0.0835 (0.061 of its σ): the box is widened to [-0.0835, +Inf) …".
func periodisedBox(b infer.PixelBox, p *stlayer.Maps) (infer.PixelBox, string) {
	n, far := 0, 0.0
	w := b
	for _, v := range p.Data {
		if d := math.Max(b.Lo-v, v-b.Hi); d > 0 {
			n++
			far = math.Max(far, d)
		}
		w.Lo, w.Hi = math.Min(w.Lo, v), math.Max(w.Hi, v)
	}
	if n == 0 {
		return b, ""
	}
	_, sd, _, _ := infer.Moments(p.Data)
	return w, fmt.Sprintf("the target lies in the box %v, but its periodic component, whose statistics the syntheses match, has %d of %d pixels outside it, the farthest by %.3g (%.3g of its σ): the box is widened to its range, %v, which the syntheses can reach (--pad crop keeps the target and the box as given)",
		b, n, len(p.Data), far, far/sd, w)
}

// targetHistory returns the target's own FITS HISTORY cards (those of
// cards, a mapSet's Cards: a one-file target's, none for a .npy or for a
// set of several files) prefixed "[target] ", so that a synthesis of a
// synthesis keeps where its target came from ("[target] stkit synth: 1 map
// synthesised to match … periodised …") before its own HISTORY. The cards
// hold a wrapped text: consecutive cards of one record (a record starts
// at a card beginning "stkit ", or where the depth of "[target] " prefixes
// changes) are joined and re-wrapped to the 72 characters of a card, each
// line with one more "[target] " than the record had.
func targetHistory(cards []datasets.Card) []datasets.Card {
	const prefix, width = "[target] ", 72
	var out []datasets.Card
	var words []string
	depth := -1
	flush := func() {
		if len(words) == 0 {
			return
		}
		pre := strings.Repeat(prefix, depth+1)
		line := ""
		for _, w := range words {
			if len(pre)+len(w) > width {
				w = w[:max(0, width-len(pre))]
			}
			if line != "" && len(pre)+len(line)+1+len(w) > width {
				out = append(out, datasets.Card{Key: "HISTORY", Comment: pre + line})
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			out = append(out, datasets.Card{Key: "HISTORY", Comment: pre + line})
		}
		words = nil
	}
	for _, c := range cards {
		if c.Key != "HISTORY" {
			continue
		}
		text, d := strings.TrimSpace(c.Comment), 0
		for strings.HasPrefix(text, prefix) {
			text, d = strings.TrimSpace(strings.TrimPrefix(text, prefix)), d+1
		}
		if d != depth || strings.HasPrefix(text, "stkit ") {
			flush()
			depth = d
		}
		words = append(words, strings.Fields(text)...)
	}
	flush()
	return out
}

// sampleSizeNote warns of a sample map side that stkit stats (and synth,
// separate) refuse for the models' statistic spec (datasets.RuleFor: sides
// below 2^(J+1), odd sides for the global wst, scov and spectra), naming
// the nearest sides they take ("" when they take size).
func sampleSizeNote(size int, spec stats.Spec) string {
	r := datasets.RuleFor(spec, size, size)
	if size < 1 || r.Fits(size, size) {
		return ""
	}
	need := fmt.Sprintf("needs maps of at least %d×%d pixels", r.MinSide, r.MinSide)
	near := fmt.Sprintf("--size %d", r.MinSide)
	if size >= r.MinSide { // odd
		need = "needs maps with even sides"
		near = fmt.Sprintf("--size %d or %d", size-1, size+1)
	}
	return fmt.Sprintf("--size %d: the models' statistic (%s J=%d) %s: the maps are sampled, but stkit stats (and synth, separate) refuse %d×%d maps at J = %d; the nearest sizes it takes: %s",
		size, r.Name, r.J, need, size, size, r.J, near)
}

// baseNames is a sample path for a FITS HISTORY: the base name of a file or
// folder, or the base names of a comma-separated list ("a.npy,b.npy").
func baseNames(list string) string {
	var out []string
	for _, p := range splitList(list) {
		out = append(out, filepath.Base(p))
	}
	return strings.Join(out, ",")
}

// The thresholds of the amplitude checks of separate's samples and models
// against DATA (sampleAmplitudeNote, modelAmplitudeNotes). Measured ratios
// ⟨P_r⟩/P_d per half-octave bin, 256² maps: the README's dust + Quijote
// case 0.028–0.81, dust + white noise 0.0005–0.96, dust + the raw CIB map
// (a weak contaminant) 0.0003–0.049; a Quijote + CIB mixture with the CIB
// samples in other units (std 0.009 against the mixture's 0.88) at most
// 0.0002, the dust + Quijote case with the Quijote samples unscaled (std
// 0.77 against 0.089) at least 4.4.
const (
	// ampWeak: samples holding less than this share of DATA's power in
	// every bin are too weak to matter (or in other units)
	ampWeak = 0.01
	// ampStrong: samples holding more than this multiple of DATA's power
	// in every bin cannot be part of it
	ampStrong = 2.0
	// ampModelStrong: a component's model holding more than this multiple
	// of DATA's power in the median bin (patch scale). Measured: the CLI
	// models fixture's 32² test mixture (a 32² white + GRF map against
	// models of 32² patches of 64² maps) reaches 3.0; helper astroB's
	// dust + Quijote models (64² patches) on their held-out mixture, no
	// component above 2; with the Quijote part 5× weaker in amplitude, 22
	ampModelStrong = 5.0
	// ampModelsWeak: learned models whose summed power is below this share
	// of DATA's in the median bin leave most of DATA unexplained
	ampModelsWeak = 0.2
)

// sampleAmplitudeNote compares the mean power spectrum of the residual
// samples (the --contaminant maps, plus the --noise maps' when both are
// given) with DATA's, per bin of infer.IsoPowerSpectrum, and warns ("" when
// neither holds) when the samples hold less than ampWeak of DATA's power in
// every bin (the separation then returns DATA nearly unchanged: samples in
// other units?) or more than ampStrong times it in every bin (d = s + c
// cannot hold them). what names the samples ("the --contaminant samples").
func sampleAmplitudeNote(d *stlayer.Maps, what string, sets ...*stlayer.Maps) string {
	pd := infer.IsoPowerSpectrum(d.Data, d.M, d.N)
	pr := make([]float64, len(pd.P))
	var sd float64
	for _, s := range sets {
		if s == nil {
			continue
		}
		var maps [][]float64
		for b := 0; b < s.B; b++ {
			maps = append(maps, s.Map(b))
		}
		mp := infer.MeanPowerSpectrum(maps, s.M, s.N)
		if len(mp.P) != len(pr) {
			return ""
		}
		for b := range pr {
			pr[b] += mp.P[b]
		}
		_, v, _, _ := infer.Moments(s.Data)
		sd = math.Hypot(sd, v)
	}
	var r []float64
	for b := range pd.P {
		if pd.Count[b] > 0 && pd.P[b] > 0 {
			r = append(r, pr[b]/pd.P[b])
		}
	}
	if len(r) == 0 {
		return ""
	}
	lo, hi, med := ratioRange(r)
	_, dsd, _, _ := infer.Moments(d.Data)
	switch {
	case hi < ampWeak:
		return fmt.Sprintf("%s hold at most %.2g of DATA's power in any k bin (⟨P_r⟩/P_d from %.2g to %.2g, median %.2g; pixel std %.3g against DATA's %.3g): the separation will leave DATA nearly unchanged; if they should matter, are they in DATA's units?",
			what, hi, lo, hi, med, sd, dsd)
	case lo > ampStrong:
		return fmt.Sprintf("%s hold more power than DATA in every k bin (⟨P_r⟩/P_d from %.3g to %.3g, median %.3g; pixel std %.3g against DATA's %.3g): d = s + c cannot contain them; are they in DATA's units?",
			what, lo, hi, med, sd, dsd)
	}
	return ""
}

// ratioRange returns the smallest, largest and median (upper median) of r
// (len(r) ≥ 1).
func ratioRange(r []float64) (lo, hi, med float64) {
	s := slices.Sorted(slices.Values(r))
	return s[0], s[len(s)-1], s[len(s)/2]
}

// tileSpectrum is DATA's power spectrum on the models' patch scale: the
// mean infer.IsoPowerSpectrum of its p×p tiles (every p pixels from the
// corner), in the bins and |k| units (cycles per patch) of the models'
// spectra (ComponentModel.PS, PSK).
func tileSpectrum(d *stlayer.Maps, p int) *infer.PowerSpectrum {
	var tiles [][]float64
	for i := 0; i+p <= d.M; i += p {
		for j := 0; j+p <= d.N; j += p {
			t := make([]float64, 0, p*p)
			for r := i; r < i+p; r++ {
				t = append(t, d.Data[r*d.N+j:r*d.N+j+p]...)
			}
			tiles = append(tiles, t)
		}
	}
	return infer.MeanPowerSpectrum(tiles, p, p)
}

// modelAmplitudeNotes compares the learned models' mean patch spectra
// (ComponentModel.PS at PSK, cycles per patch of side p) with DATA's on
// the same scale (tileSpectrum), per bin, and returns warnings: a component
// whose model holds more than ampModelStrong times DATA's power in the
// median bin (DATA holds a weaker version of it than its training patches: the
// separation cannot reach its model), and, when none does, models whose
// summed power is below ampModelsWeak of DATA's in the median bin (DATA is
// stronger than its components' training patches).
func modelAmplitudeNotes(d *stlayer.Maps, p int, comps []infer.SepComponent) []string {
	pd := tileSpectrum(d, p)
	if len(pd.P) == 0 {
		return nil
	}
	ratios := make([][]float64, len(comps))
	var sum []float64
	for b := range pd.P {
		if pd.Count[b] == 0 || !(pd.P[b] > 0) {
			continue
		}
		tot, ok := 0.0, true
		for _, c := range comps {
			m := c.Model
			if m == nil || len(m.PS) == 0 || len(m.PS) != len(m.PSK) {
				return nil
			}
			v := interpLogK(m.PSK, m.PS, pd.K[b])
			ok = ok && v >= 0 && !math.IsInf(v, 0) && !math.IsNaN(v)
			tot += v
		}
		if !ok {
			continue
		}
		for i, c := range comps {
			ratios[i] = append(ratios[i], interpLogK(c.Model.PSK, c.Model.PS, pd.K[b])/pd.P[b])
		}
		sum = append(sum, tot/pd.P[b])
	}
	if len(sum) == 0 {
		return nil
	}
	var notes []string
	for i, c := range comps {
		if lo, hi, med := ratioRange(ratios[i]); med > ampModelStrong {
			notes = append(notes, fmt.Sprintf("the model of %s holds more power than DATA itself in most k bins (P_model/P_data median %.3g, from %.3g to %.3g, on the %d² patch scale): DATA holds a weaker version of it than its training patches (other units or scaling?); the separation cannot reach its model's statistics",
				c.Name, med, lo, hi, p))
		}
	}
	if lo, hi, med := ratioRange(sum); len(notes) == 0 && med < ampModelsWeak {
		notes = append(notes, fmt.Sprintf("the models together hold only %.2g of DATA's power in the median k bin (from %.2g to %.2g, on the %d² patch scale): DATA is stronger than its components' training patches (other units or scaling?); the separation cannot match their statistics",
			med, lo, hi, p))
	}
	return notes
}
