package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// stkit clusters with a run trained on maps of one scale and a dataset of
// maps 1e30 times larger printed "stkit: vae: non-finite input value +Inf
// at row 0 column 13": the vae package's prefix, as datasets' and
// checkpoints' were before userMessage. vae's and gmm's prefixes now go
// too, where they open a part of the message.
func TestRobust19NoModelPackagePrefix(t *testing.T) {
	for in, want := range map[string]string{
		"vae: non-finite input value +Inf at row 0 column 13":   "non-finite input value +Inf at row 0 column 13",
		"train: epoch 1/2, batch 1 of 3: vae: τ = 0 is outside": "train: epoch 1/2, batch 1 of 3: τ = 0 is outside",
		"gmm: K must be ≥ 1":                                    "K must be ≥ 1",
		"found 2 vae: models":                                   "found 2 vae: models",
		"scov: map 0: gmm: x":                                   "scov: map 0: x",
	} {
		if got := userMessage(in); got != want {
			t.Errorf("userMessage(%q) = %q, want %q", in, got, want)
		}
	}

	dir := t.TempDir()
	small := writeTestMap(t, dir, "m.npy", 2)
	m, err := datasets.ReadMaps(small)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Data {
		m.Data[i] *= 1e30
	}
	big := filepath.Join(dir, "big.npy")
	if err := datasets.WriteMaps(big, &stlayer.Maps{B: m.B, M: m.M, N: m.N, Data: m.Data}); err != nil {
		t.Fatal(err)
	}
	patch := []string{"--size", "32", "--stride", "16", "--kind", "wst", "-J", "2"}
	for _, a := range [][]string{
		append([]string{"patches", small, "-o", filepath.Join(dir, "dsS")}, patch...),
		append([]string{"patches", big, "-o", filepath.Join(dir, "dsB")}, patch...),
		{"train", filepath.Join(dir, "dsS"), "-o", filepath.Join(dir, "run"), "--clusters", "2", "--epochs", "1", "--batch", "4", "--val", "0"},
	} {
		if code, _, errs := runCLI(t, a...); code != 0 {
			t.Fatalf("%s: exit %d\n%s", a[0], code, errs)
		}
	}
	code, _, errs := runCLI(t, "clusters", filepath.Join(dir, "run"), filepath.Join(dir, "dsB"), "-o", filepath.Join(dir, "cl.csv"))
	// Since trainmem19_checks.go, clusters refuses such a dataset before the model sees it (exit
	// 2, "its features are far outside the training scale"; TestTrainmem19ClustersFarScale): the
	// vae error is no longer reached from the CLI, and the table above pins its prefix.
	if code != 2 || strings.Contains(errs, "vae: ") || !strings.Contains(errs, "its features are far outside the training scale") {
		t.Errorf("clusters on features %g times the training scale: exit %d, want 2 and an error without \"vae: \"\n%s", math.Pow(10, 30), code, errs)
	}
}
