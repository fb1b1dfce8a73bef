package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wph"
)

func init() {
	register(&command{name: "stats", summary: "compute ST statistics of a map or a batch of maps", run: runStats})
}

// specFlags registers the flags that describe a statistic (shared by stats,
// synth, separate, patches).
func specFlags(fs *flag.FlagSet, s *stats.Spec, defKind string) {
	fs.Func("kind", "statistics family: wst, wph, scov or spectra (default "+defKind+")", func(v string) error {
		s.Kind = stats.Kind(v)
		return nil
	})
	s.Kind = stats.Kind(defKind)
	fs.IntVar(&s.J, "J", 0, "number of dyadic scales (0 = log2(min(M,N)) − 2); maps of any size from 2^(J+1) pixels a side, even sides for wst (global), scov and spectra")
	fs.IntVar(&s.L, "L", 0, "number of orientations in [0, π) (0 = 4)")
	fs.IntVar(&s.DN, "dn", 0, "WPH: number of τ shifts per scale (PyWPH dn)")
	fs.StringVar(&s.Wavelet, "wavelet", "", "morlet or bump (default: morlet for wst/scov/spectra, bump for wph)")
	fs.StringVar(&s.Norm, "norm", "", "normalisation: wph none (default) or auto (PyWPH's norm='auto'); scov p00 (default) or p11 (Cheng's normalisation of C01 and C11: the synthesis vectors, --synthesis or --iso, and stats' .npz dict; plain scov coefficients, --cross included, are the raw moments whatever --norm)")
	fs.BoolVar(&s.Iso, "iso", false, "isotropic reduction (average over absolute orientation; the label column l2 (l3) of the averaged classes then holds dl = (l2 − l1) mod L, not an orientation)")
	fs.BoolVar(&s.Synthesis, "synthesis", false, "the family's synthesis vector (Cheng's for_synthesis: logs and normalised covariances)")
	fs.BoolVar(&s.Local, "local", false, "WST: Kymatio's local coefficients (low-pass and subsampling by 2^J)")
	fs.BoolVar(&s.StrictJ2, "strict-j2", false, "global WST: second-order pairs j2 > j1 only (Cheng's j1j2_criteria='j2>j1'; default j2 ≥ j1, Cheng's default)")
	fs.BoolVar(&s.Classic, "classic", false, "global WST: Cheng's algorithm='classic' (every convolution on the full grid, no Fourier cropping; slower, exactly covariant under shifts and 90° rotations; default 'fast')")
	fs.StringVar(&s.Pad, "pad", "", "boundary: periodic (default), reflect (wst --local) or crop (wph, scov, spectra: non-periodic, means over the interior, ⌊cut·2^J⌋ pixels cut per side)")
	fs.Float64Var(&s.Cut, "cut", 0, "with --pad crop (wph, scov, spectra): the border left out per side in units of 2^J, c = ⌊cut·2^J⌋ pixels (PyWPH's cut_x_param; 0 = 1/2)")
}

func runStats(g *globals, args []string) error {
	fs := newFlagSet(g, "stats", "MAP", `Compute scattering-transform statistics of MAP (.npy, .npz[:member], .fits;
a FITS HDU and image section as cfitsio writes them, 'x.fits[SCI]',
'cube.fits[*,*,K]' for plane K, 'x.fits[2][1:480,1:480]' for a window,
columns then rows counted from 1; a 2D map or a 3D batch [B, M, N];
a folder (its map files; hidden ones, named .*, skipped) or a comma-separated
list of such files: a set, see below).
For a batch, the normalised statistics (--kind spectra; scov --synthesis or
--iso; wph --norm auto) are divided by one reference measured on the whole
batch (P00 and P11 averaged over its maps, Cheng's use_ref with the batch as
reference; wph: the factor means and variances averaged over its maps), so a
map's values depend on the other maps of the batch and differ from those of
the map given alone; the other statistics are computed map by map.

--kind wph --iso is the isotropic WPH that separate matches by default:
PyWPH's raw moments averaged over the 2L global rotations by multiples of
π/L of the full circle (orientations relative to l1 = 0). For a real map a
rotation carrying a wavelet past 180° conjugates the moment and reverses
its τ, so each row is ½ (X̄(τ) + conj X̄(−τ)), X̄ the mean over l1 =
0…L−1: real at τ = 0 (im printed as 0), and with --dn ≥ 1 one row per
pair ±τ (a < A; the row a + A is its conjugate and left out). It is
invariant under 90° rotations of the map; PyWPH's to_isopar (the mean over
L rotations, complex parts kept) is not. With --cross, of the cross
moments (S11 and S00 at τ ≠ 0 left out: their −τ partner is a moment of
the swapped pair); --norm auto and --synthesis do not apply.

--kind wph --imag U is the WPH of complex data z = MAP + i·U (PyWPH
cplx=True; e.g. linear polarisation: MAP the Stokes Q map, --imag its U,
of the same shape): 2L orientations θ_l = l·180°/L, l = 0…2L−1, over
[0°, 360°) (l and l + L are opposite wave vectors, distinct for complex
data) and the pseudo moments (label column pseudo = 1: pseudo S11, pseudo
L). A complex .npy or .npz MAP is z itself (its real and imaginary parts),
without --imag; FITS images are real: give Q and U as two files. Not with
--cross, --iso, --synthesis or another --kind; --norm auto measures its
reference on z, and refuses only Q ≡ U ≡ 0.

Output formats (-o FILE, format from --format or the extension):
  npy   the coefficient vector per map, complex128 [B, K] (K for one map) in the
        family's reference order; PyWPH's layout for --kind wph (complex64, its
        coefficient order; complex128 in the label order with --iso); Kymatio's
        [B, K, ⌊M/2^J⌋, ⌊N/2^J⌋] float32 layout for --kind wst --local
        ([K, ⌊M/2^J⌋, ⌊N/2^J⌋] for one map; any M, N from 2^(J+1))
  npz   named arrays as the reference library's dict (Cheng's S0, S1, S2, P00,
        … for wst; mean, var, P00, S1, C01, C11, … for scov; with --cross,
        scattering_cov_2fields' mean_a, P00_a, Corr00, C01 [B,4,J,J,L,L] with
        kinds aa, bb, ab, ba, Corr11, … for scov; --norm p11 changes its C01 and
        C11) plus "coeffs" (complex128 in the order of the label table:
        [B, K], [K] for one map, [B, K, h, w] for --local; the raw moments
        for plain scov whatever --norm, as the JSON's coeffs_norm),
        "label_rows" int64 [K, columns] (the label table, −1 where a column
        does not apply, and also where −1 is its value: wph L at
        j1 = j2 = −1, spectra C11 at b = −1; its columns are --format json's
        label_columns), "label_applies" bool [K, columns] (true
        where the column applies to the row: label_rows' −1 is a value
        there, absent where it is false; the JSON writes only those keys);
        "label_class" [K], each row's class (a row is its class and
        label_rows: P00 and S1 rows have the same label_rows), and
        "label_columns" [columns], label_rows' column names, both numpy
        strings ('<U'): z["label_class"] == "S1" marks the S1 rows; and,
        where the statistic has one, the anisotropy summary (see below) as
        [B, J] arrays (also for one map; NaN where a scale has none):
        "anisotropy_amplitude", "anisotropy_direction_deg",
        "anisotropy_stripe_direction_deg", "anisotropy_noise_rms",
        "anisotropy_noise_floor", "anisotropy_significant" (bool),
        "anisotropy_position_angle_deg" (the JSON's position_angle_deg;
        NaN where MAP's header has no celestial WCS that is handled), with
        "anisotropy_class" and "anisotropy_measured_from" ('<U' [1]), and
        "anisotropy_sky_frame" ('<U' [1], the JSON's anisotropy.sky.frame)
        where there is a position angle; "format" ("stkit-stats") and
        "format_version" (int64, 1), 0-d arrays as "provenance" (a 0-d '<U'
        JSON text: json.loads(str(z["provenance"])), or .item()); with a
        FITS MAP, "bunit" (and "bunit_cross", "bunit_imag"), 0-d '<U', its
        BUNIT, and "pixel_scale" float64 [2], a pixel's size along axis 1
        (columns) and axis 2 (rows), with "pixel_scale_unit" (0-d '<U'; ""
        when the header names none), as the JSON's
  json  {"format": "stkit-stats", "version": 1, "config": {...},
        "coefficients": [{"map", "index", "class", "j1", ..., "re", "im"}]}
        (config: the statistic's options; "coeffs_norm", the normalisation
        of re, im and the .npz "coeffs": "none" for the raw scov moments,
        --cross included, whose "norm" applies only to the .npz dict, as
        "norm_applies_to" says; "inputs" [MAP] or [MAP, --cross map], the
        a and b of the cross moments (or [MAP, --imag map], Q and U of
        z = Q + iU, with "complex": true); "bunit" and "bunit_cross" (or
        "bunit_imag"), their FITS BUNIT where known, a warning when MAP's
        and --imag's differ; "map_shape"; "label_columns"; "anisotropy",
        see below; with a pixel scale in MAP's FITS header (CDELTi, or a
        PC or CD matrix), "pixel_scale" {value, unit} (value_y for pixels
        that are not square) and "scale_wavelengths": per j the wavelets'
        central wavelength in pixels (8/3·2^j for wst, scov, spectra;
        2.35·2^j for wph) and in arcmin (arcsec for arcsec pixels; the
        header's unit if not an angle), also printed as a "# pixel scale"
        line above the table, whose class lines then name the BUNIT)
        ("index": the position in the label table and "coeffs"; with --local
        one entry per pixel, with its "row" and "col"; these are grid
        positions: the config's "local_grid" gives stride_px = 2^J and
        origin_px, entry (row, col) being centred on map pixel
        origin_px + stride_px·(row, col); a label column named
        like one of these fields, the spectra's "im", is written as "label_im";
        "orientation": θ of each orientation index, see below;
        "unit_warnings": the warnings of mixed BUNITs or pixel scales;
        "provenance": stkit's version and commit, the command line, the
        working directory and each input's size and SHA-256, also the
        .npz member "provenance" (a JSON text) and --plot's PNG text
        chunk "stkit provenance")
Without -o a table of the coefficients of the first map is printed, and
below it one "# anisotropy j=…" line per scale.

Anisotropy (wst, scov: from S1(j, l); wph: from S11(j, l) at τ = 0; not
for --iso, spectra, --cross or wph --norm auto): per map and scale j,
A_j·e^{2iψ_j} = Σ_l S(j,l)·e^{2iφ_l} / Σ_l S(j,l), φ_l the wave-vector
direction of wavelet l. amplitude A_j in [0, 1] (0: isotropic; a pure
stripe pattern gives 0.52 for S1 at L = 4 to 0.88 for S11 at L = 8, the
wavelets' angular response, not 1); direction_deg ψ_j in [0°, 180°): the
wave vector of maximum response, measured for EVERY family from the column
axis toward the row axis (the wph convention; 90° − theta_deg for wst and
scov), counter-clockwise on a map shown with row 0 at the bottom;
stripe_direction_deg = ψ_j + 90°: the direction the structures run along.
noise_floor: the level an isotropic Gaussian field with the map's power
spectrum exceeds in ~5 % of maps (noise_rms ≈ 1/√(independent modes of
band j), from the wavelets and the spectrum); "significant": A_j above it.
Complex data: the sum runs over the 2L orientations (l and l + L weigh one
axis). The JSON's top-level "anisotropy" holds them with a "doc" string,
the .npz its anisotropy_* arrays, and --plot draws A_j with the floor and
ψ_j against j; none of them when a map of MAP is constant (A_j = 0/0:
stats says so in a note; the coefficients are written). When MAP's FITS
header has celestial axes (RA/DEC, GLON/GLAT, …) each scale also gets
position_angle_deg: the stripes' direction on the sky from north through
east (IAU) in [0°, 180°), through CDELTi, PCi_j, CDi_j or CROTA2 (so
CDELT1 < 0, east to the left, is taken into account: stripes running up
such a map are at 0°, across it at 90°), at the reference pixel; "north"
is the frame's (galactic north for GLON/GLAT), as anisotropy.sky.frame
says. A WCS it does not handle (LONPOLE other than its default, PV cards
on the longitude axis) gives a note in anisotropy.sky and no angle.

Orientations: the label columns l1, l2, l3 are orientation INDICES, and the
families count them differently (as their reference libraries do):
  wst, scov  Morlet (Cheng/Kymatio): θ_l = (⌊L/2⌋−1−l)·180°/L measured from
             the ROW axis toward the column axis (L = 4: 45°, 0°, −45°,
             −90°; L = 8: 67.5° … −90°)
  wph        bump-steerable (PyWPH): θ_l = l·180°/L measured from the COLUMN
             axis toward the row axis (L = 4: 0°, 45°, 90°, 135°)
θ_l is the direction of the wavelet's wave vector (modulo 180°); the
structures it responds to (stripes, filaments, edges) run perpendicular to
it. Horizontal stripes (a map varying with the row index only) peak at wst/scov
l = 3 for L = 8 (θ = 0°) and at wph l = 2 for L = 4 (θ = 90°). The JSON
config's "orientation" gives theta_deg[l] for the run and these sentences;
the dashboards' legends give θ next to each l. In the isotropic classes
(wst S2_iso, P11_iso, logS2_iso; scov --iso/--synthesis C01re, C11re, P11
without l1; wph --iso, whose l1 is 0) the columns named l2, l3 hold
DIFFERENCES dl = (l2 − l1) mod L, averaged over l1: the second (third)
wavelet at θ_l1 − dl·180°/L (Morlet) or θ_l1 + dl·180°/L (bump). The names
stay l2, l3 so that feature names of datasets and models keep matching. The
JSON config's "label_column_doc" and the "# " lines above the printed table
say what each column of the run means.

--kind spectra keeps the class names of the isotropic synthesis vector it
transforms, which are not the raw moments of plain --kind scov: "mean" is
mean/std of the map (plain scov's "mean" is the raw mean), P00(j) and S1(j)
are natural logs of P00 and S1 averaged over orientations; the C01 and C11
rows are indexed by a = j2 − j1, b = j2 − j3, the DCT mode k along scale
and the angular harmonics h1, h2 over the orientation differences, im = 1
marking the √2·Im part of a harmonic (a label, written label_im in the
JSON and the table: every spectra value is real). At a = 0 the C11 rows
with h2 = 0 and im = 1 are zero for every map (J(J+1)/2·(⌈L/2⌉−1) rows,
15 at J = 5, L = 4; go doc ./stlayer/scov Spectra says why). The JSON
config's "class_doc" and the "# class" lines above the table say what each
class means. The k = 0 row is √N × the mean over the N absolute scales (the
DCT is orthonormal); the dashboard (--plot) draws that mean. S4 (C11) of a
Gaussian field is not 0 and depends on the spectrum's slope (C11 at k = 0,
h1 = h2 = 0, a = 2, b = 0: 0.015 for Gaussian fields with the spectrum of
dust I_1, 0.001 for white noise): judge S4 against phase surrogates
(stkit surrogate), not against 0.`+statsSetHelp+compareHelp+compareHelp19)
	var spec stats.Spec
	specFlags(fs, &spec, "scov")
	out := fs.String("o", "", "output file (.npy, .npz or .json)")
	format := fs.String("format", "", "npy, npz or json (default: from the -o extension)")
	cross := fs.String("cross", "", "second map for cross-statistics (same shape as MAP; a set of as many maps as MAP's, paired one by one)")
	imag := fs.String("imag", "", "--kind wph: imaginary part U of complex data z = MAP + i·U (PyWPH cplx=True, e.g. Stokes Q and U; same shape as MAP, or a set of as many maps, paired one by one); a complex .npy/.npz MAP needs no --imag")
	plotPath := fs.String("plot", "", "write a PNG dashboard of the coefficients to this file (of a set: wst, wph the mean over its maps with ±1σ bars, scov, spectra lines of the means with ±1σ bands; scov: P00, sparsity, C01 and C11 divided by √(P00·P00) per scale; spectra: the logs, the S3/S4 spectra as means over the scales (DCT mode 0 / √N) and the energy per mode; wst, wph: one panel per class; wst, wph, scov: two more of the anisotropy summary, A_j with its noise floor and ψ_j against j; complex wph (--imag) and wph --cross: complex classes as modulus and phase panels, the pseudo moments in panels of their own; scov --cross: P00 of both maps, their correlation Corr00 per scale, C01 of kinds ab and ba and Corr11 ab; wst --local: the map, the maps of S1 per scale j1 (mean over l1) and of the share of S1 at each orientation θ_l (mean over j1) on the 2^J-pixel grid; legends beside the panels, phases on [−π, π])")
	compare := fs.String("compare", "", "compare the set MAP with the set SET_B (a file, folder or comma list; ≥ 2 maps each): z per coefficient, χ²/dof (a diagonal summary: the coefficients are correlated), largest |z|; -o writes JSON, --plot z by coefficient (see --compare in the text above)")
	compareImag := fs.String("compare-imag", "", "with --compare and --imag (complex data z = Q + iU, --kind wph): the imaginary part U of SET_B, paired with its maps one by one")
	perms := fs.Int("permutations", 0, "with --compare: a permutation p-value of χ²/dof from this many random splits of the two sets' maps, or from all of them, exactly, when there are at most this many (not given: 1000 when that costs under about a second, see --compare in the text above; 0: none)")
	cx := compareFlags19(fs) // cmpset19: --compare-ref, --paired
	chunk := fs.Int("chunk", 0, "maps per evaluation of a batch (0: as many as hold 8·256² pixels, 64·256² with the graph engine; the working memory grows with it)")
	nanmaskFlags(fs, g, "stats") // nanmask19: --crop, --skip-nan (nanmaskRead)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		if len(pos) > 1 {
			// several files (a shell glob): one set argument takes them
			return badInputf("stats needs exactly one MAP argument, got %d: for a set of maps give their folder or one comma-separated list (%s,%s,…)", len(pos), pos[0], pos[1])
		}
		return badInputf("stats needs exactly one MAP argument, got %d", len(pos))
	}
	fromExt := *out != "" && *format == ""
	if fromExt {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
	}
	switch *format {
	case "", "npy", "npz", "json":
	case "fits", "fit", "fts":
		// a FITS name (x.fits): stats writes coefficients, not an image;
		// the message named only a format "fits", not -o
		if fromExt {
			return badInputf("-o %s: stats writes coefficient vectors, not maps, so not FITS images: name the output .npy, .npz or .json (FITS is read as input and written by synth, sample, separate and surrogate)", *out)
		}
		return badInputf("--format %s: stats writes coefficient vectors, not FITS images: want npy, npz or json", *format)
	default:
		if fromExt {
			if isFITSPath(*out) { // x.fits.gz
				return badInputf("-o %s: stats writes coefficient vectors, not maps, so not FITS images: name the output .npy, .npz or .json (FITS is read as input and written by synth, sample, separate and surrogate)", *out)
			}
			return badInputf("-o %s: unknown output format %q (name it .npy, .npz or .json, or pass --format)", *out, *format)
		}
		return badInputf("--format %s: unknown output format (want npy, npz or json)", *format)
	}
	if *out != "" && *format == "" {
		return badInputf("-o %s: cannot tell the output format without an extension (name it .npy, .npz or .json, or pass --format)", *out)
	}
	if *out == "" && *format != "" {
		return badInputf("--format %s needs an output file (-o FILE)", *format)
	}
	if err := checkCompareFlags(*compare, *out, *format, *cross, *imag, *compareImag, spec, *perms); err != nil {
		return err
	}
	if err := cx.check(fs, *compare, spec); err != nil {
		return err
	}
	if *imag != "" && *cross != "" {
		return badInputf("--imag and --cross: the complex WPH (z = MAP + i·IMAG) has no cross variant (the cross-WPH of two complex fields is not supported): give one of them")
	}
	if err := checkMin("chunk", *chunk, 0); err != nil {
		return err
	}
	if err := checkOutput("-o", *out); err != nil {
		return err
	}
	if err := checkPlotOutput("--plot", *plotPath); err != nil {
		return err
	}
	if *out != "" && *plotPath != "" && (filepath.Clean(*out) == filepath.Clean(*plotPath) || sameFile(*out, *plotPath)) {
		return badInputf("-o and --plot name the same file %s", *out)
	}
	if err := checkOutputFile("-o "+*out, *out, pos[0], *cross, *imag); err != nil {
		return err
	}
	if err := checkOutputFile("--plot "+*plotPath, *plotPath, pos[0], *cross, *imag); err != nil {
		return err
	}
	// The dashboard is always a PNG: --plot dash.pdf or dash.txt wrote PNG
	// bytes under that name.
	if *plotPath != "" && strings.ToLower(filepath.Ext(*plotPath)) != ".png" {
		return badInputf("--plot %s: the dashboard is written as a PNG image; name it .png", *plotPath)
	}
	mapIn, err := nanmaskRead(g, &spec, "MAP", pos[0])
	var maps *stlayer.Maps
	var cards []datasets.Card
	if err == nil {
		maps, cards = mapIn.set.Maps, mapIn.set.Cards
		if err = outputAmongInputs("-o "+*out, *out, mapIn); err == nil {
			err = outputAmongInputs("--plot "+*plotPath, *plotPath, mapIn)
		}
		if err != nil {
			return err
		}
	}
	// complex data z = Q + iU: a complex .npy/.npz MAP (its real and
	// imaginary parts, which readMapsCards refuses) or MAP and --imag
	var imagMaps *stlayer.Maps
	cplxSrc := ""
	if err != nil {
		if maps, imagMaps, err = readComplexMap(pos[0], err); err != nil {
			return err
		}
		cplxSrc = pos[0] + " holds complex numbers (z = Q + iU)"
		switch {
		case *imag != "":
			return badInputf("%s: it is z already, so --imag %s has nothing to add: leave --imag out (or give the real part as MAP)", cplxSrc, *imag)
		case *cross != "":
			return badInputf("%s and --cross: the complex WPH has no cross variant (the cross-WPH of two complex fields is not supported): give one of them", cplxSrc)
		}
	}
	if *imag != "" {
		cplxSrc = "--imag " + *imag
	}
	spec.Complex = cplxSrc != ""
	jGiven := spec.J != 0
	spec = spec.WithDefaults(maps.M, maps.N)
	if err := checkSpec(spec); err != nil {
		return err
	}
	if spec.Complex {
		if err := checkComplexSpec(spec, cplxSrc); err != nil {
			return err
		}
	}
	wphIso := spec.Kind == stats.WPH && spec.Iso
	if wphIso {
		if err := checkWPHIso(spec); err != nil {
			return err
		}
	}
	if err := validateSetSpec(pos[0], mapIn.set, maps, spec, jGiven, defaultJRule); err != nil {
		return err
	}
	cropInteriorNote(g.stderr, "stats", spec, maps.M, maps.N) // fixbad21: 16×16 of 32×32 at J = 4
	if *compare != "" {
		return runStatsCompare(g, spec, jGiven, mapIn, *compare, *imag, *compareImag, *out, *plotPath, *chunk, *perms, cx)
	}
	unitWarn := warnStatsInputUnits(g, mapIn, nil) // units19: a set mixing BUNITs or pixel scales
	input := maps
	meta := statsMeta{inputs: []string{pos[0]}, bunit: mapUnit(cards), unitWarnings: unitWarn, applied: mapIn.applied}
	// physscale19: pixel scale, BUNIT named in the table
	meta.phys = physScaleOf(cards)
	if l := meta.phys.noScaleLine(); l != "" && *format != "" {
		// the table says it in its "# " lines (headerLines); a file has no
		// pixel_scale: say why (misc21)
		fmt.Fprintf(g.stderr, "stats: note: %s, and %s has no pixel scale\n", l, *out)
	}
	if mapIn.set == nil { // a complex .npy/.npz MAP (readComplexMap)
		mapIn = statsInput{flag: "MAP", arg: pos[0], set: &mapSet{Maps: maps, Files: []string{pos[0]}}}
	}
	inputs := []statsInput{mapIn}
	if *cross != "" {
		crossIn, err := nanmaskRead(g, &spec, "--cross", *cross)
		if err != nil {
			return err
		}
		m2, cards2 := crossIn.set.Maps, crossIn.set.Cards
		if err := checkPairedSets(mapIn, crossIn, "cross statistics"); err != nil {
			return err
		}
		meta.unitWarnings = append(meta.unitWarnings, warnStatsInputUnits(g, mapIn, &crossIn)...) // units19
		inputs = append(inputs, crossIn)
		if err := validateSetSpec(*cross, crossIn.set, m2, spec, jGiven, defaultJRule); err != nil {
			return err
		}
		spec.Cross = true
		meta.inputs = append(meta.inputs, *cross)
		meta.bunitCross = mapUnit(cards2)
		if input, err = stats.StackPair(maps, m2); err != nil {
			return badInputf("%v", err)
		}
	}
	if *imag != "" {
		imagIn, err := nanmaskRead(g, &spec, "--imag", *imag)
		if err != nil {
			return err
		}
		imagMaps = imagIn.set.Maps
		if u := imagMaps; !imagIn.isSet() && !mapIn.isSet() && (u.B != maps.B || u.M != maps.M || u.N != maps.N) {
			return badInputf("--imag %s has shape [%d, %d, %d], MAP has [%d, %d, %d]: the real and imaginary parts of z = MAP + i·IMAG need the same shape", *imag, u.B, u.M, u.N, maps.B, maps.M, maps.N)
		}
		if err := checkPairedSets(mapIn, imagIn, "the real and imaginary parts of z = MAP + i·IMAG"); err != nil {
			return err
		}
		meta.unitWarnings = append(meta.unitWarnings, warnStatsInputUnits(g, mapIn, &imagIn)...) // units19: pixel scales (BUNITs below)
		inputs = append(inputs, imagIn)
		if err := validateSetSpec(*imag, imagIn.set, imagMaps, spec, jGiven, defaultJRule); err != nil {
			return err
		}
		meta.inputs = append(meta.inputs, *imag)
		meta.bunitImag = mapUnit(imagIn.set.Cards)
		if !datasets.SameBUnit(meta.bunit, meta.bunitImag) && meta.bunit != "" && meta.bunitImag != "" {
			meta.unitWarnings = append(meta.unitWarnings, warnf(g.stderr, "stats", fmt.Sprintf("MAP %s has BUNIT %q but --imag %s has %q: the real and imaginary parts of z = MAP + i·IMAG should be in one unit (e.g. Stokes Q and U both in K_CMB); the coefficients mix them as given", pos[0], meta.bunit, *imag, meta.bunitImag)))
		}
	}
	statsInputsMeta(&meta, inputs...)
	for _, in := range inputs[1:] {
		if err := outputAmongInputs("-o "+*out, *out, in); err != nil {
			return err
		}
		if err := outputAmongInputs("--plot "+*plotPath, *plotPath, in); err != nil {
			return err
		}
	}
	if spec.Complex {
		// the complex WPH takes (Q, U) stacked by rows (wph.StackPair)
		if input, err = wph.StackPair(maps, imagMaps); err != nil {
			return badInputf("%v", err)
		}
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	// The reference of normalised statistics (WPH norm=auto, scattering
	// covariance use_ref) is the input itself, as PyWPH's first norm='auto' call.
	// a constant map has no fluctuations to normalise: the variants whose
	// coefficients are then undefined (log 0, 0/0) say so rather than
	// printing NaN or −Inf (stats.CheckConstant)
	if err := stats.CheckConstant(spec, input); err != nil {
		return badInputf("%s: %v", pos[0], constantInFile(err, mapIn))
	}
	if err := checkConstantDict(spec, *format, input, mapIn); err != nil { // badfix20: the .npz dict's NaN
		return badInputf("%s: %v", pos[0], err)
	}
	var op stats.Op
	if wphIso {
		op, err = wphIsoOp(spec, maps.M, maps.N)
	} else {
		op, err = stats.BuildWithRef(spec, ch.Engine, input)
	}
	var ce *stats.ConstantMapError
	if errors.As(err, &ce) {
		// misc22: wph norm auto's σ of constant maps (BuildWithRef calls
		// stats.CheckConstantRef), named by MAP as CheckConstant's above;
		// fixb23: --cross's maps when they are the constant ones
		name := pos[0]
		if ce.Second && *cross != "" {
			name = "--cross " + *cross
		}
		return badInputf("%s: %v", name, constantInFile(err, mapIn))
	}
	if err != nil {
		return badInputf("%v", err)
	}
	coeffs, err := forwardBatch(g, ch.Engine, op, input, *chunk)
	if err != nil {
		return err
	}
	if bad := nonFinite(coeffs.Data); bad > 0 {
		return badInputf("%s: %d of the %d coefficients are not finite (max |x| = %g: rescale the map if its values are huge)", pos[0], bad, len(coeffs.Data), maxAbs(input.Data))
	}
	if *format != "npy" || *plotPath != "" {
		// the anisotropy summary (anisotropy18.go): per scale, the second
		// circular harmonic of S1 (S11) over the orientations; in the
		// table, the JSON, the .npz (aniso19_npz.go) and the dashboard
		meta.aniso, _ = anisotropyOf(spec, op.Labels(), coeffs, maps, imagMaps)
		// fixbad21: none for a constant map (0/0, NaN noise floor)
		meta.aniso = constantAnisoDropped(g.stderr, meta.aniso, maps, imagMaps, pos[0])
		physAnisotropy(meta.aniso, cards) // physscale19: position angle on the sky
	}
	// provenance (polfix19): version, commit, command line, inputs' SHA-256
	// in the JSON config, the .npz member "provenance", the PNG's iTXt;
	// built before the writes and put into each in its one write (pipefix19)
	meta.prov = reproducibleProvenance(newProvenance(meta.inputs...)) // SOURCE_DATE_EPOCH, STKIT_REPRODUCIBLE
	if *plotPath != "" {
		src := dashTitleSource(inputs) // polfix19: "Q.fits + i·U.fits" with --imag
		title := fmt.Sprintf("%s: %s", src, spec.String())
		if maps.B > 1 {
			title = fmt.Sprintf("%s (map 0 of %d): %s", src, maps.B, spec.String())
		}
		// y axes carry the map's FITS BUNIT (with --cross, both maps')
		o := dashOpts{aniso: meta.aniso, unitNote: setUnitsNote(mapIn)}
		if spec.Complex {
			o.imagUnit = meta.bunitImag // polfix19: no unit when it differs from MAP's
		}
		if spec.Cross {
			o.crossUnit = meta.bunitCross
			o.crossNote = fmt.Sprintf("cross statistics: a = MAP %s, b = --cross %s", pos[0], *cross)
		}
		render, done, err := statsPlotOnce(*plotPath)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		if err := dashboardWith(render, title, mapUnit(cards), spec, op, coeffs, ch.Engine, maps, o); err != nil {
			_ = done(nil)
			return fmt.Errorf("plot: %w", err)
		}
		if err := done(meta.prov); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
	}
	switch *format {
	case "":
		if err = printCoeffsPhys(g, spec, op.Labels(), coeffs, meta.phys); err == nil {
			printAnisotropy(g.stdout, meta.aniso)
		}
	case "npy":
		err = writeCoeffsNPY(*out, spec, op, coeffs)
	case "npz":
		err = writeCoeffsNPZ(*out, spec, op, coeffs, ch.Engine, maps, append(append(append(statsFormatNPZ(meta), anisotropyArrays(meta.aniso, spec.J)...), provNPZMember(meta.prov)...), meta.applied.npz()...)...)
	case "json":
		err = writeCoeffsJSON(*out, spec, op.Labels(), coeffs, maps, meta)
	}
	if err != nil {
		return err
	}
	// as the other commands: say what was written (on stderr: the table of
	// coefficients without -o is the only thing on stdout)
	if *out != "" {
		fmt.Fprintf(g.stderr, "stats: wrote %s (%s, %s of %d coefficients; %s)\n", *out, spec, plural(coeffs.B, "map"), coeffs.K, *format)
	}
	if *plotPath != "" {
		fmt.Fprintf(g.stderr, "stats: wrote the dashboard %s\n", *plotPath)
	}
	return nil
}

// checkWPHIso refuses the options that stats --kind wph --iso (wphIsoOp)
// does not have: --synthesis and --norm auto (separate's statistic is the
// raw moments, whitened there per coefficient).
func checkWPHIso(spec stats.Spec) error {
	if spec.Synthesis {
		return badInputf("--kind wph --iso --synthesis: wph has no synthesis vector; --iso alone gives the isotropic WPH that separate matches")
	}
	if spec.Norm != "none" {
		return badInputf("--kind wph --iso --norm %s: the isotropic WPH (separate's statistic) averages PyWPH's unnormalised moments (separate whitens each by its spread over the samples); leave --norm out, or drop --iso for PyWPH's norm='auto' coefficients", spec.Norm)
	}
	return nil
}

// wphIsoOp is the isotropic WPH of spec (Kind wph, Iso, defaults filled in)
// for M×N maps: PyWPH's raw moments (stats.Build without Iso) averaged over
// the 2L global rotations of the full circle (infer.IsoGroupsFullCircle: the
// orientation columns l1, l2 are rewritten relative to l1 = 0; each row
// ½ (X̄(τ) + conj X̄(−τ)), real at τ = 0), for pairs with spec.Cross. It is infer.NewSepStats' Auto (Cross for pairs)
// without the power-spectrum term, i.e. the Φ that separate matches with
// --kind wph (its default, --iso on) — built by the same code, so the two
// cannot drift apart. The stats package has no such Spec statistic
// (stlayer/stats cannot import infer).
func wphIsoOp(spec stats.Spec, m, n int) (stats.Op, error) {
	base := spec
	base.Cross = false
	ss, err := infer.NewSepStats(base, m, n, false)
	if err != nil {
		return nil, err
	}
	if spec.Cross {
		return ss.Cross, nil
	}
	return ss.Auto, nil
}

func printCoeffs(g *globals, spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs) error {
	// what the label columns mean, as "# " lines (labelColumnDoc)
	printLabelKey(g.stdout, spec, lab)
	printComplexKey(g.stdout, spec) // θ of l = 0…2L−1 for complex data
	tw := tabwriter.NewWriter(g.stdout, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tcoefficient\tre\tim")
	row := c.Row(0)
	hw := c.H * c.W
	for k := 0; k < c.K; k++ {
		v := row[k*hw]
		name := fmt.Sprintf("%d", k)
		if lab != nil && k < lab.Len() {
			name = labelString(lab, k) // the spectra's im column as label_im
		}
		if hw > 1 {
			name += fmt.Sprintf(" [pixel 0 of %d×%d]", c.H, c.W)
		}
		fmt.Fprintf(tw, "%d\t%s\t%.6g\t%.6g\n", k, name, real(v), imag(v))
	}
	return tw.Flush()
}

func coeffsArray(c *stlayer.Coeffs) *datasets.Array {
	a := &datasets.Array{DType: "complex128", Complex128: c.Data}
	switch {
	case c.H*c.W > 1:
		a.Shape = []int{c.B, c.K, c.H, c.W}
	case c.B == 1:
		a.Shape = []int{c.K}
	default:
		a.Shape = []int{c.B, c.K}
	}
	return a
}

func writeCoeffsNPY(path string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs) error {
	if spec.Kind == stats.WPH && !spec.Iso {
		// PyWPH's layout: complex64, (K,) or (B, K), PyWPH's coefficient order.
		var buf bytes.Buffer
		if err := wph.WritePyWPH(&buf, c); err != nil {
			return err
		}
		return checkpoints.WriteFileAtomic(path, buf.Bytes(), 0o644)
	}
	if spec.Kind == stats.WST && spec.Local {
		if err := kymatioFloat32Check(op, c); err != nil {
			return err
		}
		w, _ := stats.WSTOp(op)
		ka, err := wstKymatioArray(w, c)
		if err != nil {
			return err
		}
		if c.B == 1 && len(ka.Shape) == 4 {
			ka.Shape = ka.Shape[1:] // one map: [K, h, w], as Kymatio's output for a 2D input
		}
		return datasets.WriteNPY(path, ka)
	}
	return datasets.WriteNPY(path, coeffsArray(c))
}

// writeCoeffsNPZ writes the family's dict (familyDict), "coeffs" (coeffsArray)
// and the label table of op as two arrays of shape [K, columns], columns in
// the order of Labels.Columns (--format json's label_columns):
//
//	label_rows     int64  Rows[k][c]: the value, −1 where the column does not apply
//	label_applies  bool   Labels.Has(k, Columns[c]): the column applies to row k
//
// label_rows alone is ambiguous where −1 is a value (wph L: j1 = j2 = −1,
// PyWPH's φ_{−1}; spectra C11: b = −1): there label_rows is −1 and
// label_applies true, where a column that does not apply has false. Rows of
// different classes may have equal label_rows (scov mean and var: all −1;
// P00(j, l) and S1(j, l)), so the class goes with them, and the names of
// the columns:
//
//	label_class    '<U' [K]: Class[k]
//	label_columns  '<U' [columns]: Labels.Columns (the JSON's label_columns)
//
// both numpy string arrays (datasets' DType "str").
//
// extra (the anisotropy summary's arrays, anisotropyArrays) are written
// after them.
func writeCoeffsNPZ(path string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs, eng stlayer.Engine, maps *stlayer.Maps, extra ...datasets.NamedArray) error {
	// the dict's per-map arrays a block of maps at a time through a
	// temporary file (streamstats20), not all held in memory
	spool, dict, err := familyDictSpooled(path, spec, op, c, eng, maps)
	if err != nil {
		return err
	}
	defer spool.Close()
	var named []datasets.NamedArray
	named = append(named, datasets.NamedArray{Name: "coeffs", Array: coeffsArray(c)})
	lab := op.Labels()
	if lab != nil && lab.Len() > 0 {
		shape := []int{lab.Len(), len(lab.Columns)}
		rows := &datasets.Array{DType: "int64", Shape: shape}
		applies := &datasets.Array{DType: "bool", Shape: slices.Clone(shape)}
		for k, r := range lab.Rows {
			for ci, v := range r {
				rows.Float64 = append(rows.Float64, float64(v))
				a := 0.0
				if lab.Has(k, lab.Columns[ci]) {
					a = 1
				}
				applies.Float64 = append(applies.Float64, a)
			}
		}
		named = append(named, datasets.NamedArray{Name: "label_rows", Array: rows},
			datasets.NamedArray{Name: "label_applies", Array: applies},
			datasets.NamedArray{Name: "label_class", Array: stringArray(lab.Class)},
			datasets.NamedArray{Name: "label_columns", Array: stringArray(jsonColumnKeys(lab.Columns))})
	}
	named = append(named, extra...)
	if spool == nil {
		return datasets.WriteNPZ(path, named, false)
	}
	for _, na := range named {
		dict = append(dict, datasets.NPZEntry{Name: na.Name, Array: na.Array})
	}
	return spool.WriteNPZ(path, dict)
}

// stringArray is the 1-d string array [len(ss)] of ss, written as numpy's
// '<U{w}' (w the longest string; see datasets.Array).
func stringArray(ss []string) *datasets.Array {
	return &datasets.Array{DType: datasets.StringDType, Shape: []int{len(ss)}, Strings: slices.Clone(ss)}
}

// jsonColumnKeys returns the keys under which the JSON writes the label
// columns (config.label_columns): a column named like a field of an entry
// (the spectra's "im") becomes "label_<name>".
func jsonColumnKeys(columns []string) []string {
	keys := make([]string, len(columns))
	for ci, col := range columns {
		keys[ci] = col
		switch col {
		case "map", "index", "class", "re", "im", "row", "col":
			keys[ci] = "label_" + col
		}
	}
	return keys
}

type jsonCoeff map[string]any

// statsMeta says where the maps of a stats run came from, for the JSON
// config: inputs are the paths as given, MAP first then --cross (the a and b
// of the cross moments: mean_a, P00_a, C01's kind ab, … are MAP's); bunit
// and bunitCross their FITS BUNIT ("" when none is known: .npy, .npz, or a
// FITS header without BUNIT).
type statsMeta struct {
	inputs []string
	// unitWarnings: the inputs' unit and pixel-scale warnings (units19)
	unitWarnings      []string
	bunit, bunitCross string
	// bunitImag: the BUNIT of --imag (complex data z = MAP + i·IMAG)
	bunitImag string
	// aniso: the anisotropy summary (anisotropyOf), nil where the
	// statistic has no per-orientation first-order coefficients
	aniso *anisotropyDoc
	// sets: one entry per map argument when one of them is a folder or a
	// list (statsInputsMeta); inputs then lists their files.
	sets []inputSetDoc
	// phys: MAP's pixel scale and BUNIT (physScaleOf)
	phys *physScale
	// prov: the provenance written into the outputs (pipefix19)
	prov *provenance
	// applied: MAP's maps kept by --skip-nan and the --crop window
	// (badfix20_applied.go), nil without them
	applied *nanmaskApplied
}

// writeCoeffsJSON writes the coefficients c of the maps with their labels; config.map_shape is
// [B, M, N] of maps (for cross statistics, of each of the two inputs);
// config.inputs, bunit and bunit_cross are meta's.
func writeCoeffsJSON(path string, spec stats.Spec, lab *stlayer.Labels, c *stlayer.Coeffs, maps *stlayer.Maps, meta statsMeta) error {
	hw := c.H * c.W
	doc := struct {
		// Format and Version: "stkit-stats", 1 (statsFormatName)
		Format  string `json:"format"`
		Version int    `json:"version"`
		Config  struct {
			stats.Spec
			CoeffsNorm string   `json:"coeffs_norm"`
			NormScope  string   `json:"norm_applies_to,omitempty"`
			Inputs     []string `json:"inputs"`
			// InputSets: which argument each file of inputs came from,
			// when one is a folder or a list (statsInputsMeta)
			InputSets  []inputSetDoc `json:"input_sets,omitempty"`
			BUnit      string        `json:"bunit,omitempty"`
			BUnitCross string        `json:"bunit_cross,omitempty"`
			// BUnitImag: the FITS BUNIT of --imag (complex data)
			BUnitImag string `json:"bunit_imag,omitempty"`
			// UnitWarnings: the warnings stats gave of the inputs' BUNITs
			// and pixel scales (units19), as on stderr
			UnitWarnings []string `json:"unit_warnings,omitempty"`
			Shape        [3]int   `json:"map_shape"`
			Columns      []string `json:"label_columns"`
			PerPixel     bool     `json:"per_pixel,omitempty"`
			// Orientation: θ of each orientation index l (degrees) and
			// the family's convention (newOrientationDoc)
			Orientation *orientationDoc `json:"orientation,omitempty"`
			// LocalGrid: where each --local entry's row, col are on the
			// map (newLocalGridDoc)
			LocalGrid *localGridDoc `json:"local_grid,omitempty"`
			// ColumnDoc: what each label column means (labelColumnDoc)
			ColumnDoc map[string]string `json:"label_column_doc,omitempty"`
			// ClassDoc: what a class means where its name is ambiguous
			// (classDoc: the spectra's mean is mean/std, P00 a log, …)
			ClassDoc map[string]string `json:"class_doc,omitempty"`
			// PixelScale and ScaleWavelengths: MAP's pixel scale and each
			// scale's central wavelength (physScale.pixelScaleJSON)
			PixelScale       *pixelScaleDoc       `json:"pixel_scale,omitempty"`
			ScaleWavelengths []scaleWavelengthDoc `json:"scale_wavelengths,omitempty"`
			// Provenance: version, command line, inputs' SHA-256 (polfix19)
			Provenance *provenance `json:"provenance,omitempty"`
			// maps_read, maps_used, crop: what --skip-nan and --crop did
			// (badfix20), absent without them
			*nanmaskApplied
		} `json:"config"`
		// Anisotropy: direction and amplitude of the anisotropy per map
		// and scale (anisotropyOf); absent for statistics without
		// per-orientation first-order coefficients
		Anisotropy   *anisotropyDoc `json:"anisotropy,omitempty"`
		Coefficients []jsonCoeff    `json:"coefficients"`
	}{}
	doc.Format, doc.Version = statsFormatName, statsFormatVersion
	doc.Config.Spec = spec
	doc.Config.CoeffsNorm, doc.Config.NormScope = coeffsNorm(doc.Config.Spec)
	doc.Config.Inputs = meta.inputs
	doc.Config.InputSets = meta.sets
	doc.Config.BUnit, doc.Config.BUnitCross = meta.bunit, meta.bunitCross
	doc.Config.BUnitImag = meta.bunitImag
	doc.Config.UnitWarnings = meta.unitWarnings
	doc.Config.Provenance = meta.prov
	doc.Config.nanmaskApplied = meta.applied
	doc.Anisotropy = meta.aniso
	if (spec.Kind == stats.SCov || spec.Kind == stats.Spectra) && (spec.Norm == "none" || spec.Norm == "") {
		// "none" is read as p00 for these families (stats.Spec.Norm): the
		// config said "none" where the command's line said norm=p00
		doc.Config.Spec.Norm = "p00"
	}
	doc.Config.Shape = [3]int{maps.B, maps.M, maps.N}
	// A label column named like a field of the entry (the spectra's "im",
	// 1 for the imaginary part of an angular Fourier mode) overwrote that
	// field: "im" then held the label, not the coefficient's imaginary part.
	// Such a column is written as "label_<name>", here and in every entry.
	keys := jsonColumnKeys(lab.Columns)
	doc.Config.Columns = keys
	doc.Config.PerPixel = hw > 1
	doc.Config.Orientation = newOrientationDoc(spec, lab)
	complexOrientation(doc.Config.Orientation, spec) // θ over [0°, 360°) for complex data
	if hw > 1 && spec.Kind == stats.WST && spec.Local {
		doc.Config.LocalGrid = newLocalGridDoc(spec, maps.M, maps.N, c.H, c.W)
	}
	doc.Config.ColumnDoc = labelColumnDoc(spec, lab)
	doc.Config.ClassDoc = meta.phys.classDocUnits(classDoc(spec, lab))
	doc.Config.PixelScale, doc.Config.ScaleWavelengths = meta.phys.pixelScaleJSON(spec)
	// one entry per coefficient (per map, and pixel with --local), each
	// built and marshalled when written (streamstats20), not all held
	doc.Coefficients = []jsonCoeff{}
	return writeJSONStreamed(path, doc, c.B*c.K*hw, func(i int) jsonCoeff {
		b, k, p := i/(c.K*hw), i/hw%c.K, i%hw
		v := c.Row(b)[k*hw+p]
		e := jsonCoeff{"map": b, "index": k, "re": real(v), "im": imag(v)}
		if k < lab.Len() {
			e["class"] = lab.Class[k]
			for ci, key := range keys {
				if lab.Has(k, lab.Columns[ci]) { // −1 may be a value (wph L: j1 = j2 = −1)
					e[key] = lab.Rows[k][ci]
				}
			}
		}
		if hw > 1 {
			e["row"], e["col"] = p/c.W, p%c.W
		}
		return e
	})
}

// coeffsNorm returns the normalisation of the coefficients stats writes
// (the JSON entries, "coeffs", the .npy) for spec s (defaults filled in, its
// Norm as the JSON config writes it) and, where it differs from s.Norm, what
// s.Norm applies to:
//
//	wst (every variant), wph --norm none      "none"
//	wph --norm auto                           "auto"
//	scov --synthesis or --iso                 s.Norm (p00 or p11)
//	spectra                                   "p00"
//	scov raw moments, --cross included        "none"; s.Norm applies to the
//	                                          .npz dict's C01 and C11 (and,
//	                                          single map, for_synthesis)
//
// The raw scov moments are unnormalised whatever --norm (stats.Spec: scov
// without Synthesis or Iso is "raw"): their config said "norm": "p00" while
// C01(0,0,0,0) was the raw −1.2e-7 for p00, p11 and none alike.
func coeffsNorm(s stats.Spec) (norm, scope string) {
	switch {
	case s.Kind == stats.WPH && s.Norm == "auto":
		return "auto", ""
	case s.Kind == stats.Spectra:
		return "p00", ""
	case s.Kind == stats.SCov && !s.Cross && (s.Synthesis || s.Iso):
		return s.Norm, ""
	case s.Kind == stats.SCov && s.Cross:
		return "none", "the .npz dict's C01 and C11 (Cheng's normalisation); coeffs are the raw cross moments"
	case s.Kind == stats.SCov:
		return "none", "the .npz dict's C01, C11 and for_synthesis arrays (Cheng's normalisation); coeffs are the raw moments"
	}
	return "none", ""
}

// dashboard picks the family's dashboard: the scattering-spectra view for
// scov (from the raw moments of the first map), the spectra vector's own
// view for spectra (spectraDashboard), the maps of S1 per scale and
// orientation share for the local WST (localDashboard: coefficients on an
// h×w grid, a 1×1 grid included), the generic per-class view otherwise;
// title heads the figure (the map and the statistic); unit (the maps' FITS
// BUNIT, "" for none) labels the y axes (the panel titles of the local
// dashboard).
func dashboard(path, title, unit string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs, eng stlayer.Engine, maps *stlayer.Maps) error {
	return dashboardWith(path, title, unit, spec, op, c, eng, maps, dashOpts{})
}

// forwardBatch evaluates op on the maps of x chunk maps at a time
// (stlayer.ForwardChunked), with a progress bar when there is more than one
// chunk. The default chunk (chunk ≤ 0) is stlayer.DefaultChunkPixels for the
// CPU engine and eight times that for a graph engine, whose accelerators
// want larger batches (GoMLX compiles one graph per chunk shape).
func forwardBatch(g *globals, eng stlayer.Engine, op stats.Op, x *stlayer.Maps, chunk int) (*stlayer.Coeffs, error) {
	if chunk <= 0 {
		pixels := stlayer.DefaultChunkPixels
		if strings.HasPrefix(eng.Name(), "graph") {
			pixels *= 8
		}
		chunk = max(1, pixels/(x.M*x.N))
	}
	if chunk >= x.B {
		return eng.Forward(op.Key(), op.Stat(), x)
	}
	bar := newBar(g.stderr, x.B, "stats")
	c, err := stlayer.ForwardChunked(eng, op.Key(), op.Stat(), x, chunk, func(done int) { _ = bar.Set(done) })
	endBar(bar, err != nil)
	return c, err
}

// constantInFile is err, a *stats.ConstantMapError, with its Map counted
// as in the files given: --skip-nan leaves maps out (MAP and --cross
// together), so map b of the batch is map in.applied.MapsUsed[b] of in.
// Other errors, and runs without --skip-nan, are returned as they are.
// (rev2, s23: with map 0 of nc.npy left out for a NaN, its constant map 1
// was named "map 0".)
func constantInFile(err error, in statsInput) error {
	var ce *stats.ConstantMapError
	if !errors.As(err, &ce) || in.applied == nil || ce.Map < 0 || ce.Map >= len(in.applied.MapsUsed) {
		return err
	}
	e := *ce
	e.Map = in.applied.MapsUsed[ce.Map]
	return &e
}
