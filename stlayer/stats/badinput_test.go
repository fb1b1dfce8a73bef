package stats

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Build, BuildStored and BuildWithRef refuse sizes, scales and options the
// families cannot handle with an error naming the problem, never a panic.
func TestBuildRefusesBadSizes(t *testing.T) {
	kinds := []Kind{WST, WPH, SCov, Spectra}
	for _, k := range kinds {
		for _, c := range []struct {
			name string
			s    Spec
			m, n int
			want string
		}{
			{"zero size", Spec{Kind: k}, 0, 0, "map"},
			{"negative size", Spec{Kind: k}, -8, 32, "map"},
			{"1×1 map", Spec{Kind: k}, 1, 1, ""},
			{"J too large", Spec{Kind: k, J: 9}, 32, 32, "J"},
			{"negative J", Spec{Kind: k, J: -2}, 32, 32, "J"},
			{"negative L", Spec{Kind: k, L: -4}, 32, 32, "L"},
		} {
			testutil.Refused(t, string(k)+" "+c.name, func() error { _, err := Build(c.s, c.m, c.n); return err }, c.want)
			testutil.Refused(t, string(k)+" stored "+c.name, func() error { _, err := BuildStored(c.s, c.m, c.n, nil); return err }, c.want)
		}
	}
	testutil.Refused(t, "wph negative dn", func() error { _, err := Build(Spec{Kind: WPH, J: 3, DN: -1}, 32, 32); return err }, "dn")
	testutil.Refused(t, "unknown kind stored", func() error { _, err := BuildStored(Spec{Kind: "x"}, 32, 32, nil); return err }, "unknown")
}

// BuildWithRef refuses nil or unusable reference maps and a nil engine;
// BuildStored refuses a truncated or corrupt stored reference.
func TestBuildWithRefRefusesBadInput(t *testing.T) {
	eng := cpu.New()
	good := testMaps(1, 32)
	nan := testMaps(1, 32)
	nan.Data[40] = math.NaN()
	odd := testMaps(1, 32)
	odd.M = 31
	odd.Data = odd.Data[:31*32]
	ragged := testMaps(1, 32)
	ragged.Data = ragged.Data[:100]
	for _, s := range []Spec{
		{Kind: SCov, J: 3, Synthesis: true, Iso: true},
		{Kind: Spectra, J: 3},
		{Kind: WPH, J: 3, Norm: "auto"},
		{Kind: WST, J: 3},
	} {
		name := s.String()
		testutil.Refused(t, name+": nil ref", func() error { _, err := BuildWithRef(s, eng, nil); return err }, "nil")
		testutil.Refused(t, name+": ragged ref", func() error { _, err := BuildWithRef(s, eng, ragged); return err }, "100")
		testutil.Refused(t, name+": empty ref", func() error { _, err := BuildWithRef(s, eng, stlayer.NewMaps(0, 32, 32)); return err }, "no maps")
		if s.Kind != WST {
			testutil.Refused(t, name+": nil engine", func() error { _, err := BuildWithRef(s, nil, good); return err }, "engine")
			testutil.Refused(t, name+": NaN ref", func() error { _, err := BuildWithRef(s, eng, nan); return err }, "non-finite")
		}
	}
	testutil.Refused(t, "cross with odd rows", func() error {
		_, err := BuildWithRef(Spec{Kind: SCov, J: 3, Cross: true}, eng, odd)
		return err
	}, "even")
	// Stored references cut short or of the wrong kind.
	for _, s := range []Spec{{Kind: SCov, J: 3, Synthesis: true}, {Kind: WPH, J: 3, Norm: "auto"}} {
		op, err := BuildWithRef(s, eng, good)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := Reference(op)
		if err != nil || len(ref) == 0 {
			t.Fatalf("%s: reference %d bytes, %v", s, len(ref), err)
		}
		testutil.Refused(t, s.String()+": truncated stored ref", func() error { _, err := BuildStored(s, 32, 32, ref[:len(ref)/2]); return err })
		testutil.Refused(t, s.String()+": not JSON", func() error { _, err := BuildStored(s, 32, 32, json.RawMessage("garbage")); return err })
	}
	testutil.Refused(t, "StackPair nil", func() error { _, err := StackPair(nil, good); return err }, "nil")
	testutil.Refused(t, "StackPair ragged", func() error { _, err := StackPair(ragged, ragged); return err }, "100")
}
