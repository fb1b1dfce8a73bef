package infer

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// personavae's 3-cluster run: the CIB cluster held 35 CIB, 13 dust Q and
// 4 dust I patches (33 % foreign); export warned only of 1 spectrum
// outlier. ClusterMixtures names it with its 17 foreign patches.
func TestSepmodelscheck20ClusterMixtures(t *testing.T) {
	cl := []ModelCluster{
		{K: 0, Sources: []SourceCount{{"dustI.fits", 161}}},
		{K: 1, Sources: []SourceCount{{"dustQ.fits", 152}}},
		{K: 2, Sources: []SourceCount{{"cib.fits", 35}, {"dustQ.fits", 13}, {"dustI.fits", 4}}},
	}
	got := ClusterMixtures(cl)
	if len(got) != 1 || got[0].K != 2 || got[0].Foreign != 17 || got[0].Count != 52 || len(got[0].Sources) != 2 || got[0].Home[0] != 1 || got[0].Home[1] != 0 {
		t.Fatalf("mixtures %+v, want component 2 with 17 of 52 foreign (dustQ → 1, dustI → 0)", got)
	}
	msg := got[0].Message()
	for _, w := range []string{"component 2: 17 of its 52", "(33 %)", "dustQ.fits 13 (mostly component 1)", "dustI.fits 4 (mostly component 0)", "its own: cib.fits 35", "--max-per-source"} {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q lacks %q", msg, w)
		}
	}
	// 10 foreign of 50 (20 %) is not above the limit; 11 of 51 is
	cl[2].Sources = []SourceCount{{"cib.fits", 40}, {"dustQ.fits", 10}}
	if got := ClusterMixtures(cl); len(got) != 0 {
		t.Errorf("20 %% foreign: %+v, want none", got)
	}
	cl[2].Sources = []SourceCount{{"cib.fits", 40}, {"dustQ.fits", 11}}
	if got := ClusterMixtures(cl); len(got) != 1 || got[0].Foreign != 11 {
		t.Errorf("21.6 %% foreign: %+v, want component 2 with 11", got)
	}
	// several maps of one family in one cluster, and a map split over two
	// clusters (the smaller part pure): nothing to say
	fam := []ModelCluster{
		{K: 0, Sources: []SourceCount{{"a.fits", 50}, {"b.fits", 50}, {"c.fits", 40}}},
		{K: 1, Sources: []SourceCount{{"q.fits", 60}}},
		{K: 2, Sources: []SourceCount{{"q.fits", 30}}},
	}
	if got := ClusterMixtures(fam); len(got) != 0 {
		t.Errorf("one family per cluster: %+v, want none", got)
	}
	// 30 Q (home 1) with 20 I (home 0): the I patches are foreign
	fam[2].Sources = []SourceCount{{"q.fits", 30}, {"a.fits", 20}}
	if got := ClusterMixtures(fam); len(got) != 1 || got[0].Foreign != 20 || got[0].Own[0].File != "q.fits" {
		t.Errorf("split Q with I: %+v", got)
	}
	// one source file: nothing
	if got := ClusterMixtures([]ModelCluster{{K: 0, Sources: []SourceCount{{"a", 5}}}, {K: 1, Sources: []SourceCount{{"a", 3}}}}); got != nil {
		t.Errorf("one source: %+v", got)
	}
}

// export warns about the mixture: the tiny run's patches relabelled so
// that a third of one cluster's patches carry the other cluster's source.
func TestSepmodelscheck20ExportWarnsMixture(t *testing.T) {
	fx := tinyRun(t)
	tr, err := OpenRun(fx.run, nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := datasets.LoadFeatures(fx.dataset)
	if err != nil {
		t.Fatal(err)
	}
	var warns []string
	opt := ExportOptions{Samples: 20, Seed: 3, Warn: func(s string) { warns = append(warns, s) }}
	ms, err := exportFrom(tr, f, fx.dataset, filepath.Join(t.TempDir(), "m"), opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range warns {
		if strings.Contains(w, "mostly went to other components") {
			t.Fatalf("clean clusters %+v: warned %q", ms.Manifest.Clusters, w)
		}
	}
	// relabel 20 of component 0's patches with the source of component 1's
	// first patch
	ps := *f.Patches
	ps.Patches = append([]datasets.Patch(nil), f.Patches.Patches...)
	other := ps.Patches[ms.Components[1].PatchIndex[0]].Source
	idx := ms.Components[0].PatchIndex
	if len(idx) < 40 {
		t.Fatalf("component 0 has %d patches", len(idx))
	}
	for _, i := range idx[:20] {
		ps.Patches[i].Source = other
	}
	f.Patches = &ps
	warns = nil
	if _, err := exportFrom(tr, f, fx.dataset, filepath.Join(t.TempDir(), "m"), opt); err != nil {
		t.Fatal(err)
	}
	var hit []string
	for _, w := range warns {
		if strings.Contains(w, "mostly went to other components") {
			hit = append(hit, w)
		}
	}
	want := "component 0: 20 of its " + strconv.Itoa(len(idx)) + " training patches"
	if len(hit) != 1 || !strings.Contains(hit[0], want) || !strings.Contains(hit[0], ps.Sources[other]+" 20 (mostly component 1)") {
		t.Errorf("warnings %q, want one with %q", hit, want)
	}
}

// personavae's mix_QC: the CIB estimate had mean 0.0307 against the
// truth's −0.0004 (3.7 true stds), std 0.0046 (model 0.049) and was 100 %
// outside its truth's colour scale; stdout gave only correlations.
func TestSepmodelscheck20Moments(t *testing.T) {
	const n = 16
	est := stlayer.NewMaps(2, n, n)
	truth := stlayer.NewMaps(2, n, n)
	for i := 0; i < n*n; i++ {
		s := float64(i%7-3) / 3 // mean 0-ish, std ~0.67
		truth.Data[i] = 0.116 + 0.01*s
		est.Data[i] = 0.085 + 0.01*s
		truth.Data[n*n+i] = -0.0004 + 0.0084*s
		est.Data[n*n+i] = 0.0307 + 0.0046*s
	}
	comps := []SepComponent{
		{Name: "component 1", Model: &ComponentModel{PixelMoments: [4]float64{0.0875, 0.032, 0, 0}}},
		{Name: "component 2", Model: &ComponentModel{PixelMoments: [4]float64{0.0329, 0.0494, 0, 0}}},
	}
	mo := SeparationMoments(est, truth, comps)
	if len(mo) != 2 {
		t.Fatalf("%d moments", len(mo))
	}
	m := mo[1]
	emu, esd, _, _ := Moments(est.Map(1))
	tmu, tsd, _, _ := Moments(truth.Map(1))
	if m.Mean != emu || m.Std != esd || *m.TrueMean != tmu || *m.TrueStd != tsd || math.Abs(*m.MeanError-(emu-tmu)) > 1e-15 {
		t.Errorf("moments %+v", m)
	}
	if math.Abs(*m.MeanErrorStd-(emu-tmu)/tsd) > 1e-12 || !(*m.MeanErrorStd > 5) {
		t.Errorf("mean error %g true stds", *m.MeanErrorStd)
	}
	if math.Abs(m.MeanOffsetModelStd-(emu-0.0329)/0.0494) > 1e-12 {
		t.Errorf("offset %g model stds", m.MeanOffsetModelStd)
	}
	if *m.ClippedFraction != 1 {
		t.Errorf("clipped %g, want 1 (every pixel above the truth's range)", *m.ClippedFraction)
	}
	p := strings.Join(m.Problems(), "\n")
	for _, w := range []string{"off the truth's", "true stds", "100 % of the estimate's pixels lie outside", "below its model's"} {
		if !strings.Contains(p, w) {
			t.Errorf("problems %q lack %q", p, w)
		}
	}
	if strings.Contains(p, "model stds from its model's") {
		t.Errorf("the mean is within its model's spread: %q", p)
	}
	if !strings.Contains(m.Line(), "mean error 0.031") {
		t.Errorf("line %q", m.Line())
	}
	// the model's mean far off, no truth: the model offset is named
	comps[1].Model.PixelMoments = [4]float64{0.2, 0.01, 0, 0}
	mo = SeparationMoments(est, nil, comps)
	if mo[1].TrueMean != nil || mo[1].ClippedFraction != nil {
		t.Errorf("no truth: %+v", mo[1])
	}
	if p := strings.Join(mo[1].Problems(), "\n"); !strings.Contains(p, "model stds from its model's 0.2") {
		t.Errorf("problems %q", p)
	}
	// an estimate that matches: no problem
	comps[0].Model.PixelMoments = [4]float64{0.085, 0.0067, 0, 0}
	if p := SeparationMoments(est, truth, comps)[0].Problems(); len(p) != 2 || !strings.Contains(p[0], "off the truth's") || !strings.Contains(p[1], "100 %") {
		t.Errorf("component 1 (mean 0.085 vs truth 0.116, std 0.0067): problems %q, want the truth offset and the clipping only", p)
	}
	comps[0].Model.PixelMoments = [4]float64{0.116, 0.0067, 0, 0}
	if p := SeparationMoments(truth, truth, comps)[0].Problems(); len(p) != 0 {
		t.Errorf("the truth itself (its model's std): problems %q", p)
	}
}

// personavae's mix_IC: --min-fraction 0.2 masked nearly all of the CIB's
// coefficients and its term fell 0.084 → 2.2e-6, silently.
// SeparateWithModels records the coefficients kept, MaskWarnings names the
// component, and TermHistory holds every iteration's terms.
func TestSepmodelscheck20MaskAndHistory(t *testing.T) {
	ms, compOf := tinyModels(t)
	eng := cpu.New()
	data, _ := tinyMixture(t, 90011, 90088)
	// a faint second component: its share is far below 0.2 at every scale
	c1 := *ms.Components[compOf[1]]
	for i := range c1.PS {
		c1.PS[i] *= 1e-4
	}
	c1.PS = append([]float64(nil), c1.PS...)
	lm := append([]float64(nil), c1.PSLogMean...)
	for i := range lm {
		lm[i] += math.Log(1e-4)
	}
	c1.PSLogMean = lm
	comps := []SepComponent{{Name: "grf", Model: ms.Components[compOf[0]]}, {Name: "faint", Model: &c1}}
	res, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: -1, Steps: 3, Tau: -1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.KeptCoeffs) != 2 || len(res.ModelCoeffs) != 2 || res.ModelCoeffs[1] < 10 {
		t.Fatalf("kept %v of %v", res.KeptCoeffs, res.ModelCoeffs)
	}
	if !(res.KeptCoeffs[1] < res.ModelCoeffs[1]/4) || res.KeptCoeffs[0] != res.ModelCoeffs[0] {
		t.Errorf("kept %v of %v: want the faint component masked, grf whole", res.KeptCoeffs, res.ModelCoeffs)
	}
	w := MaskWarnings(res, comps, 0.2)
	if len(w) != 1 || !strings.HasPrefix(w[0], "faint: the --min-fraction 0.2 mask keeps ") || !strings.Contains(w[0], " of its "+strconv.Itoa(res.ModelCoeffs[1])+" coefficients") {
		t.Errorf("warnings %q", w)
	}
	iters := 0
	for _, e := range res.Epochs {
		iters += e.Iters
	}
	if len(res.TermHistory) != iters || iters == 0 {
		t.Fatalf("history of %d iterations, %d made", len(res.TermHistory), iters)
	}
	last := res.TermHistory[len(res.TermHistory)-1]
	if len(last) != 4 {
		t.Fatalf("last history entry %v: want 2 terms + 2 priors", last)
	}
	// without the mask every coefficient is kept and nothing is said
	res0, err := SeparateWithModels(context.Background(), eng, ms, data, comps, ModelSepOptions{AmpSteps: -1, Steps: 1, Tau: -1, MinFraction: -1})
	if err != nil {
		t.Fatal(err)
	}
	if res0.KeptCoeffs[1] != res0.ModelCoeffs[1] || len(MaskWarnings(res0, comps, -1)) != 0 {
		t.Errorf("no mask: kept %v of %v", res0.KeptCoeffs, res0.ModelCoeffs)
	}
	// the plots: per-term loss and the models' spectra
	dir := t.TempDir()
	if err := PlotModelSepTerms(filepath.Join(dir, "loss.png"), res, []string{"grf", "faint"}); err != nil {
		t.Fatal(err)
	}
	if err := PlotModelSepSpectra(filepath.Join(dir, "ps.png"), data, res.Components, nil, comps, ms.Manifest.PatchSize); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"loss.png", "ps.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
}
