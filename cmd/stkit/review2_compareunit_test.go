package main

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestReview2CompareClassDocSameBUnit: stats --compare's class_doc named
// the BUNIT only when A's and B's were spelt alike, while its unit checks
// (datasets.SameBUnit) take 'MJy/sr' and 'MJY/SR' for one unit: such sets
// got no unit warning and a class_doc with the placeholders "(in its
// unit)". It names A's spelling now; different units keep the
// placeholders.
func TestReview2CompareClassDocSameBUnit(t *testing.T) {
	spec := stats.Spec{Kind: stats.WST, J: 2, L: 2}
	op, err := stats.Build(spec, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	const want = "S0 = ⟨x⟩, the map's raw mean (in MJy/sr)"
	if got := compareClassDoc(spec, op.Labels(), "MJy/sr", "MJY/SR")["S0"]; got != want {
		t.Errorf("MJy/sr against MJY/SR: S0 %q, want %q", got, want)
	}
	if got := compareClassDoc(spec, op.Labels(), "MJy/sr", "K")["S0"]; got != "S0 = ⟨x⟩, the map's raw mean (in its unit)" {
		t.Errorf("MJy/sr against K: S0 %q, want the placeholder", got)
	}
}
