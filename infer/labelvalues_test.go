package infer

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// The label tables that infer builds from a statistic's (reduced, isotropic
// and concatenated separation statistics, tiled model statistics, the model
// manifest) dropped stlayer.Labels.Values, so wph's scaling moments at
// j = −1 printed as 'L(p1=0,p2=0,pseudo=0)' again after reduction; they
// keep the marks now, and the manifest stores them ("values").
func TestLabelValuesSurviveInfer(t *testing.T) {
	const want = "L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0)"
	has := func(what string, names func(i int) string, n int) {
		t.Helper()
		for i := 0; i < n; i++ {
			if names(i) == want {
				return
			}
		}
		t.Errorf("%s: no coefficient %s", what, want)
	}
	for _, iso := range []bool{false, true} {
		ss, err := NewSepStats(stats.Spec{Kind: stats.WPH, J: 2, L: 4, Iso: iso}, 16, 16, true)
		if err != nil {
			t.Fatal(err)
		}
		lb := ss.Auto.Labels()
		has("separation statistics", lb.String, lb.Len())
	}
	op, err := stats.Build(stats.Spec{Kind: stats.WPH, J: 2, L: 4}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	tiled, err := NewTileOp(op, 32, 32, 16, 16, nil)
	if err != nil {
		t.Fatal(err)
	}
	tl := tiled.Labels()
	has("tiled statistic", func(i int) string { return strings.Replace(tl.String(i), ",tile=0)", ")", 1) }, tl.Len())

	lab := op.Labels()
	b, err := json.Marshal(ModelLabels{Columns: lab.Columns, Class: lab.Class, Rows: lab.Rows, Values: lab.Values})
	if err != nil {
		t.Fatal(err)
	}
	var back ModelLabels
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	ms := &ModelSet{Manifest: &ModelManifest{Labels: back}}
	ml := ms.Labels()
	has("model manifest labels", ml.String, ml.Len())
	if !strings.Contains(string(b), `"values":{"L":["j1","j2"]}`) {
		t.Errorf("manifest labels JSON lacks the values: %.200s…", b)
	}
}
