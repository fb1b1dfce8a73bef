package infer

import (
	"fmt"
	"slices"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// ComponentSpectrumOutliers are the training patches of one exported
// component whose log power spectrum lies far from the others'
// (FindSpectrumOutliers, robust distance > SpectrumOutlierZ), found by
// ExportModels on the patches assigned to the cluster. Rows are their
// dataset rows (ascending), Sources the source map file of each row (as the
// dataset's manifest records it; absent when unknown), Z their robust
// distances, Patches the number of patches assigned to the cluster and
// Inflation the largest ratio over the bins k ≥ 2 of the std of log P over
// all of them to that without the outliers. Dropped tells whether the
// component's moments were built without them (ExportOptions.DropOutliers).
type ComponentSpectrumOutliers struct {
	Rows      []int     `json:"rows"`
	Sources   []string  `json:"sources,omitempty"`
	Z         []float64 `json:"robust_z"`
	Patches   int       `json:"patches"`
	Inflation float64   `json:"max_std_inflation,omitempty"`
	Dropped   bool      `json:"dropped"`
}

// componentSpectrumOutliers runs FindSpectrumOutliers on the patches rows of
// ps (a cluster's, in dataset order) and returns its outliers (nil when none
// or when the check does not apply: fewer than 3 patches, patches below 8²)
// and the rows the component's moments are built from: rows less the
// outliers when drop, else rows itself. At least 2 rows are kept (the
// check flags fewer than half of them, so this holds from 3 patches on).
func componentSpectrumOutliers(ps *datasets.PatchSet, rows []int, drop bool) (*ComponentSpectrumOutliers, []int) {
	if ps == nil || len(rows) < 3 {
		return nil, rows
	}
	p := ps.Size
	m := stlayer.NewMaps(len(rows), p, p)
	for j, i := range rows {
		copy(m.Map(j), ps.Patch(i))
	}
	so, ok := FindSpectrumOutliers(m)
	if !ok || len(so.Index) == 0 {
		return nil, rows
	}
	o := &ComponentSpectrumOutliers{Z: so.Z, Patches: len(rows), Inflation: so.Inflation}
	out := make(map[int]bool, len(so.Index))
	for _, j := range so.Index {
		r := rows[j]
		out[r] = true
		o.Rows = append(o.Rows, r)
		if r < len(ps.Patches) {
			if s := ps.Patches[r].Source; s >= 0 && s < len(ps.Sources) {
				o.Sources = append(o.Sources, ps.Sources[s])
			}
		}
	}
	if len(o.Sources) != len(o.Rows) {
		o.Sources = nil // a row of unknown source: name none
	}
	if !drop || len(rows)-len(o.Rows) < 2 {
		return o, rows
	}
	o.Dropped = true
	keep := make([]int, 0, len(rows)-len(o.Rows))
	for _, r := range rows {
		if !out[r] {
			keep = append(keep, r)
		}
	}
	return o, keep
}

// message is export's warning about component k's outliers (clusters: the
// run's number of clusters, for the advice to train with one more).
func (o *ComponentSpectrumOutliers) message(k, clusters int) string {
	// "181, 189 (dust/I_1.npy), 7 (q.npy)": rows grouped by source file,
	// in the order the files first appear.
	var order []string
	group := map[string][]string{}
	for i, r := range o.Rows {
		src := ""
		if o.Sources != nil {
			src = o.Sources[i]
		}
		if _, ok := group[src]; !ok {
			order = append(order, src)
		}
		group[src] = append(group[src], fmt.Sprint(r))
	}
	var parts []string
	for _, src := range order {
		g := strings.Join(group[src], ", ")
		if src != "" {
			g += " (" + src + ")"
		}
		parts = append(parts, g)
	}
	list := strings.Join(parts, ", ")
	dist := fmt.Sprintf("%.3g", o.Z[0])
	if len(o.Z) > 1 {
		lo, hi := slices.Min(o.Z), slices.Max(o.Z)
		dist = fmt.Sprintf("%.3g to %.3g", lo, hi)
	}
	infl := ""
	if o.Inflation > 0 {
		infl = fmt.Sprintf(" (up to %.3g× the spread of log P per bin without them)", o.Inflation)
	}
	head := fmt.Sprintf("component %d: %d of its %d training patches have power spectra far from the others' (robust distance %s > %g): dataset rows %s", k, len(o.Rows), o.Patches, dist, float64(SpectrumOutlierZ), list)
	if o.Dropped {
		return fmt.Sprintf("%s; left out of the component's moments (ExportOptions.DropOutliers, --drop-outliers): its latents, calibration, data moments and spectra come from the other %d patches; they stay in its patch_index and weight. Better: recluster with more clusters (stkit train --clusters %d) so that they get a component of their own", head, o.Patches-len(o.Rows), clusters+1)
	}
	return fmt.Sprintf("%s; the component's moments (its decoded samples' spread, calibration, spectrum targets ps_logmean/ps_logstd) mix them in%s, so its samples follow neither population. Recluster with more clusters (stkit train --clusters %d) or leave them out (ExportOptions.DropOutliers, --drop-outliers, or a dataset without them)", head, infl, clusters+1)
}
