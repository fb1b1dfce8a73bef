package gomlxfix

import (
	"testing"

	. "github.com/gomlx/gomlx/pkg/core/graph"
)

// TestOriginalHoldsFourRules pins Original's doc: it holds the upstream rules
// of the four node types the package replaces (its doc named only Dot and
// DotGeneral; Slice and Reverse were stored too), Reverse's being nil (none
// upstream), and Uninstall puts them back.
func TestOriginalHoldsFourRules(t *testing.T) {
	if len(Original) != 4 {
		t.Errorf("Original holds %d rules, want 4", len(Original))
	}
	for _, nt := range []NodeType{NodeTypeDot, NodeTypeDotGeneral, NodeTypeSlice} {
		if Original[nt] == nil {
			t.Errorf("Original[%v] is nil", nt)
		}
	}
	if r, ok := Original[NodeTypeReverse]; !ok || r != nil {
		t.Errorf("Original[Reverse]: present %v, nil %v; want a nil entry", ok, r == nil)
	}
	Uninstall()
	_, hasReverse := VJPRegistration[NodeTypeReverse]
	Install()
	if hasReverse {
		t.Errorf("Uninstall left a Reverse rule")
	}
	if VJPRegistration[NodeTypeReverse] == nil {
		t.Errorf("Install did not register the Reverse rule")
	}
}
