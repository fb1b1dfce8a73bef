package stats

import (
	"math"
	"testing"
)

// TestMsgs18CutMessage: the refusal of a negative or non-finite Cut said
// "want a finite number > 0 (…; 0 or 1/2: the default …)", while Cut 0 is
// accepted as the default 1/2. The message now says 0 is the default, and
// Cut 0 builds the same operator (CutPixels) as 1/2.
func TestMsgs18CutMessage(t *testing.T) {
	const n = 32
	want := "--cut -0.25: want a finite number > 0, the border in units of 2^J (c = ⌊cut·2^J⌋ pixels per side), or 0 for the default 1/2 (⌊2^J/2⌋ pixels)"
	if _, err := Build(Spec{Kind: SCov, J: 3, Pad: "crop", Cut: -0.25}, n, n); err == nil || err.Error() != want {
		t.Errorf("Cut -0.25: %v\nwant %s", err, want)
	}
	if _, err := Build(Spec{Kind: WPH, J: 3, Pad: "crop", Cut: math.Inf(1)}, n, n); err == nil || err.Error() != "--cut +Inf: want a finite number > 0, the border in units of 2^J (c = ⌊cut·2^J⌋ pixels per side), or 0 for the default 1/2 (⌊2^J/2⌋ pixels)" {
		t.Errorf("Cut +Inf: %v", err)
	}
	for _, cut := range []float64{0, 0.5} {
		s := Spec{Kind: SCov, J: 3, Pad: "crop", Cut: cut}
		if _, err := Build(s, n, n); err != nil {
			t.Errorf("Cut %g: %v", cut, err)
		}
		if c := s.CutPixels(); c != 4 {
			t.Errorf("Cut %g: CutPixels %d, want 4 (⌊2^3/2⌋)", cut, c)
		}
	}
}
