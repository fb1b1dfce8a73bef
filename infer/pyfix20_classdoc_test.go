package infer

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// TestPyfix20ModelClassDocAndPixelMoments: the model folder never said what
// its features are (mean[k] of "P00(j1=0)" is ln of the mean over l of P00,
// "mean()" is mean/std; npz_members called them "un-normalised features"),
// and npz_members described pixel_moments as moments "of those patches"
// while they are the moments of all their pixels pooled, std ddof 0. The
// manifest now has class_doc for every class of its labels and says how
// pixel_moments is computed; the numbers are unchanged (recomputed here).
func TestPyfix20ModelClassDocAndPixelMoments(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	ms, b := exportTinyManifest(t, fx.run, dir)
	var man struct {
		ClassDoc map[string]string `json:"class_doc"`
		Labels   ModelLabels       `json:"labels"`
		Members  map[string]string `json:"npz_members"`
	}
	if err := json.Unmarshal(b, &man); err != nil {
		t.Fatal(err)
	}
	if len(man.Labels.Class) == 0 {
		t.Fatal("no labels")
	}
	for _, cl := range man.Labels.Class {
		if man.ClassDoc[cl] == "" {
			t.Fatalf("label class %q has no class_doc entry (class_doc %v)", cl, man.ClassDoc)
		}
	}
	if d := man.ClassDoc["mean"]; !strings.HasPrefix(d, "mean/std") {
		t.Errorf("class_doc mean %q, want mean/std", d)
	}
	if d := man.ClassDoc["P00"]; !strings.Contains(d, "natural log") {
		t.Errorf("class_doc P00 %q, want a natural log", d)
	}
	if d := man.Members["mean"]; !strings.Contains(d, "class_doc") {
		t.Errorf("npz_members mean %q does not point to class_doc", d)
	}
	pm := man.Members["pixel_moments"]
	for _, want := range []string{"pooled", "ddof 0", "not per-patch moments averaged"} {
		if !strings.Contains(pm, want) {
			t.Errorf("npz_members pixel_moments %q lacks %q", pm, want)
		}
	}
	// the numbers: pooled population moments of the cluster's patches
	// (the patches are read back as float32: 1e-6)
	c := ms.Components[0]
	if ms.Manifest.Clusters[0].PSFrom == "all" || len(c.PatchIndex) < 2 {
		t.Skip("cluster 0 has no patches of its own")
	}
	var pix []float64
	for _, i := range c.PatchIndex {
		pix = append(pix, fx.features.Patches.Patch(int(i))...)
	}
	mu, sd, sk, ku := Moments(pix)
	for i, w := range []float64{mu, sd, sk, ku} {
		if math.Abs(c.PixelMoments[i]-w) > 1e-6*math.Max(1, math.Abs(w)) {
			t.Errorf("pixel_moments[%d] = %g, pooled population moment %g", i, c.PixelMoments[i], w)
		}
	}
}
