package stats

import (
	"strings"
	"testing"
)

// TestSpecStringShowsNormInEffect pins that String shows the normalisation a
// scov or spectra spec uses: Norm "none" is read as p00 there (Spec.Norm),
// so it reads "norm=p00"; wph keeps "none" (raw moments).
func TestSpecStringShowsNormInEffect(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Kind: SCov}, "norm=p00"},
		{Spec{Kind: Spectra}, "norm=p00"},
		{Spec{Kind: SCov, Norm: "p11"}, "norm=p11"},
		{Spec{Kind: WPH}, "norm=none"},
		{Spec{Kind: WPH, Norm: "auto"}, "norm=auto"},
	} {
		got := c.s.WithDefaults(64, 64).String()
		if !strings.Contains(got, c.want) || strings.Count(got, "norm=") != 1 {
			t.Errorf("%+v: String() = %q, want one %q", c.s, got, c.want)
		}
	}
}

// TestWPHVariantErrorNamesFlag pins that refusing iso/synthesis/local for
// wph names the option that was given.
func TestWPHVariantErrorNamesFlag(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Kind: WPH, Iso: true}, "(got --iso)"},
		{Spec{Kind: WPH, Synthesis: true}, "(got --synthesis)"},
		{Spec{Kind: WPH, Local: true}, "(got --local)"},
		{Spec{Kind: WPH, Iso: true, Synthesis: true}, "(got --iso --synthesis)"},
	} {
		_, err := Build(c.s, 32, 32)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: err = %v, want it to contain %q", c.s, err, c.want)
		}
	}
}
