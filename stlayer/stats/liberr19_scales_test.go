package stats

import (
	"errors"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// The families' own refusals (wst.New, wph.New, scov.New, filters.CheckBank,
// the operators' size checks) were *stlayer.ErrShape{Msg} with no kind (wph's
// J < 1 and DN < 0 untyped errors): a J too large for the maps and an odd
// map side could not be told apart. They now match exactly one sentinel:
// stlayer.ErrScales for J, L, DN, a cut too wide for the maps, and
// stlayer.ErrSize for the map size (odd, empty, narrower than any J fits,
// another size than the operator's); messages unchanged.
func TestLiberr19FamilyKinds(t *testing.T) {
	type tc struct {
		name string
		s    Spec
		m, n int
		kind error
	}
	var cases []tc
	for _, k := range []Kind{WST, WPH, SCov, Spectra} {
		cases = append(cases,
			tc{"zero size", Spec{Kind: k}, 0, 0, stlayer.ErrSize},
			tc{"1×1 map", Spec{Kind: k}, 1, 1, stlayer.ErrSize},
			tc{"J too large", Spec{Kind: k, J: 9}, 32, 32, stlayer.ErrScales},
			tc{"negative J", Spec{Kind: k, J: -2}, 32, 32, stlayer.ErrScales},
			tc{"negative L", Spec{Kind: k, L: -4}, 32, 32, stlayer.ErrScales},
			tc{"L = 33", Spec{Kind: k, J: 2, L: 33}, 32, 32, stlayer.ErrScales},
		)
	}
	cases = append(cases,
		tc{"wst odd", Spec{Kind: WST, J: 2}, 63, 63, stlayer.ErrSize},
		tc{"scov odd", Spec{Kind: SCov, J: 2}, 63, 63, stlayer.ErrSize},
		tc{"wst local J too large", Spec{Kind: WST, J: 5, Local: true}, 32, 32, stlayer.ErrScales},
		tc{"wph DN", Spec{Kind: WPH, J: 2, DN: 9}, 32, 32, stlayer.ErrScales},
		tc{"wph negative DN", Spec{Kind: WPH, J: 2, DN: -1}, 32, 32, stlayer.ErrScales},
		tc{"scov cut", Spec{Kind: SCov, J: 4, Pad: "crop", Cut: 1}, 32, 32, stlayer.ErrScales},
		tc{"wph cut", Spec{Kind: WPH, J: 4, Pad: "crop", Cut: 1}, 32, 32, stlayer.ErrScales},
	)
	for _, c := range cases {
		_, err := Build(c.s, c.m, c.n)
		if err == nil {
			t.Errorf("%s %s: accepted", c.s.Kind, c.name)
			continue
		}
		if k := liberr19Kinds(err); len(k) != 1 || k[0] != c.kind {
			t.Errorf("%s %s: %v matches %v, want only %v", c.s.Kind, c.name, err, k, c.kind)
		}
	}
	// Messages unchanged (the CLI's tests match them), *ErrShape kept.
	for _, c := range []struct {
		s    Spec
		m    int
		msg  string
		kind error
	}{
		{Spec{Kind: WST, J: 9}, 64, "wst: map 64×64 too small for J=9 (need 2^(J+1) ≤ min(M,N), i.e. J ≤ 5; lower J or give larger maps)", stlayer.ErrScales},
		{Spec{Kind: SCov, J: 7}, 64, "scov: map 64×64 too small for J = 7 (need 2^J ≤ min(M, N), i.e. J ≤ 6; lower J or give larger maps)", stlayer.ErrScales},
		{Spec{Kind: WPH, J: 7}, 64, "wph: map 64×64 too small for J=7 (need at least 2^J pixels per side, i.e. J ≤ 6; lower J or give larger maps)", stlayer.ErrScales},
		{Spec{Kind: WST, J: 4}, 63, "wst: global WST needs even map sides (Cheng's cropped Fourier grids), got 63×63: crop or pad the maps to even sides, e.g. 62×62", stlayer.ErrSize},
	} {
		_, err := Build(c.s, c.m, c.m)
		var es *stlayer.ErrShape
		if err == nil || err.Error() != c.msg || !errors.As(err, &es) || es.Kind != c.kind {
			t.Errorf("%s: %v, want %q as an *ErrShape of kind %v", c.s, err, c.msg, c.kind)
		}
	}
	// The statistics' own input checks, through the engine.
	eng := cpu.New()
	small := testMaps(1, 16)
	for _, s := range []Spec{{Kind: WST, J: 2}, {Kind: WPH, J: 2}, {Kind: SCov, J: 2}} {
		op, err := Build(s, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		_, err = eng.Forward(op.Key(), op.Stat(), small)
		if k := liberr19Kinds(err); len(k) != 1 || k[0] != stlayer.ErrSize {
			t.Errorf("%s on 16×16 maps via eng.Forward: %v matches %v, want only ErrSize", s, err, k)
		}
	}
}
