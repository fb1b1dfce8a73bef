package infer

import (
	"errors"
	"strings"
	"testing"
)

// TestParseSepWeightsTermTwice: a term named twice was accepted with the
// later value silently winning ("data=1,data=2" gave Data = 2); it is an
// input error naming the term, while each term once still parses.
func TestParseSepWeightsTermTwice(t *testing.T) {
	for _, s := range []string{"data=1,data=2", "contaminant=3, data=1 ,contaminant=3", "template=0,independence=1, template = 5"} {
		_, err := ParseSepWeights(s)
		if err == nil {
			t.Fatalf("ParseSepWeights(%q): no error", s)
		}
		if !errors.Is(err, ErrModelInput) {
			t.Errorf("ParseSepWeights(%q): %v is not ErrModelInput", s, err)
		}
		name := strings.TrimSpace(strings.Split(strings.Split(s, ",")[0], "=")[0])
		if !strings.Contains(err.Error(), "the "+name+" term is given twice") {
			t.Errorf("ParseSepWeights(%q): %q does not name the %s term as given twice", s, err, name)
		}
	}
	w, err := ParseSepWeights("data=1,contaminant=2,independence=3,template=4")
	if err != nil {
		t.Fatal(err)
	}
	if w.Data != 1 || w.Contaminant != 2 || w.Independence != 3 || w.Template != 4 {
		t.Errorf("each term once: got %+v, want data 1, contaminant 2, independence 3, template 4", w)
	}
}
