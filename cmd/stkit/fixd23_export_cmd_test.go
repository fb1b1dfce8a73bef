package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// separate --models' note on a folder without patch priors said "give the
// other export options DIR was made with": the manifest did not record
// them all (the dataset as given, --cov as asked, --drop-outliers,
// --force). export records its options in export_options and the note
// prints the complete command; run, it exports the same models again, with
// priors.
func TestFixd23ExportRecordCommand(t *testing.T) {
	dir := modelsFixture(t)
	models, mix := filepath.Join(dir, "models"), filepath.Join(dir, "mix.npy")
	ms, err := infer.LoadModels(models)
	if err != nil {
		t.Fatal(err)
	}
	r := ms.Manifest.Export
	if r == nil {
		t.Fatal("the export recorded no export_options")
	}
	want := infer.ModelExportOptions{Samples: 40, Seed: 1, Covariance: "auto", Latent: "posterior", Calibrate: "moments"}
	if got, _ := json.Marshal(r); string(got) != string(must(json.Marshal(want))) {
		t.Errorf("export_options %s, want %s", got, must(json.Marshal(want)))
	}
	work := t.TempDir()
	code, _, errs := runCLI(t, "separate", mix, "--models", models, "--components", "0,1", "-o", filepath.Join(work, "a.npy"), "--steps", "0,1")
	cmd := "stkit export " + ms.Manifest.Source.Run + " -o " + models + "-priors --samples 40 --seed 1 --cov auto --latent posterior --calibrate moments --patch-prior"
	note := cmd + " fits them (the options " + filepath.Join(models, "manifest.json") + " records in export_options, with --patch-prior added: the same models again, with priors, in the new folder " + models + "-priors beside " + models + ", which is left as it is; separate --models " + models + "-priors then uses them)\n" // expx24: -o a new folder
	if code != 0 || strings.Count(errs, note) != 1 {
		t.Fatalf("exit %d, want the note ending %q:\n%s", code, note, tail(errs, 2000))
	}
	// The command, into another folder (small priors to keep it short),
	// makes the same component files, and the priors.
	args := strings.Fields(strings.TrimPrefix(cmd, "stkit "))
	out := filepath.Join(work, "again")
	for i := range args {
		if args[i] == "-o" {
			args[i+1] = out
		}
	}
	args = append(args, "--patch-prior-k", "2", "--patch-prior-rows", "400")
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("%v: exit %d\n%s", args, code, tail(errs, 2000))
	}
	for _, c := range ms.Manifest.Clusters {
		a, err1 := os.ReadFile(filepath.Join(models, c.File))
		b, err2 := os.ReadFile(filepath.Join(out, c.File))
		if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs after the re-export (%v, %v)", c.File, err1, err2)
		}
	}
	ms2, err := infer.LoadModels(out)
	if err != nil || ms2.Manifest.PatchPriors == nil || ms2.Manifest.Export == nil || ms2.Manifest.Export.PatchPrior == nil ||
		ms2.Manifest.Export.PatchPrior.K != 2 || ms2.Manifest.Export.PatchPrior.MaxRows != 400 {
		t.Fatalf("re-export: %v, %+v", err, ms2.Manifest.Export)
	}
	flags, _ := recordedExportFlags(ms2, true)
	if got, w := strings.Join(flags, " "), "--samples 40 --seed 1 --cov auto --latent posterior --calibrate moments --patch-prior --patch-prior-k 2 --patch-prior-rows 400"; got != w {
		t.Errorf("flags of the re-export %q, want %q", got, w)
	}
}

// recordedExportFlags: the dataset given (relative below the working
// directory, DATASET when gone), the boolean flags, the feature filters;
// none without a record (older folders keep the old note).
func TestFixd23RecordedExportFlags(t *testing.T) {
	work := t.TempDir()
	if err := os.MkdirAll(filepath.Join(work, "ds"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	ms := &infer.ModelSet{Dir: "m", Manifest: &infer.ModelManifest{Source: infer.ModelSource{Dataset: filepath.Join(work, "ds")}}}
	if f, n := recordedExportFlags(ms, true); f != nil || n != nil {
		t.Fatalf("no record: %q %q", f, n)
	}
	ms.Manifest.Export = &infer.ModelExportOptions{Dataset: "../x/ds", Samples: 8, Seed: 3, Covariance: "no", Latent: "prior", NoResidual: true,
		Calibrate: "none", DropOutliers: true, Force: true, PatchPrior: &infer.ModelExportPatchOptions{K: 5, MaxRows: 3000},
		FeatureFilter: [][2]int{{0, 1}, {2, 1}}, FeatureFilterMixtures: 8}
	f, n := recordedExportFlags(ms, true)
	if got, w := strings.Join(f, " "), "--dataset ds --samples 8 --seed 3 --cov no --latent prior --calibrate none --no-residual --drop-outliers --force --patch-prior --patch-prior-k 5 --patch-prior-rows 3000 --feature-filter '0,1;2,1' --feature-filter-mixtures 8"; got != w || n != nil {
		t.Errorf("got %q %q\nwant %q", got, n, w)
	}
	ms.Manifest.Source.Dataset = filepath.Join(work, "gone")
	f, n = recordedExportFlags(ms, false)
	if got, w := strings.Join(f, " "), "--dataset DATASET --samples 8 --seed 3 --cov no --latent prior --calibrate none --no-residual --drop-outliers --force"; got != w ||
		len(n) != 1 || n[0] != "DATASET: the dataset the export was given (--dataset ../x/ds), which "+filepath.Join("m", "manifest.json")+" records as \""+filepath.Join(work, "gone")+"\", not found here" {
		t.Errorf("got %q %q\nwant %q", got, n, w)
	}
	// the note with the record, the run and the dataset gone
	ms.Components = []*infer.ComponentModel{{}, {}}
	ms.Manifest.Source.Run = filepath.Join(work, "run-gone")
	comps := []infer.SepComponent{{Name: "0", Model: ms.Components[0]}, {Name: "1", Model: ms.Components[1]}}
	man := filepath.Join("m", "manifest.json")
	want := "stkit export RUN -o m-priors --dataset DATASET --samples 8 --seed 3 --cov no --latent prior --calibrate none --no-residual --drop-outliers --force --patch-prior fits them (RUN: the training run the models come from, which " + man + " records as " + filepath.Join(work, "run-gone") +
		", not found here (a copy of it, or its new location); DATASET: the dataset the export was given (--dataset ../x/ds), which " + man + " records as \"" + filepath.Join(work, "gone") + "\", not found here; the options " + man + " records in export_options, with --patch-prior added: the same models again, with priors, in the new folder m-priors beside m, which is left as it is; separate --models m-priors then uses them)"
	if got := patchPriorAbsentNote(ms, comps, "auto", false); !strings.HasSuffix(got, want) {
		t.Errorf("note\n got %q\nwant …%q", got, want)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
