package stats_test

import (
	"errors"
	"math"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// BuildWithRef refused non-finite reference maps but measured the reference
// on maps holding HEALPix's UNSEEN value −1.6375e30 (finite, missing data),
// which the CLI and infer refuse. It now refuses them with
// datasets.CheckUnseen's wording, float32-rounded UNSEEN included; the
// statistics that measure no reference are unchanged.
func TestBuildWithRefRefusesUnseen(t *testing.T) {
	eng := cpu.New()
	x := stlayer.NewMaps(2, 32, 32)
	for i := range x.Data {
		x.Data[i] = 1 + 0.5*math.Sin(0.37*float64(i)) + 0.1*math.Cos(0.05*float64(i%97))
	}
	x.Data[32*32+3*32+5] = datasets.Unseen                   // map 1, row 3, column 5
	x.Data[32*32+9*32+1] = float64(float32(datasets.Unseen)) // as read from a float32 file
	var ve *datasets.ValidationError
	if err := datasets.CheckUnseen(x); !errors.As(err, &ve) || ve.Unseen != 2 {
		t.Fatalf("datasets.CheckUnseen: %v", err)
	}
	want := "reference maps: " + ve.Msg + ". " + ve.Hint
	for _, s := range []stats.Spec{
		{Kind: stats.SCov, J: 3, Synthesis: true},
		{Kind: stats.SCov, J: 3, Iso: true},
		{Kind: stats.Spectra, J: 3},
		{Kind: stats.WPH, J: 3, Norm: "auto"},
		{Kind: stats.WPH, J: 2, Norm: "auto", Cross: true}, // pairs of 16×32 maps stacked by rows
	} {
		_, err := stats.BuildWithRef(s, eng, x)
		if err == nil || err.Error() != want {
			t.Errorf("%s: %v\nwant %s", s, err, want)
		}
	}
	// nothing measured: the maps are not looked at (as for NaN)
	if _, err := stats.BuildWithRef(stats.Spec{Kind: stats.WST, J: 3}, eng, x); err != nil {
		t.Errorf("wst (no reference): %v", err)
	}
	// and the same maps without UNSEEN build
	x.Data[32*32+3*32+5], x.Data[32*32+9*32+1] = 1, 1
	if _, err := stats.BuildWithRef(stats.Spec{Kind: stats.Spectra, J: 3}, eng, x); err != nil {
		t.Errorf("spectra without UNSEEN: %v", err)
	}
}
