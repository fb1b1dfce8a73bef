package infer

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// gMaps stacks white-noise maps of m×m.
func gMaps(m int, seeds ...uint64) *stlayer.Maps {
	x := stlayer.NewMaps(len(seeds), m, m)
	for b, s := range seeds {
		copy(x.Map(b), gNoise(m, m, s))
	}
	return x
}

// TestSeparationReportFilesMatchDoc: the files WriteSeparationReport writes
// are those its doc lists, loss.png only when an epoch made an iteration
// (the doc said "when res is given"); sep nil takes res.S (undocumented
// before); nil maps are input errors found before dir is created.
func TestSeparationReportFilesMatchDoc(t *testing.T) {
	const m = 32
	all := []string{"loss.png", "maps.png", "metrics.json", "power_spectrum.png"}
	noLoss := all[1:]
	if doc := docReportFiles(t, "WriteSeparationReport"); !slices.Equal(doc, all) {
		t.Errorf("WriteSeparationReport's doc lists %v, want %v", doc, all)
	}
	d, s := gMaps(m, 1), gMaps(m, 2)
	for i := range s.Data {
		s.Data[i] = 0.5*d.Data[i] + 0.1*s.Data[i]
	}
	samples := gMaps(m, 3, 4, 5)
	for _, c := range []struct {
		name string
		res  *SeparationResult
		want []string
	}{
		{"an epoch with iterations", &SeparationResult{S: s, Epochs: []*Result{{InitialLoss: 3, History: []float64{2, 1}}, {}}}, all},
		{"epochs without iterations", &SeparationResult{S: s, Epochs: []*Result{{InitialLoss: 3}}}, noLoss},
		{"no result", nil, noLoss},
	} {
		dir := t.TempDir()
		sep := (*stlayer.Maps)(nil)
		if c.res == nil {
			sep = s
		}
		sm, err := WriteSeparationReport(dir, d, c.res, sep, samples, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := dirFiles(t, dir); !slices.Equal(got, c.want) {
			t.Errorf("%s: wrote %v, want %v", c.name, got, c.want)
		}
		if want := IsoPowerSpectrum(s.Data, m, m).P; !slices.Equal(sm.PSSep, want) {
			t.Errorf("%s: PSSep %v, want the spectrum of res.S %v", c.name, sm.PSSep, want)
		}
	}
	dir := filepath.Join(t.TempDir(), "report")
	if _, err := WriteSeparationReport(dir, d, nil, nil, samples, nil, nil); !errors.Is(err, ErrModelInput) {
		t.Errorf("no separated map and no result: %v, want ErrModelInput", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the refused report created %s (%v)", dir, err)
	}
}

// TestModelSepReportFilesMatchDoc: WriteModelSepReport writes the files its
// doc lists, r.png only with per-component metrics and loss.png only when
// an epoch made an iteration (the doc listed loss.png unconditionally).
func TestModelSepReportFilesMatchDoc(t *testing.T) {
	const m = 32
	all := []string{"loss.png", "maps.png", "metrics.json", "power_spectrum.png", "r.png"}
	if doc := docReportFiles(t, "WriteModelSepReport"); !slices.Equal(doc, all) {
		t.Errorf("WriteModelSepReport's doc lists %v, want %v", doc, all)
	}
	truth := gMaps(m, 6, 7)
	data := stlayer.NewMaps(1, m, m)
	for i := range data.Data {
		data.Data[i] = truth.Data[i] + truth.Data[m*m+i]
	}
	est := gMaps(m, 8)
	est = &stlayer.Maps{B: 2, M: m, N: m, Data: append(slices.Clone(est.Data), make([]float64, m*m)...)}
	for i := 0; i < m*m; i++ {
		est.Data[m*m+i] = data.Data[i] - est.Data[i]
	}
	met, err := EvaluateModelSeparation(est, truth, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		res   *ModelSepResult
		truth *stlayer.Maps
		rep   *ModelSepReport
		want  []string
	}{
		{"truths, metrics and iterations", &ModelSepResult{Components: est, Epochs: []*Result{{InitialLoss: 2, History: []float64{1}}}, StoppedEarly: []bool{false}},
			truth, &ModelSepReport{Components: []string{"a", "b"}, Metrics: met}, all},
		{"truths without metrics, no iteration", &ModelSepResult{Components: est, Epochs: []*Result{{InitialLoss: 2}}},
			truth, &ModelSepReport{Components: []string{"a", "b"}}, []string{"maps.png", "metrics.json", "power_spectrum.png"}},
		{"no truths, no epoch", &ModelSepResult{Components: est}, nil, &ModelSepReport{Components: []string{"a", "b"}},
			[]string{"maps.png", "metrics.json", "power_spectrum.png"}},
	} {
		dir := t.TempDir()
		if err := WriteModelSepReport(dir, data, c.res, c.truth, c.rep); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := dirFiles(t, dir); !slices.Equal(got, c.want) {
			t.Errorf("%s: wrote %v, want %v", c.name, got, c.want)
		}
		// metrics.json is the report as given
		var back ModelSepReport
		b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
		if err != nil || json.Unmarshal(b, &back) != nil || !slices.Equal(back.Components, c.rep.Components) || len(back.Metrics) != len(c.rep.Metrics) {
			t.Errorf("%s: metrics.json %s (%v)", c.name, b, err)
		}
	}
}

// TestPlotIndices pins the maps PlotMaps shows: j·B/n for j < n = min(B, 4)
// (the doc said b·B/4, which for B < 4 repeats map 0).
func TestPlotIndices(t *testing.T) {
	for _, c := range []struct {
		b    int
		want []int
	}{{1, []int{0}}, {2, []int{0, 1}}, {3, []int{0, 1, 2}}, {4, []int{0, 1, 2, 3}}, {10, []int{0, 2, 5, 7}}, {96, []int{0, 24, 48, 72}}} {
		if got := plotIndices(c.b); !slices.Equal(got, c.want) {
			t.Errorf("%d maps: shows %v, want %v", c.b, got, c.want)
		}
	}
	const m = 16
	dir := t.TempDir()
	if err := PlotMaps(filepath.Join(dir, "maps.png"), gMaps(m, 1, 2), gMaps(m, 3, 4, 5, 6, 7)); err != nil {
		t.Fatal(err)
	}
	if err := PlotMaps(filepath.Join(dir, "x.png"), gMaps(m, 1), nil); !errors.Is(err, ErrModelInput) {
		t.Errorf("nil syntheses: %v, want ErrModelInput", err)
	}
}

// TestSampleTilesLayout pins SampleTiles' doc: tiles at multiples of the
// patch size plus a last one flush with the edge, which overlaps its
// neighbour when the size is not a multiple of p (the doc called them
// non-overlapping), map by map, row-major.
func TestSampleTilesLayout(t *testing.T) {
	const p = 4
	ms := &ModelSet{Manifest: &ModelManifest{PatchSize: p}}
	x := stlayer.NewMaps(2, 10, 8)
	for i := range x.Data {
		x.Data[i] = float64(i)
	}
	tiles := ms.SampleTiles(x)
	// rows 0, 4, 6 (flush, overlapping rows 6–7 of the tile at 4); columns 0, 4
	origins := [][2]int{{0, 0}, {0, 4}, {4, 0}, {4, 4}, {6, 0}, {6, 4}}
	if tiles.B != 2*len(origins) || tiles.M != p || tiles.N != p {
		t.Fatalf("tiles [%d, %d, %d], want [%d, %d, %d]", tiles.B, tiles.M, tiles.N, 2*len(origins), p, p)
	}
	for b := 0; b < 2; b++ {
		for ti, o := range origins {
			tile := tiles.Map(b*len(origins) + ti)
			for i := 0; i < p; i++ {
				for j := 0; j < p; j++ {
					if want := x.Map(b)[(o[0]+i)*8+o[1]+j]; tile[i*p+j] != want {
						t.Fatalf("map %d tile %d (origin %v) pixel (%d, %d) = %g, want %g", b, ti, o, i, j, tile[i*p+j], want)
					}
				}
			}
		}
	}
}
