package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// TestExpwarn18ExportSpectrumOutliers: a dataset of 32² patches of white
// noise and smooth GRFs plus one patch of white noise 1000× louder (a
// patch of another family, as 2 dust patches among 128 Quijote ones were):
// whichever cluster the 2-cluster run puts it in, export warns about that
// component, naming the patch's dataset row and source file and what to do,
// and flags no other patch. --drop-outliers builds the component's spectra
// without it (ps = the mean spectrum of its other patches) while the patch
// stays in its patch_index; without the flag ps is the mean over all.
func TestExpwarn18ExportSpectrumOutliers(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b, size int, scale float64, gen func(seed uint64) ([]float64, error)) string {
		m := stlayer.NewMaps(b, size, size)
		for i := 0; i < b; i++ {
			x, err := gen(uint64(40 + i))
			if err != nil {
				t.Fatal(err)
			}
			for j, v := range x {
				m.Map(i)[j] = scale * v
			}
		}
		p := filepath.Join(dir, name)
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	noise := write("noise.npy", 3, 64, 1, func(s uint64) ([]float64, error) { return datasets.WhiteNoise(64, 64, s) })
	smooth := write("smooth.npy", 3, 64, 1, func(s uint64) ([]float64, error) { return datasets.GaussianRandomField(64, 64, -3, s) })
	loud := write("loud.npy", 1, 32, 1000, func(s uint64) ([]float64, error) { return datasets.WhiteNoise(32, 32, s+900) })
	ds, run := filepath.Join(dir, "ds"), filepath.Join(dir, "run")
	for _, args := range [][]string{
		{"patches", noise, smooth, loud, "-o", ds, "--size", "32", "--stride", "16"},
		{"train", ds, "-o", run, "--clusters", "2", "--epochs", "8", "--seed", "3",
			"--z", "4", "--h", "32", "--layers", "1", "--batch", "32", "--lr-final", "0"},
	} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", args[0], code, errs)
		}
	}
	// The loud patch's dataset row.
	var idx []struct{ Source int }
	b, err := os.ReadFile(filepath.Join(ds, "index.json"))
	if err != nil || json.Unmarshal(b, &idx) != nil {
		t.Fatalf("index.json: %v", err)
	}
	row := -1
	for i, p := range idx {
		if p.Source == 2 {
			if row >= 0 {
				t.Fatalf("loud.npy gave more than one patch")
			}
			row = i
		}
	}
	if row < 0 {
		t.Fatal("loud.npy gave no patch")
	}
	feat, err := datasets.LoadFeatures(ds)
	if err != nil {
		t.Fatal(err)
	}
	pset := feat.Patches
	meanPS := func(rows []int) []float64 {
		maps := make([][]float64, len(rows))
		for j, i := range rows {
			maps[j] = pset.Patch(i)
		}
		return infer.MeanPowerSpectrum(maps, 32, 32).P
	}
	topKept := 0.0
	warnRe := regexp.MustCompile(`export: warning: component (\d): (.*)`)
	for _, drop := range []bool{false, true} {
		models := filepath.Join(dir, fmt.Sprintf("models_%v", drop))
		args := []string{"export", run, "-o", models, "--samples", "20"}
		if drop {
			args = append(args, "--drop-outliers")
		}
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("export (drop %v): exit %d\n%s", drop, code, errs)
		}
		ms, err := infer.LoadModels(models)
		if err != nil {
			t.Fatal(err)
		}
		k := -1
		for _, c := range ms.Components {
			if slices.Contains(c.PatchIndex, row) {
				k = c.K
			}
		}
		w := warnRe.FindAllStringSubmatch(errs, -1)
		if len(w) != 1 || w[0][1] != fmt.Sprint(k) {
			t.Fatalf("drop %v: want one warning, about component %d (which holds row %d); stderr:\n%s", drop, k, row, errs)
		}
		msg := w[0][2]
		n := len(ms.Components[k].PatchIndex)
		for _, want := range []string{
			fmt.Sprintf("1 of its %d training patches have power spectra far from the others'", n),
			fmt.Sprintf("dataset rows %d (%s)", row, loud),
			"stkit train --clusters 3",
			"--drop-outliers",
		} {
			if !strings.Contains(msg, want) {
				t.Errorf("drop %v: warning lacks %q:\n%s", drop, want, msg)
			}
		}
		if strings.Contains(msg, "ExportOptions") {
			t.Errorf("drop %v: warning names the Go option: %s", drop, msg)
		}
		if got := strings.Contains(msg, "left out of the component's moments"); got != drop {
			t.Errorf("drop %v: warning says left out: %v: %s", drop, got, msg)
		}
		// ps: the mean spectrum of the patches the moments come from.
		c := ms.Components[k]
		rows := c.PatchIndex
		if drop {
			rows = slices.DeleteFunc(slices.Clone(rows), func(i int) bool { return i == row })
		}
		want := meanPS(rows)
		for i := range want {
			if math.Abs(c.PS[i]-want[i]) > 1e-9*want[i] {
				t.Fatalf("drop %v: component %d ps[%d] = %g, want %g (mean over %d patches)", drop, k, i, c.PS[i], want[i], len(rows))
			}
		}
		// The manifest records the outlier of component k, and only it.
		for _, cl := range ms.Manifest.Clusters {
			so := cl.SpectrumOutliers
			if cl.K != k {
				if so != nil {
					t.Errorf("drop %v: component %d records outliers %+v", drop, cl.K, so)
				}
				continue
			}
			if so == nil || !slices.Equal(so.Rows, []int{row}) || !slices.Equal(so.Sources, []string{loud}) || so.Dropped != drop || so.Patches != n {
				t.Errorf("drop %v: manifest spectrum_outliers of component %d: %+v, want row %d", drop, k, so, row)
			}
		}
		raw, _ := os.ReadFile(filepath.Join(models, "manifest.json"))
		if !strings.Contains(string(raw), `"spectrum_outliers": {`) {
			t.Errorf("drop %v: manifest.json has no spectrum_outliers member", drop)
		}
		if ms.Manifest.Clusters[k].Count != n || !slices.Contains(c.PatchIndex, row) {
			t.Errorf("drop %v: the outlier left the cluster (count %d, patch_index %v)", drop, ms.Manifest.Clusters[k].Count, c.PatchIndex)
		}
		// The loud patch is 10⁶ times the noise patches' power: without it
		// the log-power spread per bin is that of same-family patches.
		// ps_logstd: the std (ddof 1) of log P over those patches; the loud
		// patch (10⁶ times the noise patches' power) widens it.
		for bin := range c.PSLogStd {
			var s, s2 float64
			for _, i := range rows {
				l := math.Log(infer.IsoPowerSpectrum(pset.Patch(i), 32, 32).P[bin])
				s, s2 = s+l, s2+l*l
			}
			nr := float64(len(rows))
			want := math.Sqrt((s2/nr - s*s/nr/nr) * nr / (nr - 1))
			if math.Abs(c.PSLogStd[bin]-want) > 1e-6*want {
				t.Fatalf("drop %v: ps_logstd[%d] = %g, want %g", drop, bin, c.PSLogStd[bin], want)
			}
		}
		top := slices.Max(c.PSLogStd[2:])
		if drop && !(top < topKept) {
			t.Errorf("max ps_logstd over k ≥ 2: %.3g with --drop-outliers, %.3g without", top, topKept)
		}
		topKept = top
	}
}
