package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate --models --crop (tail19): the learned-models mode had no --crop
// (flag provided but not defined) while separation with samples cuts its
// inputs to a window (nanmask19). The window is chosen on DATA (--crop
// valid: the largest rectangle without NaN, ±Inf or UNSEEN pixels (misc3,
// s22: cut as NaN since 69f51e2) with both sides at least the
// models' patch size, any size above it, since the statistic is applied
// tile by tile; or a window R0:R1,C0:C1 given, which must hold one patch);
// --truth and --start are cut to it; a FITS DATA's CRPIX1, CRPIX2 are
// shifted so that OUT's WCS still places each pixel.

// sepModelCropUsage is --crop's help in the learned-models mode.
const sepModelCropUsage = "valid: cut DATA to the largest axis-aligned rectangle without NaN, ±Inf or HEALPix UNSEEN (-1.6375e30) pixels whose sides are at least the models' patch size; " +
	"or a window R0:R1,C0:C1: rows R0 to R1−1 and columns C0 to C1−1, counted from 0, ends excluded (numpy's x[R0:R1, C0:C1]), at least one patch a side. " +
	"The window is printed with its numpy slice and FITS section; --truth and --start are cut to it (their sizes must be DATA's); " +
	"a FITS DATA's CRPIX1, CRPIX2 are shifted so that OUT's WCS still places each pixel. The pixels outside the window are left out"

// sepModelCropFlag registers --crop on the learned-models flag set fs.
func sepModelCropFlag(fs *flag.FlagSet) *nanmaskOpts {
	return &nanmaskOpts{cmd: "separate", fs: fs, crop: fs.String("crop", "", sepModelCropUsage+cropRecordDoc)} // pfixcli22: recorded as separate with samples does
}

// cropModelData cuts DATA d (and its FITS cards) to --crop's window for
// models of p×p patches, choosing it on d (what names DATA). No --crop:
// d and cards unchanged.
func (nm *nanmaskOpts) cropModelData(g *globals, what string, d *stlayer.Maps, cards []datasets.Card, p int) (*stlayer.Maps, []datasets.Card, error) {
	if nm == nil || nm.crop == nil || *nm.crop == "" {
		return d, cards, nil
	}
	mask := nm.maskOf(d)
	bad := nm.bad
	M, N := d.M, d.N
	if strings.TrimSpace(*nm.crop) == "valid" {
		w, ok := largestRect(mask, M, N, func(s int) int {
			if s >= p {
				return s
			}
			return 0
		})
		if !ok {
			raw, any := largestRect(mask, M, N, anySide)
			mw := missingOf(mask, nm.unseen) // misc3 (s22)
			if !any {
				return nil, nil, badInputf("--crop valid: no pixel of %s (%d×%d) is %s: there is no %s", what, M, N, mw.finite, mw.of("window"))
			}
			return nil, nil, badInputf("--crop valid: the largest %s of %s (%d×%d), rows %d–%d, columns %d–%d, is %d×%d pixels, smaller than the models' %d² patches: fill the %s pixels first, or use models of smaller patches",
				mw.of("rectangle"), what, M, N, raw.R0, raw.R1-1, raw.C0, raw.C1-1, raw.rows(), raw.cols(), p, mw.fill)
		}
		nan := "no pixel is NaN or ±Inf"
		if bad > 0 {
			nan = fmt.Sprintf("%s NaN or ±Inf, all outside it", plural(bad, "pixel"))
		}
		if u := unseenNote(mask, nm.unseen); u != "" { // misc2 (s22)
			nan = u + ", all outside it"
		}
		fmt.Fprintf(g.stderr, "separate: note: --crop valid: %s: %s; %s; sides ≥ the models' %d² patches\n", what, w.describe(M, N), nan, p)
		nm.chosen, nm.win, nm.M, nm.N = true, w, M, N
	} else {
		w, err := nm.window(g, what, mask, M, N, nil)
		if err != nil {
			return nil, nil, err
		}
		if w.rows() < p || w.cols() < p {
			return nil, nil, badInputf("--crop %s: the window is %d×%d, smaller than the models' %d² patches: give a window of at least %d pixels a side", *nm.crop, w.rows(), w.cols(), p, p)
		}
	}
	cut := cropMaps(d, nm.win)
	if err := cutUnseen(what, cut, nm.win); err != nil {
		return nil, nil, err
	}
	return cut, cropCards(cards, nm.win), nil
}

// cropModelInput cuts another input of the run (--truth, --start) to the
// window chosen on DATA (cropModelData; none: m unchanged); its size must
// be DATA's before the cut.
func (nm *nanmaskOpts) cropModelInput(g *globals, what string, m *stlayer.Maps) (*stlayer.Maps, error) {
	if nm == nil || nm.crop == nil || *nm.crop == "" || !nm.chosen || m == nil {
		return m, nil
	}
	if m.M != nm.M || m.N != nm.N {
		return nil, badInputf("%s holds maps of %d×%d, but --crop's window %s is of DATA's %d×%d maps: give them at DATA's size", what, m.M, m.N, nm.win.fitsSection(), nm.M, nm.N)
	}
	cut := cropMaps(m, nm.win)
	if err := cutUnseen(what, cut, nm.win); err != nil {
		return nil, err
	}
	return cut, nil
}
