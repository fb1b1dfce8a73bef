package stats

import (
	"strings"
	"testing"
)

// BuildStored checks a Spec's cross-family options as Build does: a scov,
// spectra or wph spec with StrictJ2 (an option of the global wst only) was
// built without it, so a stored model whose spec said j2 > j1 silently got
// the j2 ≥ j1 statistic; a spectra or wst spec with Cross is refused too.
func TestBuildStoredChecksFamilyOptions(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Kind: SCov, J: 3, StrictJ2: true}, "--strict-j2"},
		{Spec{Kind: SCov, J: 3, Synthesis: true, Iso: true, StrictJ2: true}, "--strict-j2"},
		{Spec{Kind: Spectra, J: 3, StrictJ2: true}, "--strict-j2"},
		{Spec{Kind: WPH, J: 3, StrictJ2: true}, "--strict-j2"},
		{Spec{Kind: WST, J: 3, Local: true, StrictJ2: true}, "--strict-j2"},
		{Spec{Kind: Spectra, J: 3, Cross: true}, "cross-statistics exist for scov and wph"},
		{Spec{Kind: WST, J: 3, Cross: true}, "cross-statistics exist for scov and wph"},
	} {
		_, errB := Build(c.s, 32, 32)
		_, errS := BuildStored(c.s, 32, 32, nil)
		if errS == nil || !strings.Contains(errS.Error(), c.want) {
			t.Errorf("BuildStored(%s): %v, want an error containing %q", c.s, errS, c.want)
		}
		if errB == nil || errS == nil || errB.Error() != errS.Error() {
			t.Errorf("%s: Build says %v, BuildStored %v", c.s, errB, errS)
		}
	}
	// The global wst keeps StrictJ2: 48 fewer S2 (J = 3, L = 4: the j1 = j2 pairs).
	a, err := BuildStored(Spec{Kind: WST, J: 3}, 32, 32, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := BuildStored(Spec{Kind: WST, J: 3, StrictJ2: true}, 32, 32, nil)
	if err != nil {
		t.Fatal(err)
	}
	if na, nb := len(a.Labels().Select("S2", nil)), len(b.Labels().Select("S2", nil)); na-nb != 48 {
		t.Errorf("stored wst S2: %d, with StrictJ2 %d (want 48 fewer)", na, nb)
	}
}

// IsRaw's doc: true only for the single-map raw scov operator (periodic or
// crop); false for its synthesis/iso/spectra variants, the cross operator
// (whose output is raw cross moments, for scov.CrossOp.Results) and other
// families.
func TestIsRawOnlySingleMapRawSCov(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want bool
	}{
		{Spec{Kind: SCov, J: 3}, true},
		{Spec{Kind: SCov, J: 3, Pad: "crop"}, true},
		{Spec{Kind: SCov, J: 3, Iso: true}, false},
		{Spec{Kind: SCov, J: 3, Synthesis: true}, false},
		{Spec{Kind: Spectra, J: 3}, false},
		{Spec{Kind: SCov, J: 3, Cross: true}, false},
		{Spec{Kind: WST, J: 3}, false},
		{Spec{Kind: WPH, J: 3}, false},
	} {
		o, err := Build(c.s, 32, 32)
		if err != nil {
			t.Fatal(err)
		}
		if got := IsRaw(o); got != c.want {
			t.Errorf("IsRaw(%s) = %v, want %v", c.s, got, c.want)
		}
		if _, ok := SCovCrossOp(o); ok != c.s.Cross {
			t.Errorf("SCovCrossOp(%s) ok = %v", c.s, ok)
		}
	}
}
