package datasets

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// A directory given to LoadSources contributed .npy, .npz, .fits, .fit and
// .fts files only: gzip-compressed FITS files (x.fits.gz), which Read reads
// and stkit synth --reference-set lists, were skipped without a word (and a
// folder holding only them was "no .npy, .npz or FITS files"). They are now
// read too, the extension in any case; other files (.npy.gz, which Read does
// not read, .txt) are still left out.
func TestLoadSourcesGzipFITS(t *testing.T) {
	dir := t.TempDir()
	m := &stlayer.Maps{B: 1, M: 4, N: 4, Data: make([]float64, 16)}
	for i := range m.Data {
		m.Data[i] = float64(i)
	}
	if err := WriteMaps(filepath.Join(dir, "a.npy"), m); err != nil {
		t.Fatal(err)
	}
	a, err := MapsToArray(m, "float64")
	if err != nil {
		t.Fatal(err)
	}
	fb, err := EncodeFITS(a)
	if err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(fb); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"b.fits.gz", "c.FIT.GZ", "d.npy.gz", "e.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srcs, err := LoadSources([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range srcs {
		names = append(names, filepath.Base(s.Name))
		if !slices.Equal(s.Maps.Data, m.Data) {
			t.Errorf("%s: read %v", s.Name, s.Maps.Data)
		}
	}
	if want := []string{"a.npy", "b.fits.gz", "c.FIT.GZ"}; !slices.Equal(names, want) {
		t.Errorf("sources %v, want %v", names, want)
	}
	// A folder of gzip-compressed FITS files only is not empty.
	only := t.TempDir()
	if err := os.WriteFile(filepath.Join(only, "x.fts.gz"), gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if srcs, err := LoadSources([]string{only}); err != nil || len(srcs) != 1 {
		t.Errorf("folder of one .fts.gz: %d sources (err %v)", len(srcs), err)
	}
}
