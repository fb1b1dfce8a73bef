package datasets

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// An archive without .npy members was refused as "archive has no .npy
// members", not saying what it holds (a member "A.NPY", or only other
// files). The error now lists the entries (the first 10).
func TestNPZNoNPYMembersListsEntries(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := []string{"readme.txt", "A.NPY", "dir/"}
	for i := 0; i < 12; i++ {
		names = append(names, fmt.Sprintf("f%02d.dat", i))
	}
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write([]byte("x"))
	}
	zw.Close()
	_, err := DecodeNPZ(buf.Bytes())
	wantFormatError(t, err, "archive has no .npy members", "readme.txt, A.NPY, dir/", "f06.dat, …", "15 entries", "NAME.npy")
	if err != nil && strings.Contains(err.Error(), "f07.dat") {
		t.Errorf("error lists more than 10 entries: %v", err)
	}
	var empty bytes.Buffer
	zip.NewWriter(&empty).Close()
	_, err = DecodeNPZ(empty.Bytes())
	wantFormatError(t, err, "archive has no .npy members (it is empty)")
}
