package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// sepInputs writes a 32×32 mixture, 3 contaminant samples and the truth.
func sepInputs(t *testing.T, dir string) (data, samples, truth string) {
	t.Helper()
	s, err := datasets.LogNormalField(32, 32, -3, 0.6, 1)
	if err != nil {
		t.Fatal(err)
	}
	cs := stlayer.NewMaps(4, 32, 32)
	for i := 0; i < 4; i++ {
		c, err := datasets.LogNormalField(32, 32, -1, 0.3, uint64(10+i))
		if err != nil {
			t.Fatal(err)
		}
		for j := range c {
			c[j] *= 0.3
		}
		copy(cs.Map(i), c)
	}
	d := stlayer.NewMaps(1, 32, 32)
	for j := range d.Data {
		d.Data[j] = s[j] + cs.Data[j]
	}
	rest := &stlayer.Maps{B: 3, M: 32, N: 32, Data: cs.Data[32*32:]}
	data, samples, truth = filepath.Join(dir, "d.npy"), filepath.Join(dir, "c.npy"), filepath.Join(dir, "s.npy")
	for _, w := range []struct {
		p string
		m *stlayer.Maps
	}{{data, d}, {samples, rest}, {truth, &stlayer.Maps{B: 1, M: 32, N: 32, Data: s}}} {
		if err := datasets.WriteMaps(w.p, w.m); err != nil {
			t.Fatal(err)
		}
	}
	return
}

func TestSeparateCLI(t *testing.T) {
	dir := t.TempDir()
	data, samples, truth := sepInputs(t, dir)
	out := filepath.Join(dir, "out.npy")
	rep := filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "3,6,2", "-o", out, "--report", rep, "--truth", truth, "--box", "positive")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	m, err := datasets.ReadMaps(out)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := datasets.ReadMaps(data)
	if m.B != 2 || m.M != 32 || m.N != 32 {
		t.Fatalf("output [%d,%d,%d], want [2,32,32]", m.B, m.M, m.N)
	}
	moved := 0.0
	for i := range d.Data {
		if e := m.Map(0)[i] + m.Map(1)[i] - d.Data[i]; math.Abs(e) > 1e-12 {
			t.Fatalf("s̃ + (d − s̃) ≠ d at pixel %d (%g)", i, e)
		}
		moved += math.Abs(m.Map(1)[i])
	}
	if moved == 0 {
		t.Error("s̃ = d: nothing was separated")
	}
	for _, f := range []string{"maps.png", "power_spectrum.png", "metrics.json", "loss.png"} {
		if st, err := os.Stat(filepath.Join(rep, f)); err != nil || st.Size() == 0 {
			t.Errorf("report file %s missing", f)
		}
	}
	b, _ := os.ReadFile(filepath.Join(rep, "metrics.json"))
	// The default statistic is the isotropic WPH model; JMD's default batch
	// is the whole pool of 3 samples (min(pool, 20)).
	for _, key := range []string{`"ps_ratio_separated_over_truth"`, `"r_separated_truth"`, `"ps_max_abs_ratio_minus_1"`, `"r_min"`, `"kind": "wph"`, `"batch": 3`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("metrics.json lacks %s", key)
		}
	}
	if !strings.Contains(errs, "report: "+filepath.Join(rep, "metrics.json")+" (max |P_s̃/P_s − 1| where P_c ≤ 10 P_s: ") {
		t.Errorf("the report line does not give the figures against the truth:\n%s", errs)
	}
	// --truth without --report: the same figures, printed.
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "3,6,2", "-o", out, "--truth", truth, "--box", "positive")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "separate: against --truth: max |P_s̃/P_s − 1| where P_c ≤ 10 P_s: ") || !strings.Contains(errs, "min r where P_c ≤ P_s: ") {
		t.Errorf("--truth without --report prints no figures:\n%s", errs)
	}
}

func TestSeparateBadInput(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	write := func(name string, m *stlayer.Maps) string {
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	small := write("small.npy", stlayer.NewMaps(3, 16, 16))
	one := write("one.npy", stlayer.NewMaps(1, 32, 32))
	nan := stlayer.NewMaps(3, 32, 32)
	nan.Data[100] = math.NaN()
	nanp := write("nan.npy", nan)
	tiny := write("tiny.npy", stlayer.NewMaps(1, 16, 16))
	out := filepath.Join(dir, "out.npy")
	cases := map[string][]string{
		"samples of another size": {data, "--contaminant", small},
		"one sample":              {data, "--contaminant", one},
		"one noise sample":        {data, "--noise", one},
		"NaN in the samples":      {data, "--contaminant", nanp},
		"data too small for J":    {tiny, "--contaminant", small, "-J", "4"},
		"no samples":              {data},
		"missing file":            {data, "--contaminant", filepath.Join(dir, "nope.npy")},
		"template size":           {data, "--contaminant", samples, "--template", small},
		"bad weights":             {data, "--contaminant", samples, "--weights", "data=x"},
		"bad steps":               {data, "--contaminant", samples, "--steps", "1,2,3,4"},
		"bad form":                {data, "--contaminant", samples, "--form", "xyz"},
		"wst kind":                {data, "--contaminant", samples, "--kind", "wst"},
		"output dir missing":      {data, "--contaminant", samples, "-o", filepath.Join(dir, "no", "out.npy")},
	}
	for name, args := range cases {
		full := append([]string{"separate"}, args...)
		if !containsFlag(args, "-o") {
			full = append(full, "-o", out)
		}
		code, _, errs := runCLI(t, full...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2 (%s)", name, code, strings.TrimSpace(errs))
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: output written on bad input", name)
		}
	}
}

// --start: s̃ starts from the given map (or plane 0 of an earlier OUT)
// instead of DATA; started from the truth, the same few steps end far closer
// to it.
func TestSeparateStart(t *testing.T) {
	dir := t.TempDir()
	data, samples, truth := sepInputs(t, dir)
	s, _ := datasets.ReadMaps(truth)
	rmsErr := func(out string) float64 {
		m, err := datasets.ReadMaps(out)
		if err != nil {
			t.Fatal(err)
		}
		e := 0.0
		for i, v := range s.Data {
			e += (m.Map(0)[i] - v) * (m.Map(0)[i] - v)
		}
		return math.Sqrt(e / float64(len(s.Data)))
	}
	run := func(out string, extra ...string) {
		args := append([]string{"separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,4,1", "-o", out}, extra...)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
	}
	fromD, fromS, again := filepath.Join(dir, "d_out.npy"), filepath.Join(dir, "s_out.npy"), filepath.Join(dir, "again.npy")
	run(fromD)
	run(fromS, "--start", truth)
	eD, eS := rmsErr(fromD), rmsErr(fromS)
	if !(eS < 0.5*eD) {
		t.Errorf("rms error from the truth %.4g, from DATA %.4g", eS, eD)
	}
	// An earlier OUT [2, M, N]: its plane 0 is the start.
	run(again, "--start", fromS)
	if e := rmsErr(again); !(e < 0.5*eD) {
		t.Errorf("rms error continuing from the truth-started result %.4g, from DATA %.4g", e, eD)
	}
	write := func(name string, m *stlayer.Maps) string {
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nan := stlayer.NewMaps(1, 32, 32)
	nan.Data[7] = math.NaN()
	for name, start := range map[string]string{
		"size":  write("st_small.npy", stlayer.NewMaps(1, 16, 16)),
		"three": write("st_three.npy", stlayer.NewMaps(3, 32, 32)),
		"nan":   write("st_nan.npy", nan),
	} {
		out := filepath.Join(dir, "bad_"+name+".npy")
		if code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,4,1", "-o", out, "--start", start); code != 2 {
			t.Errorf("start %s: exit %d, want 2 (%s)", name, code, strings.TrimSpace(errs))
		}
	}
	// The output may not replace the start.
	if code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,4,1", "-o", fromS, "--start", fromS); code != 2 || !strings.Contains(errs, "replace the input") {
		t.Errorf("-o = --start: exit %d: %s", code, errs)
	}
}

func containsFlag(args []string, f string) bool {
	for _, a := range args {
		if a == f {
			return true
		}
	}
	return false
}

// A FITS data map's content cards (WCS, units) are carried to a FITS output,
// with HISTORY cards saying what the planes are; the file name's non-ASCII
// letters cannot break the header.
func TestSeparateFITSKeepsHeader(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	d, err := datasets.ReadMaps(data)
	if err != nil {
		t.Fatal(err)
	}
	fits := filepath.Join(dir, "données.fits")
	wcs := []datasets.Card{{Key: "CTYPE1", Value: "GLON-CAR"}, {Key: "CDELT1", Value: -0.05}, {Key: "BUNIT", Value: "MJy/sr"}}
	if err := datasets.WriteMapsCards(fits, d, wcs...); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.fits")
	if code, _, errs := runCLI(t, "separate", fits, "--contaminant", samples, "-J", "3", "--steps", "2,2,1", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]any{}
	var history []string
	for _, c := range datasets.FITSUserCards(a.Header) {
		if c.Key == "HISTORY" {
			history = append(history, c.Comment)
		} else {
			got[c.Key] = c.Value
		}
	}
	if got["CTYPE1"] != "GLON-CAR" || got["CDELT1"] != -0.05 || got["BUNIT"] != "MJy/sr" {
		t.Errorf("output cards %v", got)
	}
	// the HISTORY also names the samples and the settings (it named the
	// planes and the data only)
	h := strings.Join(history, " ")
	for _, w := range []string{"stkit separate: plane 1 = the separated component s, plane 2 = DATA - s; data donn?es.fits; contaminant samples " + filepath.Base(samples),
		"; statistic wph J=3 L=4 iso wavelet=bump norm=none pad=periodic + power spectrum, jmd form, --steps 2,2,1, --seed 1"} {
		if !strings.Contains(h, w) {
			t.Errorf("HISTORY lacks %q: %q", w, h)
		}
	}
}

// TestSeparateSkippedStageNumbers: with --weights data=0 the first stage
// (the data term alone) is skipped; the progress line numbers the stage
// that runs as the summary does (stage 2 of 2), not "stage 2/1".
func TestSeparateSkippedStageNumbers(t *testing.T) {
	dir := t.TempDir()
	data, samples, truth := sepInputs(t, dir)
	out := filepath.Join(dir, "out.npy")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,3,1", "--weights", "data=0,contaminant=1", "--start", truth, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"stage 1: skipped", "stage 2: ", "stage 2/2 epoch 1"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if strings.Contains(errs, "stage 2/1") {
		t.Errorf("progress numbers the stage 2/1:\n%s", errs)
	}
}

// TestSeparateBatchReduced: --batch above the pool of distinct residual
// samples (3 here) is reduced to the pool; the CLI says so in one warning
// line and the report's settings keep the batch asked for.
func TestSeparateBatchReduced(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	out, rep := filepath.Join(dir, "out.npy"), filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "1,2,1", "--batch", "5", "-o", out, "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := "separate: warning: --batch 5 is more than the 3 distinct residual samples; using 3\n"
	if strings.Count(errs, want) != 1 || !strings.Contains(errs, "batch 3 of 3 samples") {
		t.Errorf("stderr lacks (once) %q and the batch 3 of 3 samples:\n%s", want, errs)
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Settings map[string]any `json:"settings"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Settings["batch"] != 3.0 || m.Settings["batch_requested"] != 5.0 {
		t.Errorf("metrics.json settings: batch %v, batch_requested %v; want 3 and 5", m.Settings["batch"], m.Settings["batch_requested"])
	}
	// A batch within the pool: no warning, no batch_requested.
	rep2 := filepath.Join(dir, "rep2")
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "1,2,1", "--batch", "2", "-o", out, "--report", rep2)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if strings.Contains(errs, "warning") {
		t.Errorf("--batch 2 of a pool of 3 warns:\n%s", errs)
	}
	if b, _ := os.ReadFile(filepath.Join(rep2, "metrics.json")); strings.Contains(string(b), "batch_requested") || !strings.Contains(string(b), `"batch": 2`) {
		t.Errorf("--batch 2: metrics.json should have batch 2 and no batch_requested:\n%s", b)
	}
}

// TestSeparateStuckAtDataIsBadInput: with only the contaminant term
// (--weights data=0,contaminant=1) and the default start s̃ = d, the residual
// is identically 0 where the gradient vanishes; infer reports an input error
// after its first evaluation. The CLI exits 2, names --start in the message
// and writes no output (s̃ = d is no result).
func TestSeparateStuckAtDataIsBadInput(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	out := filepath.Join(dir, "out.npy")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,3,1", "--weights", "data=0,contaminant=1", "-o", out)
	if code != 2 || !strings.Contains(errs, "--start") {
		t.Errorf("exit %d, want 2 and a message naming --start:\n%s", code, errs)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s written (stat: %v); want no output", out, err)
	}
}
