package datasets

import (
	"archive/zip"
	"bytes"
	"fmt"
	"testing"
)

// An .npz member compressed with bzip2 or lzma (zipfile.ZIP_BZIP2,
// ZIP_LZMA) was refused as "compression method 12 is not supported", a
// number meaning nothing to its author. The error now names the method and
// how to re-save the archive.
func TestNPZUnsupportedMethodNamed(t *testing.T) {
	good, _ := EncodeNPY(&Array{Shape: []int{2}, DType: "float64", Float64: []float64{1, 2}}, NPYOptions{})
	for method, name := range map[uint16]string{12: "bzip2", 14: "lzma", 93: "zstd", 99: "AES encryption"} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "a.npy", Method: method, CompressedSize64: uint64(len(good)), UncompressedSize64: uint64(len(good))})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(good)
		zw.Close()
		_, err = DecodeNPZMember(buf.Bytes(), "a")
		wantFormatError(t, err, fmt.Sprintf("compression method %d (%s) is not supported", method, name), "np.savez")
	}
}
