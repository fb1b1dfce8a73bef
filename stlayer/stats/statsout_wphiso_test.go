package stats_test

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// The library's refusal of a wph Spec with Iso now says where the isotropic
// WPH is (separate's statistic, infer.NewSepStats) and how to get it.
func TestWPHIsoRefusalSaysWhere(t *testing.T) {
	_, err := stats.Build(stats.Spec{Kind: stats.WPH, J: 2, Iso: true}, 16, 16)
	if err == nil || !strings.Contains(err.Error(), "separate's default statistic, built by infer.NewSepStats") || !strings.Contains(err.Error(), "stkit stats --kind wph --iso computes it") {
		t.Errorf("wph iso: %v", err)
	}
	_, err = stats.Build(stats.Spec{Kind: stats.WPH, J: 2, Synthesis: true}, 16, 16)
	if err == nil || strings.Contains(err.Error(), "isotropic") {
		t.Errorf("wph synthesis: %v", err)
	}
}
