package datasets

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// "x.npz:../../evil" was written as the zip entry "../../evil.npy" (unzip
// extracts it two folders up); a member name with a ".." or empty
// component, absolute, with '\' or empty is now refused by CheckMapsPath,
// WriteMaps and Read, and nothing is written; plain names (also with dots,
// and folders inside the archive) are written as before.
func TestBadfix20NPZMemberNames(t *testing.T) {
	dir := t.TempDir()
	m := stlayer.NewMaps(1, 4, 4)
	for i := range m.Data {
		m.Data[i] = float64(i)
	}
	file := filepath.Join(dir, "x.npz")
	for _, name := range []string{"../../evil", `..\evil`, `a\b`, "/abs", "..", ".", `C:\evil`, "", ".npy", "a\x00b", "sub/../x", "a//b", "./x", "a/"} {
		p := file + ":" + name
		if err := CheckMapsPath(p); err == nil {
			t.Errorf("CheckMapsPath(%q): accepted", p)
		}
		if err := WriteMaps(p, m); err == nil || !strings.Contains(err.Error(), "member name") && !strings.Contains(err.Error(), "no member name") {
			t.Errorf("WriteMaps(%q): %v", p, err)
		}
		if _, err := os.Stat(file); err == nil {
			t.Fatalf("WriteMaps(%q) wrote %s", p, file)
		}
	}
	for _, name := range []string{"maps", "a.b", "x..y", "maps.npy", "dir/m"} {
		if err := WriteMaps(file+":"+name, m); err != nil {
			t.Errorf("WriteMaps(%q): %v", name, err)
		}
	}
	zr, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
	}
	zr.Close()
	if strings.Join(got, " ") != "maps.npy a.b.npy x..y.npy dir/m.npy" {
		t.Errorf("entries %v, want maps.npy a.b.npy x..y.npy dir/m.npy", got)
	}
	if _, err := Read(file + ":../x"); err == nil || !strings.Contains(err.Error(), `member name "../x" has a ".." component`) {
		t.Errorf("Read x.npz:../x: %v", err)
	}
	a, err := Read(file + ":a.b")
	if err != nil || a.Shape[len(a.Shape)-1] != 4 || a.Float64[5] != 5 {
		t.Errorf("Read x.npz:a.b: %v", err)
	}
}
