package datasets

import (
	"os"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
)

// go test ./datasets -run XXX -bench . -benchtime 20x

func BenchmarkDecodeNPYDust512(b *testing.B) {
	raw, err := os.ReadFile(testutil.DataFile(b, "dust/I_1.npy"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := DecodeNPY(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeFITSDust512(b *testing.B) {
	a, err := ReadNPY(testutil.DataFile(b, "dust/I_1.npy"))
	if err != nil {
		b.Fatal(err)
	}
	raw, err := EncodeFITS(a)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := DecodeFITS(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGRF256(b *testing.B) {
	for b.Loop() {
		if _, err := GaussianRandomField(256, 256, -3, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFilamentary256(b *testing.B) {
	for b.Loop() {
		if _, err := Filamentary(256, 256, 60, 1.5, 1); err != nil {
			b.Fatal(err)
		}
	}
}
