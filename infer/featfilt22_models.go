package infer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/stkit-org/stkit/stlayer"
)

// ModelFeatureFilter is the manifest's record of one feature filter of a
// model folder (ModelManifest.FeatureFilters, JSON key "feature_filters"):
// File ("feature_filter_<a>_<b>.npz", FeatureFilter's archive), the pair
// (A the component it estimates, B the other), the feature groups and
// channel count, the training patch size P, the ridge α chosen, the
// options of the fit (Mixtures per fold, Seed), HeldAside (the mean
// worst-bin r of A and B on the held-aside training mixtures), the fit's
// wall time, the archive's members (documentation) and Priors, the two
// patch priors the filter was fitted with (A's, then B's). LoadFeatureFilters
// and ModelSet.Write refuse a filter whose folder holds other priors than
// those recorded; records without Priors (folders exported before they
// were recorded) load as before, unchecked. HalfKUsed
// ("half_prior_components_used", optional) gives the mixture components
// the filter's half priors were fitted with, [[A's half 0, A's half 1],
// [B's half 0, B's half 1]] (FeatureFilter.HalfKUsed), when one of them is
// below the patch priors' K (ModelPatchPriors.K): a half prior fitted on
// fewer than K·(P² + 1) rows takes ⌊rows/(P² + 1)⌋ (fixb25: nothing
// recorded it); absent when all four used K.
type ModelFeatureFilter struct {
	File       string                    `json:"file"`
	A          int                       `json:"a"`
	B          int                       `json:"b"`
	Features   []string                  `json:"features"`
	Channels   int                       `json:"channels"`
	P          int                       `json:"patch"`
	Alpha      float64                   `json:"alpha"`
	Mixtures   int                       `json:"mixtures_per_fold"`
	Seed       uint64                    `json:"seed"`
	HeldAside  []float64                 `json:"held_aside_r"`
	FitSeconds float64                   `json:"fit_seconds,omitempty"`
	Members    map[string]string         `json:"npz_members,omitempty"`
	Priors     []ModelFeatureFilterPrior `json:"patch_priors,omitempty"`
	HalfKUsed  [][]int                   `json:"half_prior_components_used,omitempty"`
}

// ModelFeatureFilterPrior records one patch prior a feature filter was
// fitted with: the Component, its Gaussians K (those kept, PatchPrior.K),
// the sub-patch side P and the SHA-256 (hex) of its archive as written
// (PatchPrior.Save, patch_prior_<k>.npz).
type ModelFeatureFilterPrior struct {
	Component int    `json:"component"`
	K         int    `json:"mixture_components"`
	P         int    `json:"patch"`
	SHA256    string `json:"sha256"`
}

// fileSHA256 returns the hex SHA-256 of the file's bytes.
func fileSHA256(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// featureFilterPriors returns the records of the patch priors pps[a] and
// pps[b] (the SHA-256 of the archive Save writes for each).
func featureFilterPriors(pps []*PatchPrior, a, b int) ([]ModelFeatureFilterPrior, error) {
	var out []ModelFeatureFilterPrior
	for _, k := range []int{a, b} {
		sum, err := pps[k].archiveSHA256()
		if err != nil {
			return nil, fmt.Errorf("patch prior of component %d: %w", k, err)
		}
		out = append(out, ModelFeatureFilterPrior{Component: k, K: pps[k].K, P: pps[k].P, SHA256: sum})
	}
	return out, nil
}

// checkFeatureFilterPriors checks that the patch-prior archives in dir
// (named by pr, the manifest's patch_priors) are those rec records (no
// check for a record without Priors); shown is the folder named in the
// error.
func checkFeatureFilterPriors(rec ModelFeatureFilter, pr *ModelPatchPriors, dir, shown string) error {
	for _, p := range rec.Priors {
		name := ""
		if pr != nil && p.Component >= 0 && p.Component < len(pr.Files) {
			name = pr.Files[p.Component]
		}
		sum := "(none)"
		if name != "" {
			s, err := fileSHA256(filepath.Join(dir, name))
			if err != nil {
				return inputErrorf("%s: %v", filepath.Join(shown, rec.File), err)
			}
			if s == p.SHA256 {
				continue
			}
			sum = s
		} else {
			name = fmt.Sprintf("patch_prior_%d.npz", p.Component)
		}
		return inputErrorf("%s was fitted with another patch prior: %s (sha256 %s) is not the one it records for component %d (K %d, P %d, sha256 %s): re-export with --feature-filter, or separate with --feature-filter off",
			filepath.Join(shown, rec.File), filepath.Join(shown, name), sum, p.Component, p.K, p.P, p.SHA256)
	}
	return nil
}

var featureFilterMembersDoc = map[string]string{
	"weights":    "[NA, F] float64: the filter h per annulus round(|k|) (cycles per P pixels) and feature channel",
	"channels":   "[F] str: the feature channels (d, pp, du0 … du3, …)",
	"groups":     "[G] str: the feature groups",
	"pair":       "[2] int64: a (the component estimated), b",
	"patch":      "[1] int64: P, the training patches' side",
	"wavelets":   "[4] float64: J, L, K0 (cycles per pixel), width (σ / centre)",
	"alpha":      "[1] float64: the ridge α chosen",
	"held_aside": "[2] float64: mean worst-bin r of a and b on the held-aside training mixtures",
}

var featureFilterRE = regexp.MustCompile(`^feature_filter_\d+_\d+\.npz$`)

// isFeatureFilterFile reports whether name is a feature-filter file of a
// model folder (feature_filter_<a>_<b>.npz).
func isFeatureFilterFile(name string) bool { return featureFilterRE.MatchString(name) }

// featureFilterRecord returns the manifest record of f.
func featureFilterRecord(f *FeatureFilter, opt FeatureFilterOptions, secs float64) ModelFeatureFilter {
	opt.defaults()
	return ModelFeatureFilter{File: fmt.Sprintf("feature_filter_%d_%d.npz", f.A, f.B), A: f.A, B: f.B, Features: f.Groups, Channels: len(f.Channels),
		P: f.P, Alpha: f.Alpha, Mixtures: opt.Mixtures, Seed: opt.Seed, HeldAside: []float64{f.HeldAside[0], f.HeldAside[1]}, FitSeconds: secs}
}

// writeFeatureFilters writes ms.FeatureFilters into dir (Write's temporary
// folder, where writePatchPriors has written the priors) under the names
// man, the copy of ms.Manifest that Write writes, records (read first from
// ms.Dir when they were not loaded). Filters without patch priors
// (Manifest.PatchPriors nil) are refused, and so is a filter whose recorded
// priors (ModelFeatureFilter.Priors) are not those written.
func (ms *ModelSet) writeFeatureFilters(man *ModelManifest, dir string, write func(name string, f func(path string) error) error) error {
	if len(man.FeatureFilters) == 0 {
		man.FeatureFilters = nil
		return nil
	}
	if man.PatchPriors == nil {
		var names []string
		for _, r := range man.FeatureFilters {
			names = append(names, r.File)
		}
		return inputErrorf("model set: feature filters %s without patch priors (Manifest.PatchPriors nil): a filter refines the patch-prior estimate; set Manifest.FeatureFilters to nil to write the models without them", strings.Join(names, ", "))
	}
	if ms.FeatureFilters == nil && ms.Dir != "" {
		if _, err := ms.LoadFeatureFilters(); err != nil {
			return fmt.Errorf("%w (the folder's feature filters go with it: set Manifest.FeatureFilters to nil to write them without)", err)
		}
	}
	if len(ms.FeatureFilters) != len(man.FeatureFilters) {
		return inputErrorf("model set: %d feature filters for %d manifest records (ModelManifest.FeatureFilters)", len(ms.FeatureFilters), len(man.FeatureFilters))
	}
	for i, f := range ms.FeatureFilters {
		rec := &man.FeatureFilters[i]
		if f == nil || !isFeatureFilterFile(rec.File) || f.A != rec.A || f.B != rec.B {
			return inputErrorf("model set: feature filter %d does not match its record (file %q, pair %d, %d)", i, rec.File, rec.A, rec.B)
		}
		if rec.Members == nil {
			rec.Members = featureFilterMembersDoc
		}
		if err := checkFeatureFilterPriors(*rec, man.PatchPriors, dir, ""); err != nil {
			return fmt.Errorf("model set: %w", err)
		}
		if err := write(rec.File, f.Save); err != nil {
			return err
		}
	}
	return nil
}

// LoadFeatureFilters reads the folder's feature filters into
// ms.FeatureFilters (once; in the order of ModelManifest.FeatureFilters)
// and returns them. A folder without them gives nil and no error; a
// recorded file that is missing, damaged or does not match its record
// (pair, patch size, channels), or that was fitted with other patch priors
// than the folder's (ModelFeatureFilter.Priors: K, P, SHA-256; records
// without them are not checked), gives an error naming it (ErrModelInput).
// So do filters in a manifest without patch priors (hand-edited: Write
// refuses to write them), which nothing could apply.
func (ms *ModelSet) LoadFeatureFilters() ([]*FeatureFilter, error) {
	if ms == nil || ms.Manifest == nil {
		return nil, inputErrorf("no models (nil model set or manifest)")
	}
	if ms.FeatureFilters != nil || len(ms.Manifest.FeatureFilters) == 0 {
		return ms.FeatureFilters, nil
	}
	man := filepath.Join(ms.Dir, ModelManifestFile)
	if ms.Manifest.PatchPriors == nil {
		var names []string
		for _, r := range ms.Manifest.FeatureFilters {
			names = append(names, r.File)
		}
		return nil, inputErrorf("%s: feature_filters %s without patch_priors: a filter refines the patch-prior estimate (re-export the models with --patch-prior and --feature-filter, or separate with --feature-filter off)", man, strings.Join(names, ", "))
	}
	out := make([]*FeatureFilter, len(ms.Manifest.FeatureFilters))
	for i, rec := range ms.Manifest.FeatureFilters {
		if rec.File != filepath.Base(rec.File) || !isFeatureFilterFile(rec.File) {
			return nil, inputErrorf("%s: feature_filters file %q (want feature_filter_<a>_<b>.npz)", man, rec.File)
		}
		if rec.A < 0 || rec.B < 0 || rec.A >= len(ms.Components) || rec.B >= len(ms.Components) || rec.A == rec.B {
			return nil, inputErrorf("%s: feature_filters pair %d, %d (want two different components of the %d)", man, rec.A, rec.B, len(ms.Components))
		}
		if err := checkFeatureFilterPriors(rec, ms.Manifest.PatchPriors, ms.Dir, ms.Dir); err != nil {
			return nil, err
		}
		f, err := LoadFeatureFilter(filepath.Join(ms.Dir, rec.File))
		if err != nil {
			return nil, fmt.Errorf("%w (re-export the models, or separate with --feature-filter off)", err)
		}
		if f.A != rec.A || f.B != rec.B || f.P != rec.P || len(f.Channels) != rec.Channels {
			return nil, inputErrorf("%s: pair %d, %d, patch %d, %d channels; the manifest records pair %d, %d, patch %d, %d channels (re-export the models, or separate with --feature-filter off)",
				filepath.Join(ms.Dir, rec.File), f.A, f.B, f.P, len(f.Channels), rec.A, rec.B, rec.P, rec.Channels)
		}
		out[i] = f
	}
	ms.FeatureFilters = out
	return out, nil
}

// FeatureFilterFor returns the folder's feature filter for the pair of
// components a, b, whichever it estimates (export fits one direction per
// pair; in a folder holding both, the one estimating a), nil when it has
// none.
func (ms *ModelSet) FeatureFilterFor(a, b int) (*FeatureFilter, error) {
	if ms == nil || ms.Manifest == nil || len(ms.Manifest.FeatureFilters) == 0 {
		return nil, nil
	}
	fs, err := ms.LoadFeatureFilters()
	if err != nil {
		return nil, err
	}
	var other *FeatureFilter
	for _, f := range fs {
		switch {
		case f.A == a && f.B == b:
			return f, nil
		case f.A == b && f.B == a:
			other = f
		}
	}
	return other, nil
}

// checkFeatureFilterPairs refuses ExportOptions.FeatureFilter's pairs
// given twice or in both directions (as ParseFeatureFilterPairs does).
func checkFeatureFilterPairs(pairs [][2]int) error {
	for i, pr := range pairs {
		a, b := pr[0], pr[1]
		if slices.Contains(pairs[:i], pr) {
			return inputErrorf("feature filter pair %d,%d given twice (each pair is fitted once)", a, b)
		}
		if slices.Contains(pairs[:i], [2]int{b, a}) {
			return inputErrorf(bothDirections, b, a, a, b)
		}
	}
	return nil
}

// checkFeatureFilterRows refuses, before ExportModels' work, a pair of
// ExportOptions.FeatureFilter whose component's training patches (members;
// p×p) FitFeatureFilter cannot split into two halves that each give one
// half prior its P² + 1 training rows (PatchPriorOptions.KFor ≥ 1 on the
// smaller half, ⌊n/2⌋ patches; the full prior, on all n, then has them
// too). rev1 s25: such a pair failed after every component's model and
// patch prior ("feature filter: half prior of component 1, half 0 (1
// patches): patch prior: the training maps (1 of 8×8) give 32 training
// rows …"), the export losing them. Patches smaller than the priors'
// sub-patches are left to fitModelPatchPriors (no priors at all).
func checkFeatureFilterRows(pairs [][2]int, members [][]int, p int, ppo PatchPriorOptions) error {
	ppo.defaults()
	if p < ppo.P {
		return nil
	}
	for _, pr := range pairs {
		for _, c := range pr {
			if c < 0 || c >= len(members) {
				continue // fitModelFeatureFilters names the pair
			}
			n := len(members[c])
			if n < 2 {
				return inputErrorf("feature filter pair %d,%d: component %d holds %d training patch(es), and the filter fits a patch prior on each half of them (want at least 2): leave the pair out (ExportOptions.FeatureFilter, --feature-filter)", pr[0], pr[1], c, n)
			}
			h := n / 2
			if rows := ppo.TrainingRows(h, p, p); ppo.KFor(rows) < 1 {
				return inputErrorf("feature filter pair %d,%d: component %d's %d training patches of %d×%d are split into halves of %d and %d for the filter's half priors, and %d patches give %d training rows, fewer than the P² + 1 = %d one mixture component needs: leave the pair out (ExportOptions.FeatureFilter, --feature-filter), or give the component more training patches", pr[0], pr[1], c, n, p, p, h, n-h, h, rows, ppo.MinRows())
			}
		}
	}
	return nil
}

// fitModelFeatureFilters fits ExportOptions.FeatureFilter's pairs on the
// components' training patches (members; p×p) with their patch priors.
func fitModelFeatureFilters(pairs [][2]int, members [][]int, patch func(i int) []float64, p int, pps []*PatchPrior, ppo PatchPriorOptions, opt FeatureFilterOptions) ([]*FeatureFilter, []ModelFeatureFilter, error) {
	var fs []*FeatureFilter
	var recs []ModelFeatureFilter
	for _, pr := range pairs {
		a, b := pr[0], pr[1]
		if a < 0 || b < 0 || a >= len(members) || b >= len(members) || a == b {
			return nil, nil, inputErrorf("feature filter pair %d,%d: want two different components of the %d", a, b, len(members))
		}
		if pps == nil || pps[a] == nil || pps[b] == nil {
			return nil, nil, inputErrorf("feature filter pair %d,%d: components without a patch prior (the filter refines the patch-prior estimate: export with the patch priors, ExportOptions.PatchPrior)", a, b)
		}
		var tr [2]*stlayer.Maps
		for i, k := range pr {
			tr[i] = stlayer.NewMaps(len(members[k]), p, p)
			for j, r := range members[k] {
				copy(tr[i].Map(j), patch(r))
			}
		}
		o := opt
		o.PatchPrior = ppo
		if opt.Progress != nil {
			o.Progress = func(s FeatureFilterStep) { s.Pair = pr; opt.Progress(s) }
		}
		t := time.Now()
		f, err := FitFeatureFilter(tr[0], tr[1], pps[a], pps[b], o)
		if err != nil {
			return nil, nil, fmt.Errorf("feature filter of components %d, %d: %w", a, b, err)
		}
		f.A, f.B = a, b
		secs := time.Since(t).Seconds()
		rec := featureFilterRecord(f, o, secs)
		asked := ppo
		asked.defaults() // K: the patch priors' (manifest patch_priors.mixture_components)
		if h := f.HalfKUsed; min(h[0][0], h[0][1], h[1][0], h[1][1]) < asked.K {
			rec.HalfKUsed = [][]int{{h[0][0], h[0][1]}, {h[1][0], h[1][1]}}
		}
		if rec.Priors, err = featureFilterPriors(pps, a, b); err != nil {
			return nil, nil, fmt.Errorf("feature filter of components %d, %d: %w", a, b, err)
		}
		fs = append(fs, f)
		recs = append(recs, rec)
	}
	return fs, recs, nil
}

// bothDirections is the refusal of the two directions of one pair.
const bothDirections = "feature filter pairs %d,%d and %d,%d: one filter per pair of components (it estimates a, b is the rest of the mixture): give one direction"

// ParseFeatureFilterPairs parses pairs "a,b" separated by ';' or ' '
// (e.g. "0,1" or "0,1;2,1"); a pair given twice, or in both directions
// (0,1 and 1,0), is refused.
func ParseFeatureFilterPairs(s string) ([][2]int, error) {
	var out [][2]int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ' ' }) {
		var a, b int
		if n, err := fmt.Sscanf(f, "%d,%d", &a, &b); err != nil || n != 2 || fmt.Sprintf("%d,%d", a, b) != f || a < 0 || b < 0 || a == b {
			return nil, inputErrorf("feature filter pair %q: want a,b (two different component numbers ≥ 0; pairs separated by ';')", f)
		}
		if slices.Contains(out, [2]int{a, b}) {
			return nil, inputErrorf("feature filter pair %q given twice (each pair is fitted once)", f)
		}
		if slices.Contains(out, [2]int{b, a}) {
			return nil, inputErrorf(bothDirections, b, a, a, b)
		}
		out = append(out, [2]int{a, b})
	}
	if len(out) == 0 {
		return nil, inputErrorf("feature filter pairs %q: want a,b (e.g. 0,1)", s)
	}
	return out, nil
}

// checkFeatureFilterMode checks ModelSepOptions.FeatureFilter.
func checkFeatureFilterMode(mode string) error {
	switch mode {
	case "", "auto", "off":
		return nil
	}
	return inputErrorf("separation: feature-filter mode %q (ModelSepOptions.FeatureFilter, --feature-filter): want auto or off", mode)
}

// modelSepFeatureFilter refines the patch-prior estimate opt.Start (maps
// in the order of the components; r their roles) with the folder's
// feature filter for the pair, when ModelSepOptions.FeatureFilter allows
// it and there is one, and says which method ran.
func modelSepFeatureFilter(ms *ModelSet, data *stlayer.Maps, r patchPriorRoles, opt *ModelSepOptions) (string, error) {
	if opt.FeatureFilter == "off" || r.noise >= 0 {
		return MethodPatchPrior, nil
	}
	f, err := ms.FeatureFilterFor(r.k[0], r.k[1])
	if err != nil || f == nil {
		return MethodPatchPrior, err
	}
	ia, ib := r.c[0], r.c[1]
	if f.A != r.k[0] {
		ia, ib = ib, ia
	}
	est := opt.Start
	mn := data.M * data.N
	e := &stlayer.Maps{B: 1, M: data.M, N: data.N, Data: est.Data[ia*mn : (ia+1)*mn]}
	out, err := f.Apply(data, e)
	if err != nil {
		return "", fmt.Errorf("feature filter %d, %d: %w", f.A, f.B, err)
	}
	st := stlayer.NewMaps(est.B, data.M, data.N)
	copy(st.Data[ia*mn:(ia+1)*mn], out.Map(0))
	copy(st.Data[ib*mn:(ib+1)*mn], out.Map(1))
	opt.Start = st
	return MethodPatchPriorFilter, nil
}
