package datasets_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
)

// ReadMaps is the library's way into every map file the CLI reads: .npy
// (a 2-D map or a [B, M, N] batch), .npz (the first member, or
// "file.npz:member") and FITS. Here two 32² Gaussian random fields are
// written as one .npy batch and as a member of an .npz archive, read back,
// and checked for an operator with J = 3 scales (ValidateMaps: the size
// must be divisible by 2^J, every pixel finite).
func ExampleReadMaps() {
	dir, err := os.MkdirTemp("", "readmaps")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	a, err := datasets.GaussianRandomField(32, 32, -3, 1) // P(k) ∝ k^−3, mean 0, variance 1
	if err != nil {
		panic(err)
	}
	b, err := datasets.GaussianRandomField(32, 32, -2, 2)
	if err != nil {
		panic(err)
	}
	maps, err := datasets.StackMaps(32, 32, a, b) // [2, 32, 32]
	if err != nil {
		panic(err)
	}
	npy := filepath.Join(dir, "maps.npy")
	if err := datasets.WriteMaps(npy, maps); err != nil { // float64, written atomically
		panic(err)
	}
	arr, err := datasets.MapsToArray(maps, "float32")
	if err != nil {
		panic(err)
	}
	npz := filepath.Join(dir, "maps.npz")
	if err := datasets.WriteNPZ(npz, []datasets.NamedArray{{Name: "dust", Array: arr}}, true); err != nil {
		panic(err)
	}
	for _, path := range []string{npy, npz + ":dust"} {
		x, err := datasets.ReadMaps(path) // float64 [B, M, N]
		if err != nil {
			panic(err)
		}
		same := true
		for i, v := range x.Data {
			if float32(v) != float32(maps.Data[i]) {
				same = false
			}
		}
		fmt.Printf("%s: [%d, %d, %d], as written: %v, J=3: %v\n", filepath.Base(path), x.B, x.M, x.N, same, datasets.ValidateMaps(x, 3))
	}
	// J = 5 needs maps of at least 64² (the error says so, and what to do)
	fmt.Println("J=5 refused:", datasets.ValidateMaps(maps, 5) != nil)
	// Output:
	// maps.npy: [2, 32, 32], as written: true, J=3: <nil>
	// maps.npz:dust: [2, 32, 32], as written: true, J=3: <nil>
	// J=5 refused: true
}
