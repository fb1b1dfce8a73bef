package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/train"
	"github.com/stkit-org/stkit/vae"
)

// prov19SHA is the SHA-256 of a file, read whole (the code under test
// streams it).
func prov19SHA(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// prov19FolderSHA is the digest of a folder as documented (provInput): the
// SHA-256 of `sha256sum`'s lines "HEX  RELPATH" of its files, sorted by
// path, lock files and temporary files left out.
func prov19FolderSHA(t *testing.T, dir string) (string, int) {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(d.Name(), ".lock") || strings.HasPrefix(d.Name(), ".") && strings.Contains(d.Name(), ".tmp") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, prov19SHA(t, p)+"  "+filepath.ToSlash(rel)+"\n")
		return nil
	})
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	s := sha256.Sum256([]byte(strings.Join(lines, "")))
	return hex.EncodeToString(s[:]), len(lines)
}

// prov19Read reads a JSON file's member at the path of keys.
func prov19Read(t *testing.T, path string, keys ...string) *provenance {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage = b
	for _, k := range keys {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if raw = m[k]; raw == nil {
			t.Fatalf("%s: no member %s (of %v)", path, k, keys)
		}
	}
	var p provenance
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return &p
}

// prov19Check checks the common part of a provenance record and that its
// inputs are exactly want (absolute paths) with the right sizes and
// checksums (a folder's as prov19FolderSHA computes it).
func prov19Check(t *testing.T, what string, p *provenance, want ...string) {
	t.Helper()
	wd, _ := os.Getwd()
	ver, rev, _, _ := buildVersion()
	if p.Stkit != ver || p.Revision != rev || !strings.HasPrefix(p.Go, "go") || p.Dir != wd || !slices.Equal(p.Argv, os.Args) || p.Time == "" {
		t.Errorf("%s: provenance %+v; want stkit %q, revision %q, dir %q, argv %q", what, p, ver, rev, wd, os.Args)
	}
	if len(p.Inputs) != len(want) {
		t.Fatalf("%s: inputs %+v, want %q", what, p.Inputs, want)
	}
	for i, w := range want {
		in := p.Inputs[i]
		st, err := os.Stat(w)
		if err != nil {
			t.Fatal(err)
		}
		sum, n, size := "", 0, st.Size()
		if st.IsDir() {
			sum, n = prov19FolderSHA(t, w)
			size = 0
			for _, f := range in.Files {
				size += f.Size
			}
			if n > provFolderFiles {
				size = in.Size // not listed one by one
			}
		} else {
			sum = prov19SHA(t, w)
		}
		if in.Path != w || !filepath.IsAbs(in.Path) || in.SHA256 != sum || in.Size != size || in.NFiles != n || in.Error != "" {
			t.Errorf("%s: input %d = %+v; want path %s, sha256 %s, size %d, %d files", what, i, in, w, sum, size, n)
		}
	}
}

// prov19History returns the HISTORY cards of a FITS file and the count of
// each of its keys.
func prov19History(t *testing.T, path string) ([]string, map[string]int) {
	t.Helper()
	a, err := datasets.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var h []string
	keys := map[string]int{}
	for _, c := range a.Header {
		keys[c.Key]++
		if c.Key == "HISTORY" {
			h = append(h, c.Comment)
		}
	}
	return h, keys
}

// prov19CheckCards checks the provenance HISTORY cards of a FITS output:
// stkit's version and commit, the command line (the test binary's argv,
// rewrapped: the cards joined without the breaks give it back), the
// checksums of the inputs, one DATE and one ORIGIN.
func prov19CheckCards(t *testing.T, what string, h []string, keys map[string]int, inputs ...string) {
	t.Helper()
	ver, rev, _, _ := buildVersion()
	all := strings.Join(h, "\n")
	if !strings.Contains(all, "stkit "+ver+", commit "+rev) {
		t.Errorf("%s: HISTORY lacks %q:\n%s", what, "stkit "+ver+", commit "+rev, all)
	}
	for _, l := range h {
		if len(l) > provHistoryWidth {
			t.Errorf("%s: HISTORY card of %d characters: %q", what, len(l), l)
		}
	}
	// the command line: from "cmd: " to the first sha256 card
	i := slices.IndexFunc(h, func(l string) bool { return strings.HasPrefix(l, "cmd: ") })
	if i < 0 {
		t.Fatalf("%s: no cmd: card:\n%s", what, all)
	}
	var cmd []string
	for _, l := range h[i:] {
		if strings.HasPrefix(l, "input ") {
			break
		}
		cmd = append(cmd, l)
	}
	p := &provenance{Argv: os.Args}
	if got, want := strings.ReplaceAll(strings.Join(cmd, ""), " ", ""), strings.ReplaceAll("cmd: "+p.commandLine(), " ", ""); got != want {
		t.Errorf("%s: command line in HISTORY %q, want %q", what, strings.Join(cmd, "|"), want)
	}
	for _, in := range inputs {
		st, _ := os.Stat(in)
		sum := ""
		if st.IsDir() {
			sum, _ = prov19FolderSHA(t, in)
		} else {
			sum = prov19SHA(t, in)
		}
		if !strings.Contains(all+"\n", "input "+filepath.Base(in)+" "+map[bool]string{true: "folder", false: "file"}[st.IsDir()]+", sha256:\n"+sum+"\n") {
			t.Errorf("%s: HISTORY lacks the sha256 of %s (%s):\n%s", what, in, sum, all)
		}
	}
	if keys["DATE"] != 1 || keys["ORIGIN"] != 1 {
		t.Errorf("%s: %d DATE and %d ORIGIN cards, want 1 each", what, keys["DATE"], keys["ORIGIN"])
	}
}

// TestProv19Synth: synth's metrics.json (settings.provenance) and FITS
// output (HISTORY) record stkit's version and commit, the command line, the
// working directory and the target's absolute path, size and SHA-256; a
// target that is a folder of maps is recorded by the digest of its files.
// Before, no output recorded the version, the command or checksums.
func TestProv19Synth(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "set")
	os.Mkdir(set, 0o755)
	a, b := filepath.Join(set, "a.npy"), filepath.Join(set, "b.npy")
	synthcli18Maps(t, a, 1, 3)
	synthcli18Maps(t, b, 1, 4)
	out, rep := filepath.Join(dir, "syn.fits"), filepath.Join(dir, "rep")
	if code, _, errs := runCLI(t, "synth", a, "-J", "3", "--steps", "2", "-o", out, "--report", rep); code != 0 {
		t.Fatalf("synth: exit %d: %s", code, tail(errs, 600))
	}
	prov19Check(t, "synth metrics.json", prov19Read(t, filepath.Join(rep, "metrics.json"), "settings", "provenance"), a)
	h, keys := prov19History(t, out)
	prov19CheckCards(t, "synth FITS", h, keys, a)
	// a folder target: its digest over the files, each listed (≤ 20)
	out2 := filepath.Join(dir, "syn2.fits")
	if code, _, errs := runCLI(t, "synth", set, "-J", "3", "--steps", "2", "-o", out2, "--report", rep); code != 0 {
		t.Fatalf("synth set: exit %d: %s", code, tail(errs, 600))
	}
	p := prov19Read(t, filepath.Join(rep, "metrics.json"), "settings", "provenance")
	prov19Check(t, "synth of a folder", p, set)
	if len(p.Inputs) == 1 && (len(p.Inputs[0].Files) != 2 || p.Inputs[0].Files[0].Path != "a.npy" || p.Inputs[0].Files[1].SHA256 != prov19SHA(t, b) || p.Inputs[0].Kind != "folder") {
		t.Errorf("folder input %+v: want a.npy and b.npy with their checksums", p.Inputs[0])
	}
	h, keys = prov19History(t, out2)
	prov19CheckCards(t, "synth FITS of a folder", h, keys, set)
}

// TestProv19ModelsChain: the patch dataset's manifest.json (patches), the
// run's run.json (train) and the model folder's manifest.json (export) of
// the models fixture hold the provenance with their inputs' checksums (the
// sources; the dataset; the run and the dataset); separate --models records
// its seed (settings.seed was absent: `jq .settings.seed` gave null, while
// seeds 1 and 2 differ) and provenance in metrics.json, and its FITS
// HISTORY names the statistic, the steps and the seed, with DATE and
// ORIGIN, which it lacked, as sample's did; sample's HISTORY said "the
// models models" for a folder named models.
func TestProv19ModelsChain(t *testing.T) {
	dir := modelsFixture(t)
	ds, run, models := filepath.Join(dir, "ds"), filepath.Join(dir, "run"), filepath.Join(dir, "models")
	prov19Check(t, "patches manifest.json", prov19Read(t, filepath.Join(ds, "manifest.json"), "provenance"),
		filepath.Join(dir, "noise.npy"), filepath.Join(dir, "smooth.npy"))
	// the dataset is unchanged since train read it (export, later, too)
	prov19Check(t, "train run.json", prov19Read(t, filepath.Join(run, "run.json"), "provenance"), ds)
	mp := prov19Read(t, filepath.Join(models, "manifest.json"), "provenance")
	if len(mp.Inputs) == 2 {
		// the run folder as export read it (checkpoints, run.json, …)
		if want, n := prov19FolderSHA(t, run); mp.Inputs[0].SHA256 != want || mp.Inputs[0].NFiles != n {
			t.Errorf("export: run input %+v, want sha256 %s of %d files", mp.Inputs[0], want, n)
		}
		mp.Inputs[0].SHA256, mp.Inputs[0].NFiles, mp.Inputs[0].Files, mp.Inputs[0].Size = "", 0, nil, 0
	}
	prov19Check(t, "export manifest.json", &provenance{Stkit: mp.Stkit, Revision: mp.Revision, Go: mp.Go, Argv: mp.Argv, Dir: mp.Dir, Time: mp.Time, Inputs: mp.Inputs[1:]}, ds)
	// the model folder still loads, its manifest's members in their order
	b, _ := os.ReadFile(filepath.Join(models, "manifest.json"))
	if !strings.HasPrefix(string(b), "{\n  \"format\": ") || !strings.Contains(string(b), "\n  \"provenance\": {") {
		t.Errorf("models manifest.json: %.200s", b)
	}

	mix := filepath.Join(dir, "mix.npy")
	work := t.TempDir()
	var outs [2][]float64
	for i, seed := range []string{"1", "2"} {
		out, rep := filepath.Join(work, "sep"+seed+".fits"), filepath.Join(work, "rep"+seed)
		if code, _, errs := runCLI(t, "separate", mix, "--models", models, "--components", "0,noise:0.3", "--steps", "0,3", "--seed", seed, "-o", out, "--report", rep); code != 0 {
			t.Fatalf("separate --models: exit %d: %s", code, tail(errs, 800))
		}
		var m struct {
			Settings map[string]json.RawMessage `json:"settings"`
		}
		js, _ := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err := json.Unmarshal(js, &m); err != nil {
			t.Fatal(err)
		}
		if string(m.Settings["seed"]) != seed {
			t.Errorf("separate --models --seed %s: settings.seed %s", seed, m.Settings["seed"])
		}
		prov19Check(t, "separate --models metrics.json", prov19Read(t, filepath.Join(rep, "metrics.json"), "settings", "provenance"), mix, models)
		h, keys := prov19History(t, out)
		prov19CheckCards(t, "separate --models FITS", h, keys, mix, models)
		joined := strings.Join(h, " ")
		for _, w := range []string{"model folder models (scov J=3", "--steps 0,3 (3 iterations made), --init wiener, seed " + seed} {
			if !strings.Contains(joined, w) {
				t.Errorf("separate --models HISTORY lacks %q:\n%s", w, strings.Join(h, "\n"))
			}
		}
		a, err := datasets.Read(out)
		if err != nil {
			t.Fatal(err)
		}
		outs[i] = a.Float64
	}
	if slices.Equal(outs[0], outs[1]) {
		t.Errorf("seeds 1 and 2 gave the same separation: the seed is not what differs")
	}

	out := filepath.Join(work, "s.fits")
	srep := filepath.Join(work, "srep")
	if code, _, errs := runCLI(t, "sample", models, "--component", "0", "-n", "1", "--steps", "2", "--seed", "5", "-o", out, "--report", srep); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, tail(errs, 600))
	}
	// the report reads the training patches from the dataset: an input too
	prov19Check(t, "sample metrics.json", prov19Read(t, filepath.Join(srep, "metrics.json"), "settings", "provenance"), models, ds)
	h, keys := prov19History(t, out)
	prov19CheckCards(t, "sample FITS", h, keys, models, ds)
	joined := strings.Join(h, " ")
	if !strings.Contains(joined, "drawn from component 0 of the model folder models (--draw") || strings.Contains(joined, "models models") {
		t.Errorf("sample HISTORY: %q", h)
	}
}

// TestProv19Pieces: the parts of the provenance on their own. The HISTORY
// wrapping keeps every card ≤ 72 characters and loses no character but the
// spaces it breaks at; a word longer than a card is cut and continued;
// non-ASCII becomes '?'. addProvenanceJSON keeps the other members in their
// order and replaces an earlier provenance. An .npz member and a comma list
// are hashed as their files; a keyword is no input. `stkit version` prints
// the commit line.
func TestProv19Pieces(t *testing.T) {
	long := strings.Repeat("x", 150)
	text := "cmd: stkit synth /a/very/long/path/" + long + " -o é.fits " + strings.Repeat("word ", 30)
	lines := wrapHistory(text, provHistoryWidth)
	back := ""
	for _, l := range lines {
		if len(l) > provHistoryWidth {
			t.Errorf("card of %d characters: %q", len(l), l)
		}
		back += l
	}
	if want := strings.ReplaceAll(strings.ReplaceAll(text, "é", "?"), " ", ""); strings.ReplaceAll(back, " ", "") != want || len(lines) < 4 {
		t.Errorf("wrapped %q\nback %q", lines, back)
	}

	dir := t.TempDir()
	js := filepath.Join(dir, "m.json")
	os.WriteFile(js, []byte(`{"format": "x", "b": [1, 2], "provenance": {"stkit": "old"}, "a": {"c": "<&>"}}`), 0o644)
	p := newProvenance()
	if err := addProvenanceJSON(js, p); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(js)
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(got)))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var v json.RawMessage
		dec.Decode(&v)
	}
	if !slices.Equal(keys, []string{"format", "b", "a", "provenance"}) || !strings.Contains(string(got), `"c": "<&>"`) {
		t.Errorf("keys %q:\n%s", keys, got)
	}
	if q := prov19Read(t, js, "provenance"); q.Stkit != p.Stkit || len(q.Argv) != len(os.Args) {
		t.Errorf("provenance read back %+v", q)
	}

	npz := filepath.Join(dir, "x.npz")
	if err := datasets.WriteMaps(npz+":m", &stlayerMaps1); err != nil {
		t.Fatal(err)
	}
	f1, f2 := filepath.Join(dir, "f1.npy"), filepath.Join(dir, "f2.npy")
	datasets.WriteMaps(f1, &stlayerMaps1)
	datasets.WriteMaps(f2, &stlayerMaps1)
	q := newProvenance(npz+":m", f1+","+f2, "wiener", "", filepath.Join(dir, "missing.npy"))
	if len(q.Inputs) != 4 || q.Inputs[0].Path != npz || q.Inputs[0].Given != npz+":m" || q.Inputs[0].SHA256 != prov19SHA(t, npz) ||
		q.Inputs[1].Path != f1 || q.Inputs[2].SHA256 != prov19SHA(t, f2) || q.Inputs[3].Error == "" || q.Inputs[3].SHA256 != "" {
		t.Errorf("inputs %+v", q.Inputs)
	}

	// the sources of a folder argument, by file (surrogate's inputs)
	srcs, err := datasets.LoadSources([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if r := newProvenance(sourceNames(srcs)...); len(r.Inputs) != 3 || r.Inputs[0].Path != f1 || r.Inputs[2].SHA256 != prov19SHA(t, npz) {
		t.Errorf("sources of %s: %+v", dir, r.Inputs)
	}

	code, out, errs := runCLI(t, "--engine", "cpu", "version")
	_, rev, _, _ := buildVersion()
	if code != 0 || !strings.Contains(out, "commit:  "+rev) {
		t.Errorf("version: exit %d\n%s%s", code, out, errs)
	}
	if rev == revisionUnknown && !strings.Contains(out, "commit:  unknown (built with -buildvcs=false)") {
		t.Errorf("version without VCS stamping:\n%s", out)
	}
}

// stlayerMaps1 is one 8×8 map of zeros.
var stlayerMaps1 = stlayer.Maps{B: 1, M: 8, N: 8, Data: make([]float64, 64)}

// TestProv19Separate: the sample-based separate's metrics.json and FITS
// output record the provenance with the data's and the contaminant
// samples' checksums; the FITS gets DATE and ORIGIN, which it lacked.
func TestProv19Separate(t *testing.T) {
	dir := t.TempDir()
	data, samples, _ := sepInputs(t, dir)
	out, rep := filepath.Join(dir, "out.fits"), filepath.Join(dir, "rep")
	if code, _, errs := runCLI(t, "separate", data, "--contaminant", samples, "-J", "3", "--steps", "2,2,1", "-o", out, "--report", rep); code != 0 {
		t.Fatalf("exit %d: %s", code, tail(errs, 600))
	}
	prov19Check(t, "separate metrics.json", prov19Read(t, filepath.Join(rep, "metrics.json"), "settings", "provenance"), data, samples)
	h, keys := prov19History(t, out)
	prov19CheckCards(t, "separate FITS", h, keys, data, samples)
}

// TestProv19Demo: demo's summary.json records the provenance (no inputs:
// the demo makes its maps), and its export step takes --seed: the models'
// manifest.json said seed 1 under demo --seed 8.
func TestProv19Demo(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := runCLI(t, "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "1", "--steps", "2", "--seed", "8"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, tail(errs, 800))
	}
	prov19Check(t, "demo summary.json", prov19Read(t, filepath.Join(dir, "summary.json"), "provenance"))
	var man struct {
		Seed uint64 `json:"seed"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "models", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &man); err != nil || man.Seed != 8 {
		t.Errorf("demo --seed 8: models/manifest.json seed %d (%v), want 8", man.Seed, err)
	}
	// the models' provenance: the demo's run folder and dataset
	mp := prov19Read(t, filepath.Join(dir, "models", "manifest.json"), "provenance")
	if len(mp.Inputs) != 2 || mp.Inputs[0].Path != filepath.Join(dir, "run") || mp.Inputs[1].Path != filepath.Join(dir, "dataset") || mp.Inputs[1].SHA256 == "" {
		t.Errorf("demo models' provenance inputs %+v", mp.Inputs)
	}
}

// TestProv19RunJSONResume: a resume rewrites run.json with its own
// provenance and keeps the earlier commands' in provenance_earlier, oldest
// first.
func TestProv19RunJSONResume(t *testing.T) {
	dir := t.TempDir()
	for i, argv := range [][]string{{"stkit", "train", "ds", "-o", "run"}, {"stkit", "train", "ds", "-o", "run", "--resume"}, {"stkit", "train", "ds", "-o", "run", "--resume", "--epochs", "9"}} {
		p := newProvenance()
		p.Argv = argv
		if err := writeRunJSON(dir, vae.Config{}, train.Record{}, runMeta{}, p); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Prov    provenance   `json:"provenance"`
			Earlier []provenance `json:"provenance_earlier"`
		}
		b, _ := os.ReadFile(filepath.Join(dir, "run.json"))
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(doc.Prov.Argv, argv) || len(doc.Earlier) != i {
			t.Fatalf("write %d: provenance argv %q, %d earlier", i, doc.Prov.Argv, len(doc.Earlier))
		}
		if i == 2 && (len(doc.Earlier[0].Argv) != 5 || len(doc.Earlier[1].Argv) != 6) {
			t.Errorf("earlier provenance out of order: %q, %q", doc.Earlier[0].Argv, doc.Earlier[1].Argv)
		}
	}
}
