package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// `stkit train -h` (train has a flag -h of its own, the hidden width) failed
// with "flag needs an argument: -h" (exit 2) instead of printing the help
// that every other command prints for -h; -h with a non-number value says
// what -h means there.
func TestTrainBareHPrintsHelp(t *testing.T) {
	code, out, _ := runCLI(t, "train", "-h")
	if code != 0 || !strings.Contains(out, "Usage: stkit train") {
		t.Errorf("train -h: exit %d, stdout %q", code, tail(out, 300))
	}
	code, out, _ = runCLI(t, "train", "ds", "-o", "run", "--clusters", "2", "-h")
	if code != 0 || !strings.Contains(out, "Usage: stkit train") {
		t.Errorf("train … -h: exit %d, stdout %q", code, tail(out, 300))
	}
	wantBadInput(t, []string{"train", "-h", "ds", "-o", "run"}, "-h here is: hidden width")
}

// synth turns on the isotropic synthesis vector for wst by default, and
// wst --local has neither: `synth --kind wst --local` failed with "wst
// --local has no isotropic or synthesis reduction" although neither had
// been asked for.
func TestSynthWSTLocalDefaults(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	out := filepath.Join(dir, "s.npy")
	if code, _, errs := runCLI(t, "synth", mp, "-o", out, "--kind", "wst", "--local", "-J", "3", "--steps", "2"); code != 0 {
		t.Fatalf("synth --kind wst --local: exit %d: %s", code, tail(errs, 300))
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("no output: %v", err)
	}
	// asked for explicitly, the combination is still refused
	wantBadInput(t, []string{"synth", mp, "-o", filepath.Join(dir, "s2.npy"), "--kind", "wst", "--local", "--iso", "--steps", "2"}, "no isotropic or synthesis reduction")
}

// --local with another family than wst was refused as "scov is periodic
// (got --pad reflect)" or "wph boundary \"reflect\"", naming a --pad the user
// had not given; the error now names --local.
func TestLocalOnlyForWST(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	c := writeTestMap(t, dir, "c.npy", 2)
	for _, args := range [][]string{
		{"stats", mp, "--local"},
		{"stats", mp, "--kind", "wph", "--local"},
		{"stats", mp, "--kind", "spectra", "--local"},
		{"synth", mp, "-o", filepath.Join(dir, "s.npy"), "--local", "--steps", "2"},
		{"patches", mp, "-o", filepath.Join(dir, "ds"), "--size", "32", "--local"},
		{"separate", mp, "--contaminant", c, "-o", filepath.Join(dir, "x.npy"), "--local", "--steps", "2"},
	} {
		wantBadInput(t, args, "--local (Kymatio's local coefficients) exists for --kind wst only", filepath.Join(dir, "s.npy"), filepath.Join(dir, "ds"), filepath.Join(dir, "x.npy"))
	}
}

// separate --truth printed "max |P_s̃/P_s − 1| where P_c ≤ 10 P_s: 0.000 …
// min r where P_c ≤ P_s: -1.000" when no k bin had so weak a contaminant:
// placeholders that read as a perfect spectrum and an anticorrelation.
func TestSeparateTruthNoQualifyingBin(t *testing.T) {
	dir := t.TempDir()
	c := writeTestMap(t, dir, "c.npy", 3)
	cs, err := datasets.ReadMaps(c)
	if err != nil {
		t.Fatal(err)
	}
	// s is 1e-4 of a contaminant-like field: P_c ≫ 10 P_s in every bin
	s := &stlayer.Maps{B: 1, M: 64, N: 64, Data: make([]float64, 64*64)}
	d := &stlayer.Maps{B: 1, M: 64, N: 64, Data: make([]float64, 64*64)}
	for i := range s.Data {
		s.Data[i] = 1e-4 * cs.Map(2)[(i*37)%len(s.Data)]
		d.Data[i] = s.Data[i] + cs.Map(2)[i]
	}
	sp, dp := filepath.Join(dir, "s.npy"), filepath.Join(dir, "d.npy")
	datasets.WriteMaps(sp, s)
	datasets.WriteMaps(dp, d)
	samples := &stlayer.Maps{B: 2, M: 64, N: 64, Data: cs.Data[:2*64*64]}
	cp := filepath.Join(dir, "c2.npy")
	datasets.WriteMaps(cp, samples)
	code, _, errs := runCLI(t, "separate", dp, "--contaminant", cp, "-o", filepath.Join(dir, "x.npy"), "--steps", "1,1,1", "--truth", sp)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 400))
	}
	if !strings.Contains(errs, "no k bin has P_c ≤ 10 P_s; no k bin has P_c ≤ P_s") || strings.Contains(errs, "-1.000") {
		t.Errorf("summary without qualifying bins: %s", tail(errs, 300))
	}
}

// patches computed features of patches that the statistic's size rule
// refuses for a map (stats, synth: at least 2^(J+1) pixels, even for scov):
// --size 31 and --size 32 -J 5 were accepted.
func TestPatchesSizeFitsJ(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "31"}, "--size 31: scov needs patches of even side; give --size 30 or 32", ds)
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "32", "-J", "5"}, "--size 32: -J 5 needs patches of at least 64 pixels (2^(J+1)); give -J 4 or less, or --size 64 or more", ds)
	if code, _, errs := runCLI(t, "patches", mp, "-o", ds, "--size", "32", "--stride", "32", "-J", "4", "--kind", "wph"); code != 0 {
		t.Errorf("--size 32 -J 4: exit %d: %s", code, tail(errs, 300))
	}
}

// patches --chunk 0 was accepted (the library's default 64 was used) and the
// new dataset was then said to be "continued with its chunk size 64".
func TestPatchesChunkZeroRefused(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	wantBadInput(t, []string{"patches", mp, "-o", ds, "--size", "32", "--chunk", "0"}, "--chunk 0: want ≥ 1", ds)
}

// train --clip 0 trained with package train's default bound (20) while
// run.json recorded clip_value 0.
func TestTrainClipZeroRefused(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	wantBadInput(t, []string{"train", filepath.Join(dir, "nods"), "-o", run, "--clusters", "2", "--clip", "0"}, "--clip 0 would clip every gradient to 0", run)
}

// sample --stride (and separate --models --stride) larger than the patch
// left bands of pixels in no tile: with --size 128 --stride 100 on 32²
// models the middle of the map kept its starting white noise, unchanged by
// the iterations.
func TestTileStrideLargerThanPatchRefused(t *testing.T) {
	dir := modelsFixture(t)
	models := filepath.Join(dir, "models")
	tmp := t.TempDir()
	out := filepath.Join(tmp, "s.npy")
	wantBadInput(t, []string{"sample", models, "--component", "0", "-o", out, "--size", "128", "--stride", "100", "--steps", "1"},
		"--stride 100 is larger than the models' patch size 32", out)
	wantBadInput(t, []string{"separate", filepath.Join(dir, "mix.npy"), "--models", models, "--components", "0,1", "-o", out, "--stride", "33", "--steps", "0,1"},
		"--stride 33 is larger than the models' patch size 32", out)
	if code, _, errs := runCLI(t, "sample", models, "--component", "0", "-o", out, "--size", "64", "--stride", "32", "--steps", "1"); code != 0 {
		t.Errorf("--stride 32 (= the patch): exit %d: %s", code, tail(errs, 300))
	}
}

// bench --size accepted any size ≥ 16, but the rows' statistics have fixed
// J (6, 7): --size 64 or an odd size ran every row, each failing in its own
// process (exit 1, "4 of 5 bench rows failed"). The size is now refused
// before any row runs, naming the row; a row that fits still runs.
func TestBenchSizeTooSmallRefused(t *testing.T) {
	ran := 0
	old := benchExec
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		ran++
		return nil, errors.New("not run in this test")
	}
	defer func() { benchExec = old }()
	wantBadInput(t, []string{"bench", "--size", "64"}, "--size 64: the wst row (Cheng global J6 L4) cannot run on 64×64 maps")
	wantBadInput(t, []string{"bench", "--size", "129", "--only", "scov"}, "--size 129: the scov row")
	if ran != 0 {
		t.Errorf("%d rows ran before the size was refused", ran)
	}
	// wph J6 fits 64×64 maps: its row runs (here: the stub)
	if code, _, errs := runCLI(t, "bench", "--size", "64", "--only", "wph", "--reps", "1"); ran != 1 || code != 1 {
		t.Errorf("bench --size 64 --only wph: %d rows run, exit %d: %s", ran, code, tail(errs, 300))
	}
}

// patches took a map given twice (by name and again through its folder, or
// through another path) and cut all its patches twice: the dataset silently
// weighted that source double.
func TestPatchesDuplicateSourceRefused(t *testing.T) {
	dir := t.TempDir()
	maps := filepath.Join(dir, "maps")
	os.Mkdir(maps, 0o755)
	mp := writeTestMap(t, maps, "m.npy", 1)
	ds := filepath.Join(dir, "ds")
	wantBadInput(t, []string{"patches", maps, mp, "-o", ds, "--size", "32"}, "are the same map file", ds)
	wantBadInput(t, []string{"patches", mp, filepath.Join(maps, ".", "m.npy"), "-o", ds, "--size", "32"}, "are the same map file", ds)
	// two members of one .npz are two sources
	a, _ := datasets.MapsToArray(stlayer.NewMaps(1, 32, 32), "float64")
	b := stlayer.NewMaps(1, 32, 32)
	for i := range b.Data {
		b.Data[i] = float64((i*7919)%101) / 101
	}
	ba, _ := datasets.MapsToArray(b, "float64")
	z := filepath.Join(dir, "two.npz")
	if err := datasets.WriteNPZ(z, []datasets.NamedArray{{Name: "a", Array: a}, {Name: "b", Array: ba}}, false); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "patches", z+":b", z+":b", "-o", ds, "--size", "16", "--kind", "wst", "-J", "2"); code != 2 || !strings.Contains(errs, "same map file") {
		t.Errorf("the same member twice: exit %d: %s", code, tail(errs, 300))
	}
	if code, _, errs := runCLI(t, "patches", z+":a", z+":b", "-o", ds, "--size", "16", "--kind", "wst", "-J", "2"); code != 0 {
		t.Errorf("two members: exit %d: %s", code, tail(errs, 300))
	}
}

// stats --plot dash.pdf (or .txt) wrote a PNG image under that name.
func TestStatsPlotNeedsPNGName(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	p := filepath.Join(dir, "dash.pdf")
	wantBadInput(t, []string{"stats", mp, "-J", "3", "--plot", p}, "the dashboard is written as a PNG image; name it .png", p)
}

// stats -o x.json of the scattering spectra: their label table has a column
// "im" (1 for the imaginary part of an angular Fourier mode), which was
// written over the entry's "im" (the coefficient's imaginary part), so the
// JSON values disagreed with the .npy/.npz ones. The column is now
// "label_im"; values and labels agree with the .npz's coeffs and label_rows.
func TestStatsJSONLabelColumnIm(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	for _, ext := range []string{"npz", "json"} {
		if code, _, errs := runCLI(t, "stats", mp, "--kind", "spectra", "-J", "3", "-o", filepath.Join(dir, "o."+ext)); code != 0 {
			t.Fatalf("stats -o o.%s: exit %d: %s", ext, code, tail(errs, 300))
		}
	}
	named, err := datasets.ReadNPZ(filepath.Join(dir, "o.npz"))
	if err != nil {
		t.Fatal(err)
	}
	var coeffs, rows *datasets.Array
	for _, n := range named {
		switch n.Name {
		case "coeffs":
			coeffs = n.Array
		case "label_rows":
			rows = n.Array
		}
	}
	if coeffs == nil || rows == nil {
		t.Fatal("o.npz lacks coeffs or label_rows")
	}
	var doc struct {
		Config struct {
			Columns []string `json:"label_columns"`
		} `json:"config"`
		Coefficients []map[string]any `json:"coefficients"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "o.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	cols := doc.Config.Columns
	if !slices.Contains(cols, "label_im") || slices.Contains(cols, "im") {
		t.Fatalf("label_columns %v: want label_im instead of im", cols)
	}
	K := len(coeffs.Complex128)
	if len(doc.Coefficients) != K || rows.Shape[0] != K || rows.Shape[1] != len(cols) {
		t.Fatalf("%d JSON entries, label_rows %v, %d coefficients", len(doc.Coefficients), rows.Shape, K)
	}
	nIm := 0
	for k, e := range doc.Coefficients {
		v := coeffs.Complex128[k]
		if e["re"] != real(v) || e["im"] != imag(v) {
			t.Fatalf("entry %d: re %v im %v, npz %v", k, e["re"], e["im"], v)
		}
		for ci, col := range cols {
			want := rows.Float64[k*len(cols)+ci]
			got, ok := e[col].(float64)
			// −1 in label_rows: absent (no JSON key), or a value (wph L j1,
			// spectra C11 b = −1; Labels.Values) written as −1
			if (want == -1 && ok && got != -1) || (want != -1 && got != want) {
				t.Fatalf("entry %d column %s: %v, label_rows %v", k, col, e[col], want)
			}
			if col == "label_im" && got == 1 {
				nIm++
			}
		}
	}
	if nIm == 0 {
		t.Error("no entry with label_im = 1: the test no longer covers the collision")
	}
}

// --norm's help said "WPH normalisation: none or auto", but scov takes
// --norm p11 (Cheng's normalisation of C01 and C11), which changes the
// synthesis vector and the .npz dict.
func TestNormHelpNamesP11(t *testing.T) {
	_, errs, _ := runCLI(t, "stats", "--help") // help is on stdout
	if !strings.Contains(errs, "p11") {
		t.Errorf("stats --help does not name --norm p11: %s", tail(errs, 2000))
	}
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	var n [2]int
	for i, norm := range []string{"p00", "p11"} {
		out := filepath.Join(dir, norm+".npy")
		if code, _, errs := runCLI(t, "stats", mp, "--synthesis", "--norm", norm, "-J", "3", "-o", out); code != 0 {
			t.Fatalf("--norm %s: exit %d: %s", norm, code, tail(errs, 300))
		}
		a, err := datasets.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		n[i] = a.Size()
	}
	if n[0] == n[1] {
		t.Errorf("--norm p11 gave as many synthesis coefficients as p00 (%d): not applied?", n[0])
	}
}

// TestLRDesc: the train start line shows a decay as A→B and --lr-final 0
// (or = --lr) as a constant rate, not as a decay to 0.
func TestLRDesc(t *testing.T) {
	for _, c := range []struct {
		lr, final float64
		want      string
	}{{0.01, 0.001, "lr 0.01→0.001"}, {0.01, 0, "lr 0.01 constant"}, {0.01, 0.01, "lr 0.01 constant"}} {
		if got := lrDesc(c.lr, c.final); got != c.want {
			t.Errorf("lrDesc(%g, %g) = %q, want %q", c.lr, c.final, got, c.want)
		}
	}
}

// TestGlobalFlagAfterCommand: --engine or --backend after the command is
// refused saying it is a global flag and where it goes.
func TestGlobalFlagAfterCommand(t *testing.T) {
	for _, c := range [][]string{{"check", "--engine", "graph"}, {"stats", "x.npy", "--backend", "go"}} {
		code, _, errs := runCLI(t, c...)
		want := "is a global flag; put it before the command: `stkit --" + c[len(c)-2][2:] + " VALUE " + c[0]
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c, code, errs, want)
		}
	}
}
