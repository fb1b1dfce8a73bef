package main

import (
	"encoding/json"
	"os"
	"path/filepath"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/atomicfile"
)

// stats writes each output once, the provenance in it (pipefix19): the
// record is built before the writes (statsMeta.prov, hashing the inputs
// once) and goes into the JSON config, as the .npz member "provenance"
// (provNPZMember) and into the PNG's text chunks (statsPlotOnce). Before,
// the outputs were written, read back and rewritten (statsProvenanceOut):
// concurrent runs on one -o could leave one run's coefficients with
// another's provenance, a full disk on the second write left a complete
// file without it, and -o /dev/stdout >> log replaced log.

// provNPZMember is the .npz member "provenance": p as one JSON text, a 0-d
// '<U' array (numpy: json.loads(np.load(f)["provenance"].item())).
func provNPZMember(p *provenance) []datasets.NamedArray {
	if p == nil {
		return nil
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return nil
	}
	return []datasets.NamedArray{{Name: "provenance", Array: &datasets.Array{DType: datasets.StringDType, Shape: []int{}, Strings: []string{string(pj)}}}}
}

// statsPlotOnce returns where a dashboard for plot is to be drawn (a file
// in a private temporary folder; plot itself when "") and done, which
// writes it to plot once with p's iTXt chunks (pngWithProvenance) and
// removes the temporary folder; done(nil) only removes it.
func statsPlotOnce(plot string) (render string, done func(p *provenance) error, err error) {
	if plot == "" {
		return "", func(*provenance) error { return nil }, nil
	}
	dir, err := os.MkdirTemp("", "stkit-plot")
	if err != nil {
		return "", nil, err
	}
	render = filepath.Join(dir, "dashboard.png")
	return render, func(p *provenance) error {
		defer os.RemoveAll(dir)
		if p == nil {
			return nil
		}
		b, err := os.ReadFile(render)
		if err != nil {
			return err
		}
		if out, err := pngWithProvenance(b, p); err == nil {
			b = out
		}
		return atomicfile.Write(plot, b, 0)
	}, nil
}
