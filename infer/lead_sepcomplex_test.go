package infer

import (
	"errors"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// A complex WPH spec (a (Q, U) pair, 0d3b571) is refused by separation with
// a message about separation; it was refused only by accident, by the cross
// statistic's build ("has no --cross variant … leave --cross out").
func TestSepStatsRefusesComplex(t *testing.T) {
	_, err := NewSepStats(stats.Spec{Kind: stats.WPH, J: 3, Complex: true}, 32, 32, true)
	if err == nil || !errors.Is(err, ErrModelInput) || !strings.Contains(err.Error(), "separation takes real maps") || strings.Contains(err.Error(), "--cross") {
		t.Errorf("complex spec: %v; want an input error saying separation takes real maps", err)
	}
}
