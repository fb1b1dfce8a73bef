package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// familySpoolBytes is about how many bytes of the family's dict
// (familyDict) familyDictSpooled computes at once: the maps of a block
// whose dict arrays hold this much are computed together, then written to
// the spool.
var familySpoolBytes = 16 << 20

// familyDictOf is familyDict (a variable for the tests, which count the
// maps of each call).
var familyDictOf = familyDict

// familyBatchMembers are the members of familyDict that do not have one row
// per map (scov's index tables [7, n]): taken from the first block.
var familyBatchMembers = map[string]bool{"index_for_synthesis": true, "index_for_synthesis_iso": true}

// familyDictSpooled is familyDict for the maps of c a block at a time: the
// per-map arrays (leading axis B) go into a datasets.NPZSpool, a temporary
// file beside path (spoolDir), and the returned entries name them in
// familyDict's order (familyBatchMembers held in memory). The .npz then
// holds the same bytes as with familyDict over the whole batch, the dict of
// a map depending only on that map's coefficients (and on the reference,
// the op's, measured on the whole batch): stats over 2000 maps of 64² at
// scov J=4 L=4 held 206 KB of dict arrays per map, now one block's. The
// first block's dict size sets the others' (about
// familySpoolBytes; whole chunks of the engine where familyDict evaluates
// the maps). Close the spool (nil when the family has no dict).
func familyDictSpooled(path string, spec stats.Spec, op stats.Op, c *stlayer.Coeffs, eng stlayer.Engine, maps *stlayer.Maps) (*datasets.NPZSpool, []datasets.NPZEntry, error) {
	if spec.Kind == stats.WST && spec.Local {
		if err := kymatioFloat32Check(op, c); err != nil {
			return nil, nil, err
		}
	}
	var spool *datasets.NPZSpool
	var entries []datasets.NPZEntry
	fail := func(err error) (*datasets.NPZSpool, []datasets.NPZEntry, error) {
		_ = spool.Close()
		return nil, nil, err
	}
	per := c.PerMap()
	// familyDict evaluates the non-raw scov statistics' raw moments anew on
	// the maps, stlayer.ForwardChunked's default chunks at a time, and an
	// engine's last bits depend on the chunk it is given (P00 of one 16²
	// map alone and in a chunk of 7 differed by 2.8e-17): blocks are whole
	// chunks, so that every map is evaluated in the chunk it was before.
	align := 1
	if maps != nil && spec.Kind == stats.SCov && !spec.Cross && !stats.IsRaw(op) {
		align = max(1, stlayer.DefaultChunkPixels/(maps.M*maps.N))
	}
	block := align
	for b0 := 0; b0 < c.B; {
		b1 := min(c.B, b0+block)
		sc := &stlayer.Coeffs{B: b1 - b0, K: c.K, H: c.H, W: c.W, Data: c.Data[b0*per : b1*per]}
		sm := maps
		if maps != nil && maps.B == c.B { // MAP's maps, one per coefficient row
			mn := maps.M * maps.N
			sm = &stlayer.Maps{B: b1 - b0, M: maps.M, N: maps.N, Data: maps.Data[b0*mn : b1*mn]}
		}
		named, err := familyDictOf(spec, op, sc, eng, sm)
		if err != nil {
			return fail(err)
		}
		if b0 == 0 && len(named) == 0 {
			return nil, nil, nil
		}
		// every block has the first one's members: one missing from a later
		// block was an .npz with that member's rows short (or, with none at
		// all, no dict and the spool's temporary file left open)
		if err := sameDictMembers(entries, named, b0 == 0); err != nil {
			return fail(fmt.Errorf("internal: the %s dict of maps %d–%d: %w", spec.Kind, b0, b1-1, err))
		}
		if spool == nil {
			if spool, err = newFamilySpool(path); err != nil {
				return fail(err)
			}
		}
		rowBytes := 0
		for _, na := range named {
			if familyBatchMembers[na.Name] {
				if b0 == 0 {
					entries = append(entries, datasets.NPZEntry{Name: na.Name, Array: na.Array})
				}
				continue
			}
			if len(na.Array.Shape) == 0 || na.Array.Shape[0] != b1-b0 {
				return fail(fmt.Errorf("internal: the %s array %s has shape %v for %d maps", spec.Kind, na.Name, na.Array.Shape, b1-b0))
			}
			if b0 == 0 {
				entries = append(entries, datasets.NPZEntry{Name: na.Name})
			}
			if err := spool.Append(na.Name, na.Array); err != nil {
				return fail(err)
			}
			rowBytes += 16 * na.Array.Size() / (b1 - b0)
		}
		if b0 == 0 { // maps per block: about familySpoolBytes of dict
			block = max(1, familySpoolBytes/max(1, rowBytes)/align) * align
		}
		b0 = b1
	}
	return spool, entries, nil
}

// kymatioFloat32Check refuses local WST coefficients c that Kymatio's
// float32 layout (the "S" member of the .npz, the .npy; wstKymatioArray)
// cannot hold, naming the map, the coefficient's label and the grid cell of
// the first one, over all the maps (the spool's message could only name
// a row of the member).
func kymatioFloat32Check(op stats.Op, c *stlayer.Coeffs) error {
	first, count, largest := -1, 0, 0.0
	for i, z := range c.Data {
		if datasets.OverflowsFloat32(real(z)) {
			if first < 0 {
				first = i
			}
			count++
			largest = max(largest, math.Abs(real(z)))
		}
	}
	if first < 0 {
		return nil
	}
	hw := c.H * c.W
	b, k, y, x := first/(c.K*hw), first/hw%c.K, first%hw/c.W, first%c.W
	coeff := fmt.Sprintf("coefficient %d", k)
	if lab := op.Labels(); lab != nil && lab.Len() == c.K {
		coeff += " " + lab.String(k)
	}
	more := ""
	if count > 1 {
		more = fmt.Sprintf("; %d values are, the largest %.4g", count, largest)
	}
	return badInputf("map %d (from 0, among the maps used), %s, grid cell (row %d, column %d): %.4g is beyond the range of float32 (largest magnitude %.8g), the dtype of Kymatio's layout that wst --local writes to .npz and .npy%s. Rescale the maps (e.g. change their unit) or write -o FILE.json (float64)",
		b, coeff, y, x, real(c.Data[first]), math.MaxFloat32, more)
}

// newFamilySpool opens the spool of the dict of output path: in
// spoolDir(path), else in os.TempDir(). Where neither takes it, the error
// names both folders and wraps both errors (it dropped the first one).
func newFamilySpool(path string) (*datasets.NPZSpool, error) {
	dir := spoolDir(path)
	spool, err := datasets.NewNPZSpool(dir)
	if err == nil {
		return spool, nil
	}
	if dir == "" {
		return nil, fmt.Errorf("the .npz's dict is written through a temporary file, and the temporary folder %s (TMPDIR) could not take one (set TMPDIR to a writable folder): %w", os.TempDir(), err)
	}
	spool, err2 := datasets.NewNPZSpool("")
	if err2 == nil {
		return spool, nil
	}
	return nil, fmt.Errorf("the .npz's dict is written through a temporary file, and neither the output's folder %s nor the temporary folder %s (TMPDIR) could take one (set TMPDIR to a writable folder): %w", dir, os.TempDir(), errors.Join(err, err2))
}

// spoolDir is the folder of the spool of an output path: path's own folder
// when path is a new or regular file (the disk the output goes to), else
// ("" : os.TempDir()) for a device, pipe or descriptor path (/dev/stdout);
// familyDictSpooled falls back on os.TempDir() where the folder refuses it.
func spoolDir(path string) string {
	fi, err := os.Stat(path)
	if (err == nil && fi.Mode().IsRegular()) || errors.Is(err, os.ErrNotExist) {
		return filepath.Dir(path)
	}
	return ""
}

// sameDictMembers checks that named, the dict arrays of a later block of
// maps (first false), has the members of the first block (entries, in
// order).
func sameDictMembers(entries []datasets.NPZEntry, named []datasets.NamedArray, first bool) error {
	if first {
		return nil
	}
	var got []string
	for _, na := range named {
		got = append(got, na.Name)
	}
	var want []string
	for _, e := range entries {
		want = append(want, e.Name)
	}
	if !slices.Equal(got, want) {
		return fmt.Errorf("members %v, the first block's %v", got, want)
	}
	return nil
}
