package stats

import (
	"strings"

	"github.com/stkit-org/stkit/stlayer"
)

// ClassDocUnitPhrases are the phrases of ClassDoc's entries that stand for
// the map's unit, in the order NameUnit replaces them (longer first), each
// with its replacement: Unit stands for the unit, Square for its square.
var ClassDocUnitPhrases = []struct {
	Phrase string
	Before string // the replacement: Before + unit or its square + After
	Square bool
	After  string
}{
	{"(in its unit)", "(in ", false, ")"},
	{"(unit squared)", "(", true, ")"},
	{"(unit squared;", "(", true, ";"},
	{"(unit)", "(", false, ")"},
	{"in the map's unit squared", "in ", true, ""},
	{"in the map's unit", "in ", false, ""},
}

// NameUnit writes a unit into a description of ClassDoc (or any text
// using its phrases, ClassDocUnitPhrases): "the map's raw mean (in its
// unit)" becomes "… (in K)", "(unit squared)" "(K²)", "in the map's unit"
// "in K". square is how the unit squared is written ("(MJy/sr)²"; "" for
// unit + "²"). doc is returned unchanged for unit "".
func NameUnit(doc, unit, square string) string {
	if unit == "" {
		return doc
	}
	if square == "" {
		square = unit + "²"
	}
	for _, w := range ClassDocUnitPhrases {
		u := unit
		if w.Square {
			u = square
		}
		doc = strings.ReplaceAll(doc, w.Phrase, w.Before+u+w.After)
	}
	return doc
}

// ClassDocUnit is ClassDoc with the unit named in every entry (NameUnit;
// unit the maps' FITS BUNIT, square its square as written, "" for
// unit + "²"). stkit stats' class_doc and "# class" lines with a BUNIT
// are ClassDocUnit's.
func ClassDocUnit(s Spec, lab *stlayer.Labels, unit, square string) map[string]string {
	d := ClassDoc(s, lab)
	if unit == "" || d == nil {
		return d
	}
	for k, v := range d {
		d[k] = NameUnit(v, unit, square)
	}
	return d
}
