package infer

import (
	"fmt"
	"math/rand/v2"

	"github.com/stkit-org/stkit/stlayer"
)

// SampleChecksFalseAlarm is the measured false-alarm rate of the sample
// report's checks (SampleChecks): how often n real patches, held out of
// the reference set and treated as if they were sampled tiles, are called
// "outside". Reps is the number of held-out draws, Outside how many of them
// the verdict called outside, Rate = Outside/Reps, and Fails each check's
// count of failures over the draws (by name).
type SampleChecksFalseAlarm struct {
	N       int            `json:"maps"`
	Patches int            `json:"patches"`
	Reps    int            `json:"reps"`
	Outside int            `json:"outside"`
	Rate    float64        `json:"rate"`
	Fails   map[string]int `json:"fails"`
}

// MeasureSampleChecksFalseAlarm measures SampleChecksFalseAlarm on
// patches: each of reps draws (seeded) holds out n patches at random as the
// tiles and checks them against the other patches as a sample report does
// (the spectrum yardstick, ValidateWith's figures on the interior window
// [c, p−c)², then the checks). A perfect sampler of the patches would be
// called "outside" at this rate. It needs n ≥ 1 and n + 4 ≤ patches.B.
func MeasureSampleChecksFalseAlarm(patches *stlayer.Maps, n, reps, interior int, seed uint64) (SampleChecksFalseAlarm, error) {
	out := SampleChecksFalseAlarm{N: n, Reps: reps, Fails: map[string]int{}}
	if err := checkMaps("patches", patches, 0); err != nil {
		return out, err
	}
	B := patches.B
	out.Patches = B
	if n < 1 || n+4 > B || reps < 1 {
		return out, inputErrorf("false-alarm rate: %d patches cannot hold out %d (need n ≥ 1, n + 4 ≤ patches, reps ≥ 1)", B, n)
	}
	rng := rand.New(rand.NewPCG(seed, 0xfa15e))
	sz := patches.M * patches.N
	for r := 0; r < reps; r++ {
		perm := rng.Perm(B)
		tiles := stlayer.NewMaps(n, patches.M, patches.N)
		ref := stlayer.NewMaps(B-n, patches.M, patches.N)
		for i, b := range perm {
			if i < n {
				copy(tiles.Data[i*sz:(i+1)*sz], patches.Map(b))
			} else {
				copy(ref.Data[(i-n)*sz:(i-n+1)*sz], patches.Map(b))
			}
		}
		settings := map[string]any{"box": "none"}
		samplePSVerdict(tiles, ref, settings)
		vm, err := ValidateWith(ref, tiles, ValidateOptions{Reference: ref, Interior: interior})
		if err != nil {
			return out, fmt.Errorf("false-alarm rate, draw %d: %w", r, err)
		}
		sc := newSampleChecks(vm, tiles, ref, interior, settings)
		if len(sc.Failed()) > 0 { // outside; not an undecided verdict (samplepower20)
			out.Outside++
		}
		for _, name := range sc.Failed() {
			out.Fails[name]++
		}
	}
	out.Rate = float64(out.Outside) / float64(reps)
	return out, nil
}
