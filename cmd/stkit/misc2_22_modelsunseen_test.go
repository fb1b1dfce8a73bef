package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

func TestMisc2ModelsUnseenCrop(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	models := filepath.Join(dir, "models")
	mix, _ := readMaps(filepath.Join(dir, "mix.npy"))
	truth, _ := readMaps(filepath.Join(dir, "truth.npy"))
	d := padNaN(mix, 40, 44, 3, 5)
	tr := padNaN(truth, 40, 44, 3, 5)
	for _, m := range [][]float64{d.Data, tr.Data} {
		for i, v := range m {
			if math.IsNaN(v) {
				m[i] = datasets.Unseen
			}
		}
	}
	dp, tp := filepath.Join(work, "d.npy"), filepath.Join(work, "t.npy")
	datasets.WriteMaps(dp, d)
	datasets.WriteMaps(tp, tr)
	common := []string{"--models", models, "--components", "0,1", "--steps", "0,2", "--log-every", "100", "--seed", "4"}
	for _, crop := range []string{"valid", "3:35,5:37"} {
		code, _, errs := runCLI(t, append([]string{"separate", dp, "-o", filepath.Join(work, "o.npy"), "--truth", tp, "--start", tp, "--crop", crop}, common...)...)
		t.Logf("--crop %s: exit %d\n%s", crop, code, tail(errs, 700))
		if code != 0 || !strings.Contains(errs, "kept rows 3–34, columns 5–36 (32×32") {
			t.Errorf("fail")
		}
	}
}
