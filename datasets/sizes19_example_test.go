package datasets_test

import (
	"errors"
	"fmt"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// ValidateMapsFor checks maps against the size rule of one statistic: any
// size from 2^(J+1) pixels a side (even sides for the global wst, scov and
// spectra), where ValidateMaps asks for sides divisible by 2^J. A survey's
// 500×500 maps are taken at J = 6 by every family; 501×501 ones by wph,
// while scov names the crop to even sides.
func ExampleValidateMapsFor() {
	survey := stlayer.NewMaps(1, 500, 500)
	for i := range survey.Data {
		survey.Data[i] = float64(i%11) * 0.1
	}
	fmt.Println("ValidateMaps J=6:", datasets.ValidateMaps(survey, 6))
	for _, k := range []stats.Kind{stats.WST, stats.WPH, stats.SCov, stats.Spectra} {
		fmt.Printf("%s J=6: %v (largest J %d)\n", k, datasets.ValidateMapsFor(survey, stats.Spec{Kind: k, J: 6}), datasets.LargestJ(stats.Spec{Kind: k}, 500, 500))
	}
	odd := stlayer.NewMaps(1, 501, 501)
	fmt.Println("wph 501×501:", datasets.ValidateMapsFor(odd, stats.Spec{Kind: stats.WPH, J: 6}))
	err := datasets.ValidateMapsFor(odd, stats.Spec{Kind: stats.SCov, J: 6})
	fmt.Println("scov 501×501:", err)
	fmt.Println("ErrSize:", errors.Is(err, stlayer.ErrSize))
	// Output:
	// ValidateMaps J=6: datasets: J=6 needs maps of at least 128×128 pixels divisible by 64; got 500×500
	// wst J=6: <nil> (largest J 7)
	// wph J=6: <nil> (largest J 7)
	// scov J=6: <nil> (largest J 7)
	// spectra J=6: <nil> (largest J 7)
	// wph 501×501: <nil>
	// scov 501×501: datasets: scov needs maps with even sides (Cheng's cropped Fourier grids); got 501×501. Crop the maps to 500×500 pixels (numpy: x[:500, :500], or x[:, :500, :500] for a batch; any 500×500 window will do)
	// ErrSize: true
}
