package infer

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// samplecheck20Maps returns b maps of p² pixels: white noise through
// exp(0.5 g), mean removed (skewness about 1.7), negated when neg (the same
// power spectrum, skewness about −1.7), plus shift.
func samplecheck20Maps(b, p int, seed uint64, neg bool, shift float64) *stlayer.Maps {
	rng := rand.New(rand.NewPCG(seed, 7))
	x := stlayer.NewMaps(b, p, p)
	for i := 0; i < b; i++ {
		m := x.Map(i)
		mu := 0.0
		for j := range m {
			m[j] = math.Exp(0.5 * rng.NormFloat64())
			mu += m[j] / float64(len(m))
		}
		for j := range m {
			m[j] -= mu
			if neg {
				m[j] = -m[j]
			}
			m[j] += shift
		}
	}
	return x
}

func samplecheck20Check(t *testing.T, sc SampleChecks, name string) SampleCheck {
	t.Helper()
	for _, c := range sc.Checks {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no check %q in %+v", name, sc.Checks)
	return SampleCheck{}
}

// The sample report's verdict was the spectrum's alone: samples with the
// patches' spectrum but the opposite skewness (negated patches of a skewed
// white noise) were "within the sampling noise". The checks now say
// "outside", naming the skewness and the Minkowski functionals, in
// metrics.json (settings.sample_checks) and in the terminal lines; and the
// report carries the training patches' unit (model manifest bunit) on the
// figures' value axes and in metrics.json.
func TestSamplecheck20OutsideOnMoments(t *testing.T) {
	fx := tinyRun(t)
	ms, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 8, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	ms.Manifest.Source.BUnit = "MJy/sr"
	ms.Manifest.Source.PixelScale = &datasets.PixelScale{X: 1, Y: 1, Unit: "arcmin"}
	p := ms.Manifest.PatchSize
	patches := samplecheck20Maps(24, p, 1, false, 0)
	sampled := samplecheck20Maps(4, p, 2, true, 0)
	dir := t.TempDir()
	settings := map[string]any{"box": "none"}
	vm, err := SampleReport(dir, cpu.New(), ms, 0, &SampleResult{Maps: sampled}, patches, settings)
	if err != nil {
		t.Fatal(err)
	}
	pv := settings["ps_verdict"].(map[string]PSVerdict)
	if !pv["arithmetic_mean"].Within || !pv["geometric_mean"].Within {
		t.Fatalf("the spectra should agree (the old verdict's 'within'): %+v", pv)
	}
	sc := settings["sample_checks"].(SampleChecks)
	if sc.Within || !strings.HasPrefix(sc.Verdict, "outside: ") {
		t.Errorf("verdict %q, want outside", sc.Verdict)
	}
	sk := samplecheck20Check(t, sc, "skewness")
	if sk.Pass || sk.Value > -1 || sk.Limit < 0.5 || !strings.Contains(sk.Detail, "4 of 4 below it") {
		t.Errorf("skewness check %+v, want FAIL: tiles ≈ −1.7 below the patches' 5 %% ≈ +1", sk)
	}
	mf := samplecheck20Check(t, sc, "Minkowski functionals")
	// samplecheck2_20: the figure in the pooled maps' spread (the
	// permutation test's), the report's beside it
	if mf.Pass || mf.Value < 1.5*mf.Limit || !strings.Contains(mf.Detail, fmt.Sprintf("%.3g in the report's", vm.MFMaxStdErr)) {
		t.Errorf("Minkowski check %+v (report %.3g), want FAIL", mf, vm.MFMaxStdErr)
	}
	for _, name := range []string{"spectrum k ≥ 2, mean PS", "spectrum k ≥ 2, geometric-mean PS", "spectrum k < 2", "W1 of the histograms", "pixel mean", "pixel std", "excess kurtosis"} {
		c := samplecheck20Check(t, sc, name)
		if name == "pixel mean" && !c.Pass {
			t.Errorf("pixel mean: %+v, want pass (both ≈ 0)", c)
		}
	}
	if len(sc.Checks) != 9 {
		t.Errorf("%d checks, want 9", len(sc.Checks))
	}
	lines := strings.Join(sc.Lines(), "\n")
	for _, want := range []string{"check skewness: FAIL: ", "check spectrum k ≥ 2, mean PS: pass: ", "check spectrum k < 2: ", "verdict: outside: ", "try: the samples' pixel distribution"} {
		if !strings.Contains(lines, want) {
			t.Errorf("lines lack %q:\n%s", want, lines)
		}
	}
	// metrics.json: the new key beside the old ones, the unit
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Unit     string `json:"unit"`
		Settings struct {
			Verdict map[string]PSVerdict `json:"ps_verdict"`
			Checks  SampleChecks         `json:"sample_checks"`
		} `json:"settings"`
		KScale *KScale `json:"k_scale"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.Settings.Checks.Within || len(m.Settings.Checks.Checks) != 9 || m.Settings.Verdict["arithmetic_mean"].Verdict == "" {
		t.Errorf("metrics.json settings: %+v", m.Settings)
	}
	if m.Unit != "MJy/sr" || vm.Unit != "MJy/sr" {
		t.Errorf("unit %q, want MJy/sr (the model manifest's bunit)", m.Unit)
	}
	if m.KScale == nil || m.KScale.Unit != "arcmin" || m.KScale.SidePx != p {
		t.Errorf("k_scale %+v, want the model manifest's pixel scale", m.KScale)
	}
	// the figures' labels: histogram.png's value axis and the P(k) axis
	if got := "pixel value" + unitSuffix(vm.Unit, false); got != "pixel value [MJy/sr]" {
		t.Errorf("histogram axis %q", got)
	}
	if got := unitSuffix(vm.Unit, true); got != " [(MJy/sr)²]" {
		t.Errorf("P(k) axis unit %q, want MJy/sr squared", got)
	}
}

// A cluster of two populations (patch means 0 and 1) sampled between them
// (mean 0.5): every tile inside the patches' 5–95 % range of the mean, the
// old rule's pass, but in the gap: the pixel-mean check fails and says so.
// Same-population samples pass every moment check.
func TestSamplecheck20Gap(t *testing.T) {
	const p = 16
	patches := samplecheck20Maps(48, p, 3, false, 0)
	for i := 24; i < 48; i++ {
		for j := range patches.Map(i) {
			patches.Map(i)[j] += 1
		}
	}
	mid := samplecheck20Maps(4, p, 4, false, 0.5)
	same := samplecheck20Maps(4, p, 5, false, 0)
	for _, tc := range []struct {
		name string
		s    *stlayer.Maps
		gap  bool
	}{{"between", mid, true}, {"same", same, false}} {
		vm, err := ValidateWith(patches, tc.s, ValidateOptions{Reference: patches})
		if err != nil {
			t.Fatal(err)
		}
		sc := newSampleChecks(vm, tc.s, patches, 0, map[string]any{})
		c := samplecheck20Check(t, sc, "pixel mean")
		if tc.gap && (c.Pass || !strings.Contains(c.Detail, "in a gap of the patches' values: 24 of the 48 patches lie below") || sc.Within) {
			t.Errorf("%s: %+v, verdict %q", tc.name, c, sc.Verdict)
		}
		if !tc.gap {
			for _, n := range []string{"pixel mean", "pixel std", "skewness", "excess kurtosis"} {
				if c := samplecheck20Check(t, sc, n); !c.Pass {
					t.Errorf("%s: %+v, want pass", tc.name, c)
				}
			}
		}
	}
	if k := binomialTailCount(4, 0.05, 0.01); k != 3 {
		t.Errorf("binomialTailCount(4) = %d, want 3", k)
	}
	if k := binomialTailCount(1, 0.05, 0.01); k != 2 {
		t.Errorf("binomialTailCount(1) = %d, want 2 (none)", k)
	}
}
