package main

import (
	"github.com/stkit-org/stkit/datasets"
)

// The stats outputs' format, as the dataset manifest ("version") and the
// model manifest ("format", "version") have one: the JSON's top-level
// "format" and "version", the .npz members "format" and "format_version".
// A reader can tell a layout change by them (they were absent before).
const (
	statsFormatName    = "stkit-stats"
	statsFormatVersion = 1
)

// statsFormatNPZ returns the .npz members that say what the archive is and
// what MAP's values are in, as the JSON config does: "format"
// ("stkit-stats") and "format_version" (1), 0-d arrays as "provenance"
// (numpy: str(z["format"]), int(z["format_version"])); with MAP's FITS
// BUNIT, "bunit" (and "bunit_cross", "bunit_imag" for --cross and --imag's),
// 0-d '<U'; with a pixel scale in its header, "pixel_scale" float64 [2], the
// size of a pixel along axis 1 (columns) and axis 2 (rows) as the JSON's
// pixel_scale value and value_y (equal for square pixels), and
// "pixel_scale_unit", 0-d '<U', its unit (CUNIT1; "" when the header names
// none).
func statsFormatNPZ(meta statsMeta) []datasets.NamedArray {
	str := func(name, s string) datasets.NamedArray {
		return datasets.NamedArray{Name: name, Array: &datasets.Array{DType: datasets.StringDType, Shape: []int{}, Strings: []string{s}}}
	}
	out := []datasets.NamedArray{
		str("format", statsFormatName),
		{Name: "format_version", Array: &datasets.Array{DType: "int64", Shape: []int{}, Float64: []float64{statsFormatVersion}}},
	}
	for _, u := range []struct{ name, v string }{{"bunit", meta.bunit}, {"bunit_cross", meta.bunitCross}, {"bunit_imag", meta.bunitImag}} {
		if u.v != "" {
			out = append(out, str(u.name, u.v))
		}
	}
	if meta.phys != nil && meta.phys.scale != nil {
		p := meta.phys.scale
		x, y := p.X, p.Y
		if x == 0 {
			x = y
		}
		if y == 0 {
			y = x
		}
		out = append(out, datasets.NamedArray{Name: "pixel_scale", Array: &datasets.Array{DType: "float64", Shape: []int{2}, Float64: []float64{x, y}}},
			str("pixel_scale_unit", p.Unit))
	}
	return out
}
