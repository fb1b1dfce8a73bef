package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// separate --pad crop --cut: the note names the window ⌊cut·2^J⌋ pixels in
// from each edge (it named ⌊2^J/2⌋ whatever --cut said), the statistic uses
// the cut (the output differs from the default cut's; an explicit --cut 0.5
// is the default, bit for bit), and a cut below 2^−J (no pixel left out) is
// said so rather than as a 0-pixel border.
func TestSeparateCutNote(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	run := func(name string, extra ...string) (string, []float64) {
		t.Helper()
		out := filepath.Join(dir, name+".npy")
		args := append([]string{"separate", data, "--contaminant", samples, "-J", "3", "--kind", "scov", "--pad", "crop", "--ps=false", "--steps", "1,1,1", "-o", out}, extra...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", extra, code, tail(errs, 800))
		}
		o, err := datasets.ReadMaps(out)
		if err != nil {
			t.Fatal(err)
		}
		return errs, o.Data
	}
	errs, quarter := run("quarter", "--cut", "0.25")
	// 32² map, J = 3: c = ⌊0.25·8⌋ = 2
	const want = "separate: --pad crop: the statistics are means over rows [2, 30) and columns [2, 30); the 2-pixel border enters them only through the wavelets that reach into that window, so it is less constrained and keeps more of its starting values: judge the separation on the interior OUT[:, 2:30, 2:30]\n"
	if !strings.Contains(errs, want) {
		t.Errorf("--cut 0.25: stderr lacks %q:\n%s", want, tail(errs, 800))
	}
	if !strings.Contains(errs, "pad=crop cut=0.25,") {
		t.Errorf("--cut 0.25: the summary line does not name the cut:\n%s", tail(errs, 800))
	}
	errs, def := run("default")
	if !strings.Contains(errs, "rows [4, 28) and columns [4, 28); the 4-pixel border") {
		t.Errorf("default cut: the note does not name rows [4, 28):\n%s", tail(errs, 800))
	}
	_, half := run("half", "--cut", "0.5")
	same := 0
	for i := range def {
		if quarter[i] == def[i] {
			same++
		}
		if half[i] != def[i] {
			t.Fatalf("--cut 0.5 (the default) pixel %d: %v, default %v", i, half[i], def[i])
		}
	}
	if same == len(def) {
		t.Errorf("--cut 0.25 gave the default cut's output: the statistic ignored the cut")
	}
	errs, _ = run("tiny", "--cut", "0.1")
	if w := "separate: --pad crop --cut 0.1 leaves out ⌊cut·2^J⌋ = 0 pixels per side: the statistics are means over the whole map\n"; !strings.Contains(errs, w) || strings.Contains(errs, "0-pixel border") {
		t.Errorf("--cut 0.1 (c = 0): stderr lacks %q:\n%s", w, tail(errs, 800))
	}
}

// separate --pad crop --truth scores the window the statistics constrain:
// the report's metrics.json (window, r_min, pixel correlation) and the
// printed figures are infer.EvaluateSeparationWith's on rows and columns
// [c, M−c), c = ⌊cut·2^J⌋ (before, the whole maps, the border that keeps
// much of its start included); a periodic separation still scores the
// whole maps.
func TestSeparateCropReportInterior(t *testing.T) {
	dir := t.TempDir()
	data, samples, truthPath := sepInputs(t, dir)
	out, rep := filepath.Join(dir, "out.npy"), filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "--truth", truthPath, "-J", "3", "--pad", "crop", "--cut", "0.25",
		"--ps=false", "--steps", "4,16,2", "-o", out, "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 800))
	}
	read := func(p string) *stlayer.Maps {
		t.Helper()
		m, err := datasets.ReadMaps(p)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	d, smp, truth, o := read(data), read(samples), read(truthPath), read(out)
	sep := &stlayer.Maps{B: 1, M: o.M, N: o.N, Data: o.Map(0)}
	want, err := infer.EvaluateSeparationWith(d, sep, smp, truth, infer.SepReportOptions{Interior: 2})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := infer.EvaluateSeparation(d, sep, smp, truth)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Window *infer.PixelWindow `json:"window"`
		RMin   float64            `json:"r_min"`
		PSMax  float64            `json:"ps_max_abs_ratio_minus_1"`
		Corr   float64            `json:"pixel_correlation_separated_truth"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Window == nil || got.Window.Border != 2 || got.Window.Rows != [2]int{2, 30} || got.Window.Cols != [2]int{2, 30} {
		t.Fatalf("metrics.json window %+v, want 2 pixels in: rows and columns [2, 30)", got.Window)
	}
	t.Logf("interior: r_min %.4f, ps max %.4f, corr %.4f; whole maps: %.4f, %.4f, %.4f", want.RMin, want.PSMaxDev, want.PixelCorr, whole.RMin, whole.PSMaxDev, whole.PixelCorr)
	for _, c := range []struct {
		name            string
		got, want, prev float64
	}{{"r_min", got.RMin, want.RMin, whole.RMin}, {"ps max", got.PSMax, want.PSMaxDev, whole.PSMaxDev}, {"pixel correlation", got.Corr, want.PixelCorr, whole.PixelCorr}} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("metrics.json %s %v, the interior window's %v (whole maps %v)", c.name, c.got, c.want, c.prev)
		}
	}
	if w := fmt.Sprintf("(on the interior window rows [2, 30), columns [2, 30), Hann-tapered spectra: max |P_s̃/P_s − 1| where P_c ≤ 10 P_s: %.3f", want.PSMaxDev); !strings.Contains(errs, w) {
		t.Errorf("stderr lacks %q:\n%s", w, tail(errs, 600))
	}
	// without --report the printed figures are the window's too
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "--truth", truthPath, "-J", "3", "--pad", "crop", "--cut", "0.25",
		"--ps=false", "--steps", "4,16,2", "-o", filepath.Join(dir, "out2.npy"))
	if w := fmt.Sprintf("separate: against --truth: on the interior window rows [2, 30), columns [2, 30), Hann-tapered spectra: max |P_s̃/P_s − 1| where P_c ≤ 10 P_s: %.3f", want.PSMaxDev); code != 0 || !strings.Contains(errs, w) {
		t.Errorf("no --report: exit %d, stderr lacks %q:\n%s", code, w, tail(errs, 600))
	}
	_, hout, herrs := runCLI(t, "separate", "--help")
	if h := hout + herrs; !strings.Contains(h, "With\n--pad crop every figure (and those --truth prints) is the interior window's,\n⌊cut·2^J⌋ pixels in from each edge") {
		t.Errorf("separate --help does not say that --pad crop scores the interior window")
	}
	// periodic: the whole maps, no window
	prep := filepath.Join(dir, "prep")
	code, _, errs = runCLI(t, "separate", data, "--contaminant", samples, "--truth", truthPath, "-J", "3", "--ps=false", "--steps", "1,1,1", "-o", filepath.Join(dir, "p.npy"), "--report", prep)
	if code != 0 || strings.Contains(errs, "interior window") {
		t.Errorf("periodic: exit %d: %s", code, tail(errs, 600))
	}
	if b, err := os.ReadFile(filepath.Join(prep, "metrics.json")); err != nil || strings.Contains(string(b), `"window"`) {
		t.Errorf("periodic: metrics.json names a window (%v)", err)
	}
}
