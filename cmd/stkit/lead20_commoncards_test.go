package main

import (
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// A set whose files spell one unit two ways (JY/BEAM, Jy/beam) keeps its
// BUNIT among the common cards, spelt as the first file does; a different
// unit or a different card value is still dropped.
func TestLead20CommonCardsBUnitSpellings(t *testing.T) {
	a := []datasets.Card{{Key: "BUNIT", Value: "JY/BEAM"}, {Key: "TELESCOP", Value: "X"}}
	b := []datasets.Card{{Key: "BUNIT", Value: "Jy/beam"}, {Key: "TELESCOP", Value: "Y"}}
	got := commonCards(a, b)
	if len(got) != 1 || got[0].Key != "BUNIT" || got[0].Value != "JY/BEAM" {
		t.Fatalf("common cards %+v, want BUNIT JY/BEAM only", got)
	}
	c := []datasets.Card{{Key: "BUNIT", Value: "mJy/beam"}}
	if got := commonCards(a, c); len(got) != 0 {
		t.Fatalf("JY/BEAM and mJy/beam kept as common: %+v", got)
	}
}
