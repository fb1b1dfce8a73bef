package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestPolfix19StatsProvenance: stats -o x.json records the provenance
// (version, commit, argv, every input's SHA-256) in its config, -o x.npz
// as the member "provenance" (a 0-d '<U' JSON text), --plot as an iTXt
// chunk of the PNG (which still decodes), and --compare -o c.json in its
// config; pol's report found none of these (stats Q.fits --kind wph -o
// q.json|q.npz, --compare -o cmp.json). The other JSON members are kept.
func TestPolfix19StatsProvenance(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "a.npy", 1)
	sum := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.Sum256(b)
		return hex.EncodeToString(h[:])
	}
	check := func(what string, pj []byte, files ...string) {
		t.Helper()
		var p provenance
		if err := json.Unmarshal(pj, &p); err != nil {
			t.Fatalf("%s: provenance %.200s: %v", what, pj, err)
		}
		if p.Stkit == "" || p.Revision == "" || len(p.Argv) < 2 || p.Argv[1] != "stats" || p.Dir == "" {
			t.Errorf("%s: provenance %+v", what, p)
		}
		if len(p.Inputs) != len(files) {
			t.Fatalf("%s: %d inputs, want %d: %+v", what, len(p.Inputs), len(files), p.Inputs)
		}
		for i, f := range files {
			if p.Inputs[i].SHA256 != sum(f) {
				t.Errorf("%s: input %d %s sha256 %s, want %s", what, i, p.Inputs[i].Path, p.Inputs[i].SHA256, sum(f))
			}
		}
	}
	defer func(f func() []string) { provArgs = f }(provArgs)
	jp, zp, pp := filepath.Join(dir, "q.json"), filepath.Join(dir, "q.npz"), filepath.Join(dir, "q.png")
	for _, args := range [][]string{
		{"stats", mp, "--kind", "wph", "-J", "3", "-o", jp, "--plot", pp},
		{"stats", mp, "--kind", "wph", "-J", "3", "-o", zp},
	} {
		provArgs = func() []string { return append([]string{"stkit"}, args...) }
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 400))
		}
	}
	b, err := os.ReadFile(jp)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Config struct {
			Kind       string          `json:"kind"`
			Inputs     []string        `json:"inputs"`
			Provenance json.RawMessage `json:"provenance"`
		} `json:"config"`
		Coeffs []map[string]any `json:"coefficients"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Config.Kind != "wph" || !slices.Equal(doc.Config.Inputs, []string{mp}) || len(doc.Coeffs) == 0 {
		t.Errorf("json: config kind %q inputs %v, %d coefficients", doc.Config.Kind, doc.Config.Inputs, len(doc.Coeffs))
	}
	check("json", doc.Config.Provenance, mp)

	zr, err := zip.OpenReader(zp)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		if f.Name != "provenance.npy" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(rc)
		rc.Close()
		a, err := datasets.DecodeNPY(raw)
		if err != nil || !a.IsString() || len(a.Shape) != 0 || len(a.Strings) != 1 {
			t.Fatalf("npz provenance: %v %+v", err, a)
		}
		check("npz", []byte(a.Strings[0]), mp)
	}
	if !slices.Contains(names, "provenance.npy") || !slices.Contains(names, "coeffs.npy") {
		t.Errorf("npz members %v", names)
	}

	pb, err := os.ReadFile(pp)
	if err != nil {
		t.Fatal(err)
	}
	txt, ok := pngText(pb, pngProvenanceKey)
	if !ok {
		t.Fatal("png: no provenance text chunk")
	}
	check("png", []byte(txt), mp)
	if sw, ok := pngText(pb, "Software"); !ok || !bytes.HasPrefix([]byte(sw), []byte("stkit ")) {
		t.Errorf("png Software %q", sw)
	}
	if _, err := decodePNGFile(pp); err != nil {
		t.Errorf("png does not decode after the text chunks: %v", err)
	}

	// --compare -o c.json --plot c.png
	sa, sb := writeTestMap(t, dir, "sa.npy", 3), writeAnisoMaps(t, filepath.Join(dir, "sb.npy"), stripeMaps(64, 4, []float64{10, 50, 120}))
	cj, cp := filepath.Join(dir, "c.json"), filepath.Join(dir, "c.png")
	args := []string{"stats", sa, "--compare", sb, "--kind", "wph", "-J", "2", "-o", cj, "--plot", cp}
	provArgs = func() []string { return append([]string{"stkit"}, args...) }
	if code, _, errs := runCLI(t, args...); code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 400))
	}
	if b, err = os.ReadFile(cj); err != nil {
		t.Fatal(err)
	}
	var cd struct {
		Config struct {
			InputsA    []string        `json:"inputs_a"`
			Provenance json.RawMessage `json:"provenance"`
		} `json:"config"`
		Chi2 float64 `json:"chi2_per_dof"`
	}
	if err := json.Unmarshal(b, &cd); err != nil {
		t.Fatal(err)
	}
	if len(cd.Config.InputsA) == 0 || cd.Chi2 <= 0 {
		t.Errorf("compare json: inputs_a %v, χ²/dof %g", cd.Config.InputsA, cd.Chi2)
	}
	check("compare json", cd.Config.Provenance, sa, sb)
	if pb, err = os.ReadFile(cp); err != nil {
		t.Fatal(err)
	}
	if txt, ok := pngText(pb, pngProvenanceKey); !ok {
		t.Error("compare png: no provenance")
	} else {
		check("compare png", []byte(txt), sa, sb)
	}
}

// pngText returns the text of the iTXt chunk key of the PNG file b ("" and
// false when it has none).
func pngText(b []byte, key string) (string, bool) {
	chunks, err := pngChunks(b)
	if err != nil {
		return "", false
	}
	for _, c := range chunks {
		if c.typ != "iTXt" {
			continue
		}
		k, rest, ok := bytes.Cut(c.data, []byte{0})
		if !ok || string(k) != key || len(rest) < 2 {
			continue
		}
		// compression flag and method, language tag, translated keyword
		rest = rest[2:]
		if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok {
			continue
		}
		if _, rest, ok = bytes.Cut(rest, []byte{0}); !ok {
			continue
		}
		return string(rest), true
	}
	return "", false
}

// decodePNGFile decodes the PNG file path.
func decodePNGFile(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// TestPolfix19StatsHelpProvenance: stats --help names the JSON's
// provenance and unit_warnings, the .npz member and the PNG chunk.
func TestPolfix19StatsHelpProvenance(t *testing.T) {
	_, help, _ := runCLI(t, "stats", "--help")
	help = strings.Join(strings.Fields(help), " ")
	for _, w := range []string{`"unit_warnings"`, `"provenance": stkit's version and commit`, `.npz member "provenance"`, `PNG text chunk "stkit provenance"`} {
		if !strings.Contains(help, w) {
			t.Errorf("stats --help lacks %q", w)
		}
	}
}
