package main

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// scov's var class was "the map's variance" without saying it divides by
// the number of pixels minus 1 (stlayer/scov: Σ(I − ⟨I⟩)²/(MN − 1)).
func TestPhysscale19VarDoc(t *testing.T) {
	lab := &stlayer.Labels{Class: []string{"var"}}
	d := classDoc(stats.Spec{Kind: stats.SCov}, lab)
	if v := d["var"]; !strings.Contains(v, "unbiased") || !strings.Contains(v, "/(n − 1)") || !strings.Contains(v, "n = MN") {
		t.Errorf("class_doc var = %q", v)
	}
}
