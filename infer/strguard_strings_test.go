package infer

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// strguardStrings returns a numpy string array ('<U') of the given shape.
func strguardStrings(shape ...int) *datasets.Array {
	a, err := datasets.NewArray(datasets.StringDType, shape...)
	if err != nil {
		panic(err)
	}
	for i := range a.Strings {
		a.Strings[i] = "S1"
	}
	return a
}

// TestLoadModelsRefusesStringMember: a component member that holds numpy
// strings ('<U', no Float64 data) of the expected shape is refused with an
// input error naming the member, for a required member (ps: was read as
// an empty spectrum) and an optional one (latents: was read as absent), and
// never panics (samples: S rows of nil data).
func TestLoadModelsRefusesStringMember(t *testing.T) {
	fx := tinyRun(t)
	dir := t.TempDir()
	if _, err := ExportModels(fx.run, fx.dataset, dir, ExportOptions{Samples: 4}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModels(dir); err != nil {
		t.Fatalf("exported models: %v", err)
	}
	comp := filepath.Join(dir, "component_0.npz")
	orig, err := os.ReadFile(comp)
	if err != nil {
		t.Fatal(err)
	}
	arrs, err := datasets.ReadNPZ(comp)
	if err != nil {
		t.Fatal(err)
	}
	for _, member := range []string{"ps", "latents", "samples", "mean", "patch_index"} {
		t.Run(member, func(t *testing.T) {
			var out []datasets.NamedArray
			found := false
			for _, a := range arrs {
				arr := a.Array
				if a.Name == member {
					arr, found = strguardStrings(a.Array.Shape...), true
				}
				out = append(out, datasets.NamedArray{Name: a.Name, Array: arr})
			}
			if !found {
				t.Fatalf("the exported component has no member %q", member)
			}
			if err := datasets.WriteNPZ(comp, out, false); err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(comp, orig, 0o644)
			ms, err := LoadModels(dir)
			if !errors.Is(err, ErrModelInput) {
				t.Fatalf("got models %v and error %v, want an input error", ms != nil, err)
			}
			for _, want := range []string{"component_0.npz", `member "` + member + `" holds strings`, "want real numbers"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
	if err := os.WriteFile(comp, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModels(dir); err != nil {
		t.Fatalf("restored component: %v", err)
	}
}

// TestClusterPatchesRefusesStringPatches: a dataset whose patches.npy holds
// numpy strings of the right shape [n, p, p] is refused with an input error
// naming patches.npy, where ClusterPatches sliced the nil Float64 data
// (a panic).
func TestClusterPatchesRefusesStringPatches(t *testing.T) {
	fx := tinyRun(t)
	ms, err := ExportModels(fx.run, fx.dataset, t.TempDir(), ExportOptions{Samples: 4})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ms.ClusterPatches(0, fx.dataset, 2); err != nil || got.B != 2 {
		t.Fatalf("the dataset's patches: %v", err)
	}
	ds := t.TempDir()
	for _, f := range []string{"manifest.json", "index.json"} {
		b, err := os.ReadFile(filepath.Join(fx.dataset, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(ds, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := ms.Manifest.PatchSize
	if err := datasets.WriteNPY(filepath.Join(ds, "patches.npy"), strguardStrings(len(fx.features.Patches.Patches), p, p)); err != nil {
		t.Fatal(err)
	}
	got, err := ms.ClusterPatches(0, ds, 2)
	if !errors.Is(err, ErrModelInput) {
		t.Fatalf("got %v, error %v; want an input error", got, err)
	}
	for _, want := range []string{"patches.npy holds strings", "stkit patches"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}
