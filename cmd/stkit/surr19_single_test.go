package main

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// surr19Maps writes b small m×n maps (a red-ish pattern from integer
// arithmetic plus a ramp, no two alike) with offset off to dir/name.
func surr19Maps(t *testing.T, dir, name string, b, m, n, off int) string {
	t.Helper()
	x := stlayer.NewMaps(b, m, n)
	for i := 0; i < b; i++ {
		mp := x.Map(i)
		for r := 0; r < m; r++ {
			for c := 0; c < n; c++ {
				k := r*n + c
				mp[k] = float64((k*7919+(i+off)*331)%97)/97 + 0.25*float64(r+(i+off)*c%5) + float64(i+off)
			}
		}
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMaps(p, x); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSurr19SingleUnchanged pins the output of surrogate without --joint
// to the one written before --joint existed (cmd/stkit at e64fead): the
// sha256 of the .npy bytes (on amd64, where Go fuses no multiply-adds) and,
// on every architecture, of the values rounded to 1e-10.
// Both kinds, several inputs, -n 2.
func TestSurr19SingleUnchanged(t *testing.T) {
	dir := t.TempDir()
	a := surr19Maps(t, dir, "a.npy", 2, 6, 8, 0)
	b := surr19Maps(t, dir, "b.npy", 1, 6, 8, 5)
	for _, c := range []struct {
		args          []string
		bytes, values string
	}{
		{[]string{a, b, "-n", "2", "--seed", "3"}, "f7e2e1cec41d4a718543e956daa150f39b82b81f9e255c2925e6780b3d529339", "3475c01e282f98d7f2917354d044bdcef1c9555a64da07323f94b850b70754f9"},
		{[]string{a, "--kind", "iso", "--seed", "7"}, "cae816aac0de1dd53cd4108e5df5bcd49f3f3ddc9500140d6c732e9d3321957b", "2315d377f6426945efb4bacc57c3ab0d140370c0a38558e003786f23bd064e76"},
		{[]string{b}, "65981e92c610f5c2ad9caf790baf2059cbb5ae835482a6c5101815ad4b0a59b2", "27cd3d45c9bc583792037458c956c6ae468d1b8f7463aafc4ca7ddf079a9f16b"},
	} {
		out := filepath.Join(dir, "out.npy")
		if code, _, errs := runCLI(t, append([]string{"surrogate", "-o", out}, c.args...)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", c.args, code, errs)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		m, err := datasets.ReadMaps(out)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, v := range m.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%v: non-finite output %v", c.args, v)
			}
			h.Write([]byte(strconv.FormatInt(int64(math.Round(v*1e10)), 10) + "\n"))
		}
		hb := sha256.Sum256(raw)
		gotBytes, gotValues := hex.EncodeToString(hb[:]), hex.EncodeToString(h.Sum(nil))
		if gotValues != c.values {
			t.Errorf("%v: values hash %s, want %s (the output before --joint)", c.args, gotValues, c.values)
		}
		if runtime.GOARCH == "amd64" && gotBytes != c.bytes {
			t.Errorf("%v: .npy sha256 %s, want %s (the output before --joint)", c.args, gotBytes, c.bytes)
		}
	}
}
