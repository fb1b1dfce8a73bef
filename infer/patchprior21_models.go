package infer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/stkit-org/stkit/stlayer"
)

// ModelPatchPriors is the manifest's record of a model folder's patch
// priors (ModelManifest.PatchPriors, JSON key "patch_priors"): Files[k] is
// component k's archive ("patch_prior_<k>.npz"; "" where the component has
// none: no training patch, or too few rows), the options of the fits
// (PatchPriorOptions, defaults filled in; Augment: the 8 rotations and
// flips entered; K is the option: a prior whose fit dropped dead
// components holds fewer, see FitPatchPrior), FitSeconds the wall time of
// each fit, and Members the
// archive's members (documentation). Each prior was fitted on the training
// patches assigned to its component (patch_index), in their pixel units.
// KUsed ("mixture_components_used") gives, per component, the components
// its fit started from (PatchPrior.KUsed, 0 where it has no prior) when
// one of them is below K: FitPatchPrior lowers K to ⌊rows/(P² + 1)⌋ on
// fewer than K·(P² + 1) training rows (PatchPriorOptions.KFor); absent
// when every fit used K (and in folders exported before kcap25, whose fits
// all did: a fit with too few rows failed then).
type ModelPatchPriors struct {
	Files      []string          `json:"files"`
	P          int               `json:"patch"`
	K          int               `json:"mixture_components"`
	KUsed      []int             `json:"mixture_components_used,omitempty"`
	Reg        float64           `json:"reg"`
	MaxRows    int               `json:"max_rows"`
	Stride     int               `json:"stride"`
	Augment    bool              `json:"augment"`
	Iters      int               `json:"iters"`
	Seed       uint64            `json:"seed"`
	FitSeconds []float64         `json:"fit_seconds,omitempty"`
	Members    map[string]string `json:"npz_members,omitempty"`
}

var patchPriorMembersDoc = map[string]string{
	"weights": "[K] float64: mixture weights π_k (sum 1)",
	"means":   "[K, P, P] float64: mixture means μ_k as P×P patches (row-major), in the training patches' pixel units",
	"covs":    "[K, P², P²] float64: covariances Σ_k of the row-major patch vectors (regularised: reg × the mean pixel variance on the diagonal)",
}

var patchPriorRE = regexp.MustCompile(`^patch_prior_\d+\.npz$`)

// isPatchPriorFile reports whether name is a patch-prior file of a model
// folder (patch_prior_<k>.npz).
func isPatchPriorFile(name string) bool { return patchPriorRE.MatchString(name) }

// writePatchPriors writes ms.PatchPriors into dir (Write's temporary folder)
// under the names man.PatchPriors records (read first from ms.Dir when
// the manifest records priors that were not loaded: a loaded model set
// written elsewhere keeps them). A manifest that names prior files the set
// neither holds (ModelSet.PatchPriors nil) nor can read (Dir "") is
// refused, naming them (ErrModelInput; it was written without them
// silently before s23). man is the copy of ms.Manifest that Write writes
// (writeManifest): a set without priors gets no patch_priors record there,
// ms.Manifest is left as it is.
func (ms *ModelSet) writePatchPriors(man *ModelManifest, dir string, write func(name string, f func(path string) error) error) error {
	if ms.PatchPriors == nil && man.PatchPriors != nil && ms.Dir != "" {
		// a loaded folder written elsewhere: its priors go with it (the
		// hint names what Write's caller can do, not a separate flag)
		if _, err := ms.loadPatchPriors("the folder's patch priors go with it: re-export the models with ExportOptions.PatchPrior, or set Manifest.PatchPriors to nil to write them without"); err != nil {
			return err
		}
	}
	if ms.PatchPriors == nil && man.PatchPriors != nil && ms.Dir == "" {
		// fixb23: priors recorded, not loaded, nowhere to read them from
		var names []string
		for _, f := range man.PatchPriors.Files {
			if f != "" {
				names = append(names, f)
			}
		}
		if len(names) > 0 {
			return inputErrorf("model set: Manifest.PatchPriors records %s, but the set holds no patch priors (ModelSet.PatchPriors nil) and has no folder to read them from (Dir \"\"): set ModelSet.PatchPriors, or set Manifest.PatchPriors to nil to write the models without them", strings.Join(names, ", "))
		}
	}
	if ms.PatchPriors == nil {
		man.PatchPriors = nil
		return nil
	}
	rec := man.PatchPriors
	if rec == nil || len(rec.Files) != len(ms.Components) || len(ms.PatchPriors) != len(ms.Components) {
		return inputErrorf("model set: %d patch priors for %d components without a matching manifest record (ModelManifest.PatchPriors.Files)", len(ms.PatchPriors), len(ms.Components))
	}
	if rec.Members == nil {
		rec.Members = patchPriorMembersDoc
	}
	for k, pp := range ms.PatchPriors {
		name := rec.Files[k]
		if pp == nil {
			if name != "" {
				return inputErrorf("model set: component %d has no patch prior but the manifest names %s", k, name)
			}
			continue
		}
		if name == "" || !isPatchPriorFile(name) {
			return inputErrorf("model set: component %d: patch-prior file %q (want patch_prior_<k>.npz)", k, name)
		}
		if err := write(name, pp.Save); err != nil {
			return err
		}
	}
	return nil
}

// HasPatchPriors reports whether the model folder records patch priors for
// components a and b.
func (ms *ModelSet) HasPatchPriors(a, b int) bool {
	if ms == nil || ms.Manifest == nil || ms.Manifest.PatchPriors == nil {
		return false
	}
	f := ms.Manifest.PatchPriors.Files
	return a >= 0 && b >= 0 && a < len(f) && b < len(f) && f[a] != "" && f[b] != ""
}

// LoadPatchPriors reads the folder's patch priors into ms.PatchPriors
// (once; nil entries for components without one) and returns them. A
// folder without patch priors gives nil and no error; a recorded file that
// is missing or damaged gives an error naming it (ErrModelInput).
func (ms *ModelSet) LoadPatchPriors() ([]*PatchPrior, error) {
	return ms.loadPatchPriors("re-export the models, or separate with --patch-prior off")
}

// loadPatchPriors is LoadPatchPriors with hint (what to do) after the
// error of a missing or damaged prior file.
func (ms *ModelSet) loadPatchPriors(hint string) ([]*PatchPrior, error) {
	if ms == nil || ms.Manifest == nil {
		return nil, inputErrorf("no models (nil model set or manifest)")
	}
	if ms.PatchPriors != nil {
		return ms.PatchPriors, nil
	}
	rec := ms.Manifest.PatchPriors
	if rec == nil {
		return nil, nil
	}
	if len(rec.Files) != len(ms.Components) {
		return nil, inputErrorf("%s: patch_priors names %d files for %d components", filepath.Join(ms.Dir, ModelManifestFile), len(rec.Files), len(ms.Components))
	}
	out := make([]*PatchPrior, len(rec.Files))
	for k, name := range rec.Files {
		if name == "" {
			continue
		}
		if name != filepath.Base(name) || strings.HasPrefix(name, ".") {
			return nil, inputErrorf("%s: patch_priors file %q is not a plain file name", filepath.Join(ms.Dir, ModelManifestFile), name)
		}
		pp, err := LoadPatchPrior(filepath.Join(ms.Dir, name))
		if err != nil {
			return nil, fmt.Errorf("component %d: %w (%s)", k, err, hint)
		}
		out[k] = pp
	}
	ms.PatchPriors = out
	return out, nil
}

// PatchPriorStep reports the progress of ExportModels' patch-prior fits
// (ExportOptions.PatchPriorProgress): component Component (the Index-th
// fit of Count), EM iteration Iter of at most Iters, the Rows fitted, the
// mixture components asked (KAsked, PatchPriorOptions.K) and those the
// fit runs with (K: PatchPriorOptions.KFor(Rows), below KAsked on fewer
// than KAsked·(P² + 1) rows, 0 where the fit fails for too few rows);
// Done with the fit's Elapsed time at the end of each fit (Err when it
// failed and the component goes without a prior), Iter then the EM
// iterations it ran: fewer than Iters without Err when EM converged early
// (expx24: Iter was 0 on the Done step, and a caller could not tell a
// converged fit from one that ran all its iterations).
type PatchPriorStep struct {
	Component, Index, Count int
	Iter, Iters, Rows       int
	K, KAsked               int
	Done                    bool
	Elapsed                 time.Duration
	Err                     error
}

// fitModelPatchPriors fits one patch prior per component on the patches
// patch(i) of its rows (members[k]; p×p maps). Components with no rows,
// or whose fit fails on its input (fewer than P² + 1 rows, constant
// patches), get none (reported to warn). The record's KUsed is set when a
// fit used fewer components than K.
func fitModelPatchPriors(members [][]int, patch func(i int) []float64, p int, opt PatchPriorOptions, progress func(PatchPriorStep), warn func(string)) ([]*PatchPrior, *ModelPatchPriors, error) {
	opt.defaults()
	rec := &ModelPatchPriors{P: opt.P, K: opt.K, Reg: opt.Reg, MaxRows: opt.MaxRows, Stride: opt.Stride, Augment: !opt.NoAugment,
		Iters: opt.Iters, Seed: opt.Seed, Files: make([]string, len(members)), FitSeconds: make([]float64, len(members))}
	if p < opt.P {
		if warn != nil {
			warn(fmt.Sprintf("no patch priors: the patches are %d×%d, smaller than the priors' %d×%d sub-patches", p, p, opt.P, opt.P))
		}
		return nil, nil, nil
	}
	out := make([]*PatchPrior, len(members))
	count := 0
	for _, rows := range members {
		if len(rows) > 0 {
			count++
		}
	}
	idx := 0
	for k, rows := range members {
		if len(rows) == 0 {
			continue
		}
		maps := stlayer.NewMaps(len(rows), p, p)
		for j, i := range rows {
			copy(maps.Map(j), patch(i))
		}
		o := opt
		ran := 0 // the EM iterations reported
		nrows := o.TrainingRows(len(rows), p, p)
		kUsed := o.KFor(nrows) // kcap25: FitPatchPrior's
		if progress != nil {
			o.Progress = func(it, its int) {
				ran = it
				progress(PatchPriorStep{Component: k, Index: idx, Count: count, Iter: it, Iters: its, Rows: nrows, K: kUsed, KAsked: o.K})
			}
		}
		t := time.Now()
		pp, err := FitPatchPrior(maps, o)
		el := time.Since(t)
		rec.FitSeconds[k] = el.Seconds()
		if progress != nil {
			progress(PatchPriorStep{Component: k, Index: idx, Count: count, Iter: ran, Iters: o.Iters, Rows: nrows, K: kUsed, KAsked: o.K, Done: true, Elapsed: el, Err: err})
		}
		idx++
		if err != nil {
			if !errors.Is(err, ErrModelInput) {
				return nil, nil, fmt.Errorf("patch prior of component %d: %w", k, err)
			}
			if warn != nil {
				warn(fmt.Sprintf("component %d has no patch prior: %v", k, err))
			}
			continue
		}
		out[k] = pp
		rec.Files[k] = fmt.Sprintf("patch_prior_%d.npz", k)
	}
	if slices.ContainsFunc(out, func(pp *PatchPrior) bool { return pp != nil && pp.KUsed < opt.K }) {
		rec.KUsed = make([]int, len(members))
		for k, pp := range out {
			if pp != nil {
				rec.KUsed[k] = pp.KUsed
			}
		}
	}
	return out, rec, nil
}

// modelSepPatchPrior resolves ModelSepOptions.PatchPrior: the method that
// runs, and for the patch-prior methods the estimate set as opt.Start.
func modelSepPatchPrior(ctx context.Context, ms *ModelSet, data *stlayer.Maps, comps []SepComponent, opt *ModelSepOptions) (string, error) {
	if err := checkFeatureFilterMode(opt.FeatureFilter); err != nil {
		return "", err
	}
	mode := opt.PatchPrior
	switch mode {
	case "off":
		return MethodStatistics, nil
	case "", "auto":
		if opt.Start == nil && ms.Manifest.PatchPriors == nil && opt.FeatureFilter != "off" && len(ms.Manifest.FeatureFilters) > 0 {
			// feature filters without the priors they refine (a
			// hand-edited manifest): refused, not ignored silently
			if _, err := ms.LoadFeatureFilters(); err != nil {
				return "", err
			}
		}
		if opt.Start != nil || ms.Manifest.PatchPriors == nil {
			return MethodStatistics, nil
		}
		mode = "auto"
	case "only", "start":
		if opt.Start != nil {
			return "", inputErrorf("separation: patch-prior mode %q sets the starting point; it contradicts Start (--start): give one of them", mode)
		}
	default:
		return "", inputErrorf("separation: patch-prior mode %q (ModelSepOptions.PatchPrior, --patch-prior): want auto, only, start or off", mode)
	}
	r := patchPriorRolesOf(ms, comps)
	if r.check.Reason != PatchPriorUsable {
		if mode == "auto" {
			return MethodStatistics, nil
		}
		return "", inputErrorf("separation with patch priors (%s): %s; use the statistics alone (PatchPrior \"off\", --patch-prior off)", mode, r.check.Text())
	}
	pps, err := ms.LoadPatchPriors()
	if err != nil {
		return "", err
	}
	est, err := SeparateWithPatchPriors(data, pps[r.k[0]], pps[r.k[1]], PatchSepOptions{Stride: opt.PatchPriorStride, NoiseVar: r.noiseVar, Progress: opt.PatchPriorProgress, Context: ctx})
	if err != nil {
		return "", err
	}
	if r.noise >= 0 {
		// est is [a, b, noise]: put the maps in the order of comps
		mn := data.M * data.N
		st := stlayer.NewMaps(3, data.M, data.N)
		for i, c := range []int{r.c[0], r.c[1], r.noise} {
			copy(st.Data[c*mn:(c+1)*mn], est.Data[i*mn:(i+1)*mn])
		}
		est = st
	}
	opt.Start = est
	if mode == "start" {
		return MethodPatchPriorStatistics, nil
	}
	return modelSepFeatureFilter(ms, data, r, opt)
}

// NoiseSigma reports whether c is a white-noise model made by
// NoiseComponent (K −1, pixel moments (0, σ, 0, 0), the flat spectrum σ²)
// and its σ, the noise's standard deviation per pixel in the data's units.
func NoiseSigma(c *ComponentModel) (float64, bool) {
	if c == nil || c.K != -1 || len(c.PS) == 0 {
		return 0, false
	}
	m := c.PixelMoments
	s := m[1]
	if m[0] != 0 || m[2] != 0 || m[3] != 0 || !(s > 0) || math.IsInf(s, 0) {
		return 0, false
	}
	for _, v := range c.PS {
		if v != s*s {
			return 0, false
		}
	}
	return s, true
}

// patchPriorRoles is what the patch-prior separation makes of comps: c
// the indices (in comps) of the two learned components, k their
// component numbers in the model folder, noise the index of a white-noise
// component (−1: none) and noiseVar its σ²; check says why it cannot
// separate comps (Reason PatchPriorUsable when it can).
type patchPriorRoles struct {
	c, k     [2]int
	noise    int
	noiseVar float64
	check    PatchPriorCheck
}

// patchPriorRolesOf sorts comps for the patch-prior separation: two
// learned components with patch priors, and at most one white-noise
// component (NoiseSigma), whose σ² is PatchSepOptions.NoiseVar.
func patchPriorRolesOf(ms *ModelSet, comps []SepComponent) patchPriorRoles {
	r := patchPriorRoles{noise: -1}
	if len(comps) < 2 || len(comps) > 3 {
		return r.roles(fmt.Sprintf("the patch-prior separation takes two learned components and at most one white-noise component, got %d components", len(comps)))
	}
	var learned []int
	for i, c := range comps {
		if k := slices.Index(ms.Components, c.Model); k >= 0 {
			learned = append(learned, i)
			continue
		}
		s, ok := NoiseSigma(c.Model)
		if !ok {
			return r.roles(fmt.Sprintf("component %d (%s) is neither one of the model folder's learned components nor white noise (NoiseComponent): it has no patch prior", i, c.Name))
		}
		if r.noise >= 0 {
			return r.roles(fmt.Sprintf("components %d (%s) and %d (%s) are both white noise: the patch-prior separation takes at most one", r.noise, comps[r.noise].Name, i, c.Name))
		}
		r.noise, r.noiseVar = i, s*s
	}
	if len(learned) != 2 {
		if r.noise >= 0 {
			return r.roles(fmt.Sprintf("the patch-prior separation takes two learned components, got %d and a white-noise component (%s)", len(learned), comps[r.noise].Name))
		}
		return r.roles(fmt.Sprintf("the patch-prior separation takes two learned components and at most one white-noise component, got %d learned", len(learned)))
	}
	for j, i := range learned {
		r.c[j], r.k[j] = i, slices.Index(ms.Components, comps[i].Model)
	}
	if !ms.HasPatchPriors(r.k[0], r.k[1]) {
		r.check = PatchPriorCheck{Reason: PatchPriorNotExported, Why: fmt.Sprintf("the model folder %s has no patch priors for components %d and %d", ms.Dir, r.k[0], r.k[1]), Components: r.k}
	}
	return r
}

// roles records why as a PatchPriorRoles check and returns r.
func (r patchPriorRoles) roles(why string) patchPriorRoles {
	r.check = PatchPriorCheck{Reason: PatchPriorRoles, Why: why}
	return r
}

// PatchPriorUnusable says why SeparateWithModels' patch-prior methods
// (ModelSepOptions.PatchPrior) cannot separate comps with the folder's
// priors, "" when they can: two learned components with patch priors, and
// at most one white-noise component (made by NoiseComponent), whose
// variance σ² then enters the separation (PatchSepOptions.NoiseVar). It is
// CheckPatchPriors' PatchPriorCheck.Text.
func PatchPriorUnusable(ms *ModelSet, comps []SepComponent) string {
	return CheckPatchPriors(ms, comps).Text()
}

// PatchPriorReason is what keeps the patch-prior separation from running
// (PatchPriorCheck.Reason).
type PatchPriorReason int

const (
	// PatchPriorUsable: nothing; the separation can run.
	PatchPriorUsable PatchPriorReason = iota
	// PatchPriorNoModels: a nil model set or manifest.
	PatchPriorNoModels
	// PatchPriorRoles: the components are not two of the folder's learned
	// components and at most one white-noise component (NoiseComponent).
	PatchPriorRoles
	// PatchPriorNotExported: the folder has no patch priors for the two
	// learned components (PatchPriorCheck.Components): an export with
	// ExportOptions.PatchPrior fits them.
	PatchPriorNotExported
)

// PatchPriorCheck is CheckPatchPriors' answer: Reason, Why (what is
// wrong, one clause without what to do about it; "" when Reason is
// PatchPriorUsable) and, for PatchPriorNotExported, Components, the two
// learned components' numbers in the model folder. A caller words the
// remedy in its own terms (stkit separate names its flags; Text names
// both the flag and the Go option) instead of editing Text's prose.
type PatchPriorCheck struct {
	Reason     PatchPriorReason
	Why        string
	Components [2]int
}

// Text is the check in infer's words (PatchPriorUnusable): Why, with
// "(export them with `stkit export --patch-prior`,
// ExportOptions.PatchPrior)" after it for PatchPriorNotExported.
func (c PatchPriorCheck) Text() string {
	if c.Reason == PatchPriorNotExported {
		return c.Why + " (export them with `stkit export --patch-prior`, ExportOptions.PatchPrior)"
	}
	return c.Why
}

// CheckPatchPriors says whether SeparateWithModels' patch-prior methods
// can separate comps with the folder's priors, and if not why, as a
// PatchPriorCheck (PatchPriorUnusable gives it in words).
func CheckPatchPriors(ms *ModelSet, comps []SepComponent) PatchPriorCheck {
	if ms == nil || ms.Manifest == nil {
		return PatchPriorCheck{Reason: PatchPriorNoModels, Why: "no models (nil model set or manifest)"}
	}
	return patchPriorRolesOf(ms, comps).check
}
