package main

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// stats --kind spectra printed 'mean()  -0.4128' for a map of mean −0.320
// (the row is mean/std, while plain scov's mean() is the raw mean), its
// P00(j) and S1(j) rows are natural logs with nothing saying so, a, b, k,
// h1, h2, im were explained only in go doc, and the label column im clashed
// with the value's im in the table ('C01(a=0,k=0,h1=1,im=1)  -8e-05  0').
// The JSON config's class_doc and the "# class" lines above the table now
// say what each class is, label_column_doc what each column is, and the
// table writes the column label_im as the JSON does. The statements are
// checked on numbers: mean() = mean/std (unbiased) of the map, P00(j) =
// log of the mean over l of plain scov's P00(j, l).
func TestStatsSpectraLabelsReadable(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	sp := labelsdocStatsJSON(t, mp, "--kind", "spectra", "-J", "3", "-L", "4")
	raw := labelsdocStatsJSON(t, mp, "--kind", "scov", "-J", "3", "-L", "4")
	maps, err := datasets.ReadMaps(mp)
	if err != nil {
		t.Fatal(err)
	}
	m, n := 0.0, float64(len(maps.Data))
	for _, v := range maps.Data {
		m += v / n
	}
	ss := 0.0
	for _, v := range maps.Data {
		ss += (v - m) * (v - m)
	}
	wantMean := m / math.Sqrt(ss/(n-1))
	p00 := map[int]float64{} // mean over l of the raw P00(j, l)
	for _, e := range raw.Coefficients {
		if e["class"] == "P00" {
			p00[labelsdocInt(e, "j1")] += e["re"].(float64) / 4
		}
		if e["class"] == "mean" && math.Abs(e["re"].(float64)-m) > 1e-12*math.Abs(m) {
			t.Errorf("plain scov mean() = %v, the map's mean is %v", e["re"], m)
		}
	}
	checked := 0
	for _, e := range sp.Coefficients {
		v := e["re"].(float64)
		switch e["class"] {
		case "mean":
			if math.Abs(v-wantMean) > 1e-9*math.Abs(wantMean) {
				t.Errorf("spectra mean() = %g, mean/std of the map = %g (mean %g)", v, wantMean, m)
			}
			checked++
		case "P00":
			j := labelsdocInt(e, "j")
			if w := math.Log(p00[j]); math.Abs(v-w) > 1e-9*math.Abs(w) {
				t.Errorf("spectra P00(j=%d) = %g, log of the mean over l of P00 = %g", j, v, w)
			}
			checked++
		case "C01", "C11":
			if _, ok := e["label_im"]; !ok {
				t.Errorf("spectra entry %v has no label_im", e)
			}
		}
	}
	if checked != 4 {
		t.Fatalf("checked %d mean/P00 entries, want 4", checked)
	}
	cd := sp.Config.ClassDoc
	for cl, want := range map[string]string{"mean": "mean/std", "P00": "log P00: natural log", "S1": "log S1: natural log", "C11": "identically 0"} {
		if !strings.Contains(cd[cl], want) {
			t.Errorf("class_doc[%q] = %q, want it to contain %q", cl, cd[cl], want)
		}
	}
	for _, col := range []string{"j", "a", "b", "k", "h1", "h2"} {
		if sp.Config.ColumnDoc[col] == "" {
			t.Errorf("label_column_doc has no %q", col)
		}
	}
	if d := sp.Config.ColumnDoc["label_im"]; !strings.Contains(d, "NOT the value's imaginary part") {
		t.Errorf("label_column_doc.label_im = %q", d)
	}
	if d := raw.Config.ClassDoc["mean"]; !strings.Contains(d, "raw mean") {
		t.Errorf("plain scov class_doc.mean = %q", d)
	}
	code, out, errs := runCLI(t, "stats", mp, "--kind", "spectra", "-J", "3", "-L", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		if strings.Contains(line, "C01(") || strings.Contains(line, "C11(") {
			rows++
			if !strings.Contains(line, ",label_im=") || strings.Contains(line, ",im=") {
				t.Errorf("table row %q: want the label column as label_im", line)
			}
		}
	}
	if rows == 0 || !strings.Contains(out, "# class mean: mean/std") || !strings.Contains(out, "# class P00: log P00") {
		t.Errorf("spectra table lacks its class lines or rows:\n%s", tail(out, 3000))
	}
	_, out, errs = runCLI(t, "stats", "--help")
	if h := out + errs; !strings.Contains(h, `"mean" is
mean/std of the map`) {
		t.Errorf("stats --help does not explain the spectra classes")
	}
}
