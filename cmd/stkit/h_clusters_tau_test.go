package main

import (
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

// TestClustersProbabilitiesIgnoreTemperature: clusters --help said the
// assignments are made "at the run's final Gumbel temperature"; q(y|x) is
// the softmax of the encoder's logits, which τ does not enter: the
// probabilities of the CSV are those of the restored model at its own τ
// and at 7τ alike (to 1e-6), while the latent means of the PCA figure,
// taken at y = softmax(logits/τ), change with τ (the help now says so).
func TestClustersProbabilitiesIgnoreTemperature(t *testing.T) {
	dir := modelsFixture(t)
	ds, run := filepath.Join(dir, "ds"), filepath.Join(dir, "run")
	csvPath := filepath.Join(t.TempDir(), "a.csv")
	if code, _, errs := runCLI(t, "clusters", run, ds, "-o", csvPath, "--no-plots"); code != 0 {
		t.Fatalf("clusters: exit %d\n%s", code, errs)
	}
	rows := readCSV(t, csvPath)

	g := &globals{stdout: io.Discard, stderr: io.Discard}
	ck, err := latestRunCheckpoint(g, run)
	if err != nil {
		t.Fatal(err)
	}
	var rc train.RunConfig
	var meta runMeta
	if err := ck.DecodeConfig(&rc); err != nil {
		t.Fatal(err)
	}
	if err := ck.DecodeMetadata(&meta); err != nil {
		t.Fatal(err)
	}
	f, err := loadDataset(ds)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := checkDatasetForRun(ds, f, run, &meta)
	if err != nil {
		t.Fatal(err)
	}
	be, err := runBackend(g)
	if err != nil {
		t.Fatal(err)
	}
	model, err := vae.New(be, rc.VAE, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := ck.Restore(model.Ctx); err != nil {
		t.Fatal(err)
	}
	x := normalise(f.X, f.Manifest.Dim, cols, meta.Mean, meta.Std)
	K, n := rc.VAE.K, f.Manifest.N
	if len(rows) != n+1 || len(rows[0]) != 9+K {
		t.Fatalf("CSV: %d rows of %d columns, want %d of %d", len(rows), len(rows[0]), n+1, 9+K)
	}
	tau := model.Temperature()
	_, _, p1, err := model.Assign(x)
	if err != nil {
		t.Fatal(err)
	}
	mu1, err := model.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	if err := model.SetTemperature(7 * tau); err != nil {
		t.Fatal(err)
	}
	_, _, p7, err := model.Assign(x)
	if err != nil {
		t.Fatal(err)
	}
	mu7, err := model.Encode(x)
	if err != nil {
		t.Fatal(err)
	}
	worst, dmu := 0.0, 0.0
	for i := 0; i < n; i++ {
		for k := 0; k < K; k++ {
			v, err := strconv.ParseFloat(rows[i+1][9+k], 64)
			if err != nil {
				t.Fatal(err)
			}
			worst = math.Max(worst, math.Abs(v-float64(p1[i*K+k])))
			worst = math.Max(worst, math.Abs(v-float64(p7[i*K+k])))
		}
	}
	for i := range mu1 {
		dmu = math.Max(dmu, math.Abs(float64(mu1[i]-mu7[i])))
	}
	t.Logf("τ = %g: CSV vs q(y|x) at τ and 7τ: max |Δp| %.2g; latent means at τ vs 7τ: max |Δμ| %.3g", tau, worst, dmu)
	if worst > 1e-6 {
		t.Errorf("CSV probabilities differ from q(y|x) by %g (at τ or 7τ)", worst)
	}
	if dmu < 1e-4 {
		t.Errorf("latent means do not change with τ (max |Δμ| %g): the help's PCA line is wrong", dmu)
	}
	_, errs, _ := runCLI(t, "clusters", "--help") // help is on stdout
	help := strings.Join(strings.Fields(errs), " ")
	for _, want := range []string{
		"q(y|x) = softmax of the encoder's logits (the Gumbel temperature τ does not enter)",
		"2D PCA of the latent means μ_q(x, y) at y = softmax(logits/τ), τ = the run's final temperature",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("clusters --help lacks %q", want)
		}
	}
}
