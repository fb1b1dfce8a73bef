package graph

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/stlayer"
)

// Since 1ec74c2 the CLI takes map sides that are not multiples of 2^J, and
// a side with a prime factor above 128 (here 262 = 2·131) cannot go through
// the four-step FFT of the pure-Go backend. The refusal matches
// stlayer.ErrSize and names the way out (the cpu engine, XLA's native FFT,
// a crop); a side it can transform (260 = 13·20) runs.
func TestFFTSize19FourStepRefusal(t *testing.T) {
	e := New(gomlxtest.Backend(t))
	defer e.Finalize()
	fft := func(p stlayer.Prim, x stlayer.Field) stlayer.Field { return p.FFT2(x) }
	rng := rand.New(rand.NewPCG(19, 7))
	_, err := e.Forward("fftsize19|262", fft, testutil.RandMaps(rng, 1, 4, 262))
	if err == nil {
		t.Fatal("a 4×262 map went through the four-step FFT")
	}
	if !errors.Is(err, stlayer.ErrSize) {
		t.Errorf("error %v does not match stlayer.ErrSize", err)
	}
	for _, w := range []string{"262", "--engine cpu", "native FFT"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not name %q", err, w)
		}
	}
	c, err := e.Forward("fftsize19|260", fft, testutil.RandMaps(rng, 1, 4, 260))
	if err != nil || len(c.Data) != 4*260 {
		t.Fatalf("4×260 map: %v (%d coefficients)", err, len(c.Data))
	}
}
