package main

import (
	"fmt"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/scov"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/stlayer/wst"
)

// familyDict returns the reference library's named arrays for .npz output.
func familyDict(spec stats.Spec, op stats.Op, c *stlayer.Coeffs, eng stlayer.Engine, maps *stlayer.Maps) ([]datasets.NamedArray, error) {
	switch spec.Kind {
	case stats.SCov:
		if spec.Cross {
			cop, ok := stats.SCovCrossOp(op)
			if !ok {
				return nil, fmt.Errorf("internal: not a cross scov operator")
			}
			rs, err := cop.Results(c, nil)
			if err != nil {
				return nil, err
			}
			return scovArrays(cop.ChengDict(rs)), nil
		}
		sop, ref, ok := stats.SCovOp(op)
		if !ok {
			return nil, fmt.Errorf("internal: not a scov operator")
		}
		raw := c
		if !stats.IsRaw(op) {
			var err error
			if raw, err = stlayer.ForwardChunked(eng, sop.Key(), sop.Stat(), maps, 0, nil); err != nil {
				return nil, err
			}
		}
		rs, err := sop.Results(raw, ref)
		if err != nil {
			return nil, err
		}
		return scovArrays(sop.ChengDict(rs)), nil
	case stats.WST:
		w, ok := stats.WSTOp(op)
		if !ok {
			return nil, fmt.Errorf("internal: not a wst operator")
		}
		if spec.Local {
			a, err := wstKymatioArray(w, c)
			if err != nil {
				return nil, err
			}
			return []datasets.NamedArray{{Name: "S", Array: a}}, nil
		}
		if spec.Iso || spec.Synthesis {
			return nil, nil
		}
		d, err := wst.ChengDict(w, c)
		if err != nil {
			return nil, err
		}
		return sortedNamed(d), nil
	}
	return nil, nil
}

func wstKymatioArray(w *wst.Op, c *stlayer.Coeffs) (*datasets.Array, error) {
	a, err := wst.KymatioArray(w, c)
	if err != nil {
		return nil, err
	}
	return &datasets.Array{DType: "float32", Shape: a.Shape, Float64: a.Data}, nil
}

func sortedNamed(d map[string]*wst.Array) []datasets.NamedArray {
	names := make([]string, 0, len(d))
	for k := range d {
		names = append(names, k)
	}
	sortStrings(names)
	out := make([]datasets.NamedArray, 0, len(d))
	for _, k := range names {
		out = append(out, datasets.NamedArray{Name: k, Array: &datasets.Array{DType: "float64", Shape: d[k].Shape, Float64: d[k].Data}})
	}
	return out
}

// scovArrays converts scov's named arrays to .npz members.
func scovArrays(as []scov.Array) []datasets.NamedArray {
	var out []datasets.NamedArray
	for _, a := range as {
		arr := &datasets.Array{Shape: a.Shape}
		switch {
		case a.Complex != nil:
			arr.DType, arr.Complex128 = "complex128", a.Complex
		case a.Int != nil:
			arr.DType = "int64"
			for _, v := range a.Int {
				arr.Float64 = append(arr.Float64, float64(v))
			}
		default:
			arr.DType, arr.Float64 = "float64", a.Real
		}
		out = append(out, datasets.NamedArray{Name: a.Name, Array: arr})
	}
	return out
}
