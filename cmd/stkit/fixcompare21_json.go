package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// comparePartJSON is one part of stats --compare's JSON ("parts",
// "max_abs_z"): infer.ComparePart's fields, then the coefficient's label
// columns under the keys of config.label_columns, as plain stats' JSON
// writes them in each coefficient (jsonColumnKeys: the spectra's "im" is
// "label_im"; a column named like a part's field, "label", "part", "z", …,
// would be "label_<name>" too).
type comparePartJSON struct {
	comparePart
	cols []compareColumn
}

// compareColumn is one label column's key and value in a part.
type compareColumn struct {
	key string
	val int
}

// MarshalJSON writes the part's fields in their order, then its columns.
func (p comparePartJSON) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(p.comparePart)
	if err != nil || len(p.cols) == 0 {
		return b, err
	}
	var buf bytes.Buffer
	buf.Write(bytes.TrimSuffix(b, []byte("}")))
	for _, c := range p.cols {
		k, _ := json.Marshal(c.key)
		fmt.Fprintf(&buf, ",%s:%d", k, c.val)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// compareColumnKeys returns the keys of lab's columns in --compare's
// parts: jsonColumnKeys', with "label_" before a column named like a
// field of a part.
func compareColumnKeys(lab *stlayer.Labels) []string {
	if lab == nil {
		return nil
	}
	keys := jsonColumnKeys(lab.Columns)
	for i, k := range keys {
		switch k {
		case "index", "class", "label", "part", "mean_a", "mean_b", "sd_a", "sd_b", "z":
			keys[i] = "label_" + k
		}
	}
	return keys
}

// comparePartsJSON returns parts with their label columns (lab's row of
// each part's index; keys from compareColumnKeys).
func comparePartsJSON(parts []comparePart, lab *stlayer.Labels, keys []string) []comparePartJSON {
	out := make([]comparePartJSON, len(parts))
	for i, p := range parts {
		out[i] = comparePartWithColumns(p, lab, keys)
	}
	return out
}

// comparePartWithColumns is p with its label columns.
func comparePartWithColumns(p comparePart, lab *stlayer.Labels, keys []string) comparePartJSON {
	q := comparePartJSON{comparePart: p}
	if lab == nil || p.Index < 0 || p.Index >= lab.Len() {
		return q
	}
	for ci, col := range lab.Columns {
		if lab.Has(p.Index, col) { // −1 may be a value (wph L: j1 = j2 = −1)
			q.cols = append(q.cols, compareColumn{keys[ci], lab.Rows[p.Index][ci]})
		}
	}
	return q
}

// compareClassDoc is --compare's config.class_doc: plain stats' (classDoc),
// with the BUNIT named where A and B have one and the same (nameUnit; the
// same as datasets.SameBUnit has it, as --compare's unit checks: MJy/sr
// and MJY/SR are one unit, named as A spells it).
func compareClassDoc(spec stats.Spec, lab *stlayer.Labels, bunitA, bunitB string) map[string]string {
	d := classDoc(spec, lab)
	if !datasets.SameBUnit(bunitA, bunitB) {
		return d
	}
	return (&physScale{bunit: bunitA}).classDocUnits(d)
}
