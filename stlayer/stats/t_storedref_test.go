package stats

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// BuildStored gave a stored reference to any spec of the same J and L: a
// reference measured with --pad periodic served a --pad crop operator (and
// a 64² scov reference 32² maps). The stored references now record the
// boundary (and map size, wph its factor grids) and BuildStored refuses a
// mismatch; references in the old form, as written to model manifests
// before (a scov Ref with J, L, P00, P11 only; a wph Norm without boundary
// and grid and without a Config naming the settings), still build.
func TestBuildStoredRefSettings(t *testing.T) {
	eng := cpu.New()
	rng := rand.New(rand.NewPCG(9, 10))
	maps := func(m int) *stlayer.Maps {
		x := stlayer.NewMaps(1, m, m)
		for i := range x.Data {
			x.Data[i] = rng.NormFloat64()
		}
		return x
	}
	x32 := maps(32)
	for _, base := range []Spec{{Kind: SCov, J: 3, Synthesis: true, Iso: true}, {Kind: Spectra, J: 3}, {Kind: WPH, J: 3, Norm: "auto"}} {
		per, crop := base, base
		per.Pad, crop.Pad = "periodic", "crop"
		stored := map[string]json.RawMessage{}
		for _, s := range []Spec{per, crop} {
			op, err := BuildWithRef(s, eng, x32)
			if err != nil {
				t.Fatalf("%s: %v", s, err)
			}
			ref, err := Reference(op)
			if err != nil || len(ref) == 0 {
				t.Fatalf("%s: reference %q, %v", s, ref, err)
			}
			stored[s.Pad] = ref
			if _, err := BuildStored(s, 32, 32, ref); err != nil {
				t.Errorf("%s with its own reference: %v", s, err)
			}
		}
		testutil.Refused(t, base.String()+" periodic ref, crop op", func() error { _, err := BuildStored(crop, 32, 32, stored["periodic"]); return err }, "boundary periodic", "crop=4")
		testutil.Refused(t, base.String()+" crop ref, periodic op", func() error { _, err := BuildStored(per, 32, 32, stored["crop"]); return err }, "boundary crop=4", "periodic")
		if base.Kind != WPH {
			testutil.Refused(t, base.String()+" 32² ref, 64² op", func() error { _, err := BuildStored(per, 64, 64, stored["periodic"]); return err }, "32×32", "64×64")
		}
	}

	// hand-written old forms
	J, L := 3, 4
	p00 := strings.TrimSuffix(strings.Repeat("1,", J*L), ",")
	p11 := strings.TrimSuffix(strings.Repeat("1,", J*J*L*L), ",")
	oldSCov := json.RawMessage(fmt.Sprintf(`{"J": %d, "L": %d, "P00": [%s], "P11": [%s]}`, J, L, p00, p11))
	for _, pad := range []string{"periodic", "crop"} {
		if _, err := BuildStored(Spec{Kind: SCov, J: J, L: L, Synthesis: true, Pad: pad}, 32, 32, oldSCov); err != nil {
			t.Errorf("old-form scov reference, pad %s: %v", pad, err)
		}
	}
	var facs []string
	for j := 0; j < J; j++ {
		for l := 0; l < L; l++ {
			for p := 0; p <= 8; p++ { // every harmonic the model may read (extra entries are ignored)
				facs = append(facs, fmt.Sprintf(`{"kind": "wph", "map": 0, "j": %d, "l": %d, "p": %d, "mean_re": 0, "mean_im": 0, "std": 1}`, j, l, p))
			}
		}
	}
	facs = append(facs, `{"kind": "sm", "map": 0, "j": 0, "l": -1, "p": -1, "mean_re": 0, "mean_im": 0, "std": 1}`)
	for _, j := range []int{-1, 0} {
		for _, p := range []int{0, 1, 2} {
			facs = append(facs, fmt.Sprintf(`{"kind": "sm", "map": 0, "j": %d, "l": -1, "p": %d, "mean_re": 0, "mean_im": 0, "std": 1}`, j, p))
		}
	}
	oldWPH := json.RawMessage(fmt.Sprintf(`{"version": 1, "J": %d, "L": %d, "M": 32, "N": 32, "cross": false, "config": "", "factors": [%s]}`, J, L, strings.Join(facs, ", ")))
	for _, pad := range []string{"periodic", "crop"} {
		if _, err := BuildStored(Spec{Kind: WPH, J: J, L: L, Norm: "auto", Pad: pad}, 32, 32, oldWPH); err != nil {
			t.Errorf("old-form wph normalisation, pad %s: %v", pad, err)
		}
	}
}
