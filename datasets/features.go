package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// FeatureVersion is the version of the on-disk patch-dataset format.
const FeatureVersion = 1

// DatasetManifest describes a patch dataset folder:
//
//	manifest.json          this struct
//	patches.npy            [n, size, size] float32 patch pixels
//	index.json             the Patch list (provenance of every patch)
//	features/chunk_NNNNN.npy  [≤ChunkSize, dim] float64 feature rows, written
//	                       atomically one chunk at a time (resumable)
//	features.npy           [n, dim] float64, all rows (when complete)
//	norm.json              per-feature mean and std (z-scoring)
//
// Fingerprint hashes the statistic spec, the patch configuration, the
// sources and the patch pixels: BuildFeatures continues a folder of the same
// configuration and refuses to replace one of another (see CheckBuild).
//
// Skipped ("skipped_nonfinite") and SkippedConstant ("skipped_constant")
// count the candidate patches that PatchConfig.SkipNaN and
// PatchConfig.SkipConstant left out (PatchSet.Skipped and
// PatchSet.Constant). Manifests written before "skipped_constant" existed
// lack it and read as 0, as do datasets made without SkipConstant.
//
// Patch ("patch") is the PatchConfig as the build was given it, with its
// Go-cased keys ("Size", "Stride", …), as it enters the Fingerprint (so that
// renaming them would change every dataset's fingerprint): its Stride 0
// means the default, Size/2. Stride ("stride") is the step between patch
// corners actually used (PatchStride reads it, also from manifests written
// before it existed), and Statistic ("statistic") the statistic in words
// with the normalisation in effect (stats.Spec.String); both are absent
// from older manifests. Spec records the normalisation in effect too: a
// scov or spectra "norm" is "p00" (or "p11"), where manifests written
// before have "none", which reads as "p00" (stats.Spec.UnmarshalJSON), the
// same statistic and the same Fingerprint.
type DatasetManifest struct {
	Version         int             `json:"version"`
	Spec            stats.Spec      `json:"spec"`
	Reference       json.RawMessage `json:"reference,omitempty"`
	Patch           PatchConfig     `json:"patch"`
	Sources         []string        `json:"sources"`
	N               int             `json:"n"`
	Size            int             `json:"size"`
	Stride          int             `json:"stride,omitempty"`
	Statistic       string          `json:"statistic,omitempty"`
	Dim             int             `json:"dim"`
	Columns         []FeatureColumn `json:"columns"`
	ChunkSize       int             `json:"chunk_size"`
	Fingerprint     string          `json:"fingerprint"`
	Skipped         int             `json:"skipped_nonfinite"`
	SkippedConstant int             `json:"skipped_constant"`
	Complete        bool            `json:"complete"`
	// BUnit and PixelScale: the sources' FITS BUNIT and pixel scale when
	// every source has the same; else BUnits and PixelScales, one per
	// source in Sources' order ("" and null where a source has none).
	// Absent when no source has one (.npy, .npz) and in older manifests;
	// not part of the Fingerprint.
	BUnit       string        `json:"bunit,omitempty"`
	BUnits      []string      `json:"bunits,omitempty"`
	PixelScale  *PixelScale   `json:"pixel_scale,omitempty"`
	PixelScales []*PixelScale `json:"pixel_scales,omitempty"`
	// ClassDoc ("class_doc") says what the features of each label class
	// are (stats.ClassDoc, as stats' JSON config): a scov synthesis
	// vector's "P00" is a natural log, its "mean" mean/std, …; with the
	// BUNIT named where the sources share one (ClassDocBUnit: "(in K)",
	// "(K²)"). Absent in older manifests; not part of the Fingerprint.
	ClassDoc map[string]string `json:"class_doc,omitempty"`
}

// PatchStride returns the step between patch corners the dataset was cut
// with: Stride, or in a manifest written before it existed Patch.Stride,
// whose 0 is the default Size/2.
func (m *DatasetManifest) PatchStride() int {
	if m.Stride > 0 {
		return m.Stride
	}
	if m.Patch.Stride > 0 {
		return m.Patch.Stride
	}
	size := m.Patch.Size
	if size == 0 {
		size = m.Size
	}
	return max(1, size/2)
}

// FeatureColumn names one real feature: coefficient index in the statistic's
// label table and part ("re" or "im"). Name is the coefficient's label
// (stlayer.Labels.String, e.g. "C01(j1=0,l1=0,p1=0,j2=1,l2=2,p2=1,n=0,a=0,pseudo=0)",
// "c<index>" past the table), with ".im" appended for the imaginary part.
// Datasets written before stlayer.Labels.Values existed left out a −1 that
// is a value (WPH's scaling moments at j = −1: "L(p1=0,p2=0,pseudo=0)", now
// "L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0)"); their manifests keep those names
// (resuming such a dataset keeps them too), and SameFeature matches old and
// new names of one feature.
type FeatureColumn struct {
	Coeff int    `json:"coeff"`
	Part  string `json:"part"`
	Name  string `json:"name"`
}

// Features is a complete feature table.
//
// The features are always computed from the float64 patches cut from the
// maps, and stored as float64; the patch pixels are stored as float32
// (patches.npy). So the Patches of a table that BuildFeatures computed hold
// the float64 pixels, while those of a table read back (LoadFeatures, and
// BuildFeatures on a folder whose dataset is complete) hold the stored
// pixels rounded to float32 (relative difference up to 2⁻²⁴; a pixel below
// about 10⁻⁴⁵ in magnitude is stored as 0, and patch sets with a pixel beyond
// ±3.4·10³⁸, which float32 would store as ±Inf, are refused by
// BuildFeatures): X is the same either way, but features recomputed from
// loaded Patches differ slightly from X.
type Features struct {
	Manifest *DatasetManifest
	Patches  *PatchSet // pixels as float64, or float32-rounded when loaded (see above)
	X        []float64 // n × dim, raw (un-normalised) features
	Mean     []float64 // per-feature mean over the n patches
	Std      []float64 // per-feature sample std (divisor n − 1); 1 where the feature is constant (its Mean is then its value, exactly) or its std is rounding noise, ≤ 1e-12·max|x| (see columnStats)
}

// Normalised returns the z-scored features (X − Mean)/Std, feature by
// feature, as float32 rows (n × dim): a constant feature gives 0. It
// returns nil for a nil or inconsistent table (no manifest, Dim < 1, Mean or
// Std not of length Dim); LoadFeatures and BuildFeatures never return one.
func (f *Features) Normalised() []float32 {
	if f == nil || f.Manifest == nil || f.Manifest.Dim < 1 || len(f.Mean) != f.Manifest.Dim || len(f.Std) != f.Manifest.Dim {
		return nil
	}
	d := f.Manifest.Dim
	out := make([]float32, len(f.X))
	for i, v := range f.X {
		k := i % d
		out[i] = float32((v - f.Mean[k]) / f.Std[k])
	}
	return out
}

// Split returns the indices of a seeded random train/validation split with a
// fraction val (0 ≤ val < 1) in validation: a random permutation of 0 … n−1
// whose first round(val·n) entries (halves rounded up: 3 of 10 for 0.25) are
// valid and the rest train. A val outside [0, 1] is clamped to it (NaN
// counts as 0) and n ≤ 0 gives two empty lists.
func Split(n int, val float64, seed uint64) (train, valid []int) {
	if n <= 0 {
		return []int{}, []int{}
	}
	if math.IsNaN(val) {
		val = 0
	}
	val = math.Min(math.Max(val, 0), 1)
	rng := rand.New(rand.NewPCG(seed, 0x5b1))
	perm := rng.Perm(n)
	nv := int(math.Round(val * float64(n)))
	return perm[nv:], perm[:nv]
}

// ProgressFunc reports done out of total patches.
type ProgressFunc func(done, total int)

// BuildOptions are the optional settings of BuildFeatures.
type BuildOptions struct {
	// Replace lets BuildFeatures discard a dataset of another configuration
	// found in the folder (complete or not) and compute the new one; without
	// it such a folder is refused with a *ConfigChangeError. It also
	// rebuilds a complete dataset of the same configuration whose files
	// cannot be loaded (refused without it: ErrDamagedDataset).
	Replace bool
}

// BuildFeatures computes (or resumes) the feature table of a patch set in dir:
// the statistic of spec on every patch, chunk patches per engine call (64
// when chunk ≤ 0; DatasetManifest.ChunkSize), each chunk saved atomically
// as it completes. Mean and Std (norm.json) are the features' mean and
// sample standard deviation over the patches (see Features). Complex coefficients contribute
// their real part, and their imaginary part when it is not identically zero
// on the first chunk. opts holds at most one BuildOptions.
//
// A folder holding a dataset of the same configuration (same statistic,
// patch configuration, sources and patch pixels; see CheckBuild) is
// continued: a complete one is loaded (LoadFeatures: its Patches are then
// the stored float32-rounded pixels, not ps) and nothing is computed (when
// its files cannot be loaded, the error matches ErrDamagedDataset, and
// with BuildOptions.Replace it is rebuilt), an
// unfinished one resumes after its last saved chunk, with its
// own chunk size (chunk applies to a new dataset). A folder holding a
// dataset of another configuration is refused with a *ConfigChangeError
// (ErrOtherConfiguration) before anything is written: computing features
// can take hours, and a rebuild discards them. With BuildOptions.Replace it
// is rebuilt: its feature chunks and features.npy are removed (nothing else
// of features/) and the new, unfinished manifest is written before the
// first chunk. A folder whose manifest.json is damaged (not JSON) beside a
// dataset's other files, of another format version, or missing beside
// patches.npy and index.json (a first build interrupted at its start) is
// rebuilt as well. Temporary files that killed writes left in the folder
// (".<name>.tmp<n>" of its manifest.json, patches.npy, index.json,
// features.npy, norm.json and features/chunk_<n>.npy) are removed; nothing
// else is (two builds must not run in one folder at the same time: stkit
// patches holds the lock file .stkit.lock of the folder for its build).
//
// Refused before anything is written: an empty dir, a complex spec
// (Spec.Complex), a nil or empty patch set,
// one whose Data length is not len(Patches)·Size², one with a finite pixel
// beyond float32's range (±3.4028235e38; patches.npy is float32), a nil engine, and a folder
// whose manifest.json is not a patch dataset's (a model folder's, another
// tool's, or damaged), which a build would replace.
func BuildFeatures(dir string, ps *PatchSet, cfg PatchConfig, spec stats.Spec, eng stlayer.Engine, chunk int, progress ProgressFunc, opts ...BuildOptions) (*Features, error) {
	if err := checkBuildArgs(dir, ps); err != nil {
		return nil, err
	}
	switch {
	case eng == nil:
		return nil, fmt.Errorf("datasets: computing features needs an engine (got nil)")
	case len(opts) > 1:
		return nil, fmt.Errorf("datasets: BuildFeatures takes at most one BuildOptions, got %d", len(opts))
	case spec.Complex:
		// patches are real maps; a complex WPH takes (Q, U) pairs
		return nil, fmt.Errorf("datasets: patch features take real maps; the complex WPH of a (Q, U) pair (Spec.Complex) is a statistic of stkit stats only")
	}
	var opt BuildOptions
	if len(opts) == 1 {
		opt = opts[0]
	}
	if chunk <= 0 {
		chunk = 64
	}
	spec = spec.WithDefaults(ps.Size, ps.Size)
	if err := checkDatasetFolder(dir); err != nil {
		return nil, err
	}
	old, same, change := compareDataset(dir, ps, cfg, spec)
	if change != nil && !opt.Replace {
		return nil, change
	}
	removeStaleTemps(dir)
	if err := os.MkdirAll(filepath.Join(dir, "features"), 0o755); err != nil {
		return nil, err
	}
	op, err := stats.Build(spec, ps.Size, ps.Size)
	if err != nil {
		return nil, err
	}
	ref, err := stats.Reference(op)
	if err != nil {
		return nil, err
	}
	fp := fingerprint(spec, cfg, ps.Sources, ps.Data)
	man := &DatasetManifest{Version: FeatureVersion, Spec: spec, Reference: ref, Patch: cfg, Sources: ps.Sources,
		N: len(ps.Patches), Size: ps.Size, ChunkSize: chunk, Fingerprint: fp, Skipped: ps.Skipped, SkippedConstant: ps.Constant}
	man.Stride, man.Statistic = man.PatchStride(), spec.String()
	unitsManifest(man, ps.Units)
	man.ClassDoc = ClassDocBUnit(spec, op.Labels(), man.BUnit)
	if same && old.Complete {
		f, err := LoadFeatures(dir)
		switch {
		case err == nil:
			return f, nil
		case !opt.Replace:
			return nil, &damagedError{dir: dir, err: err}
		}
		same = false // Replace: rebuilt as a new dataset
	}
	if same {
		man = old
		chunk = old.ChunkSize
		// a manifest written before these fields existed gets them when the
		// build continues it (its next write)
		if man.Stride == 0 {
			man.Stride = man.PatchStride()
		}
		if man.Statistic == "" {
			man.Statistic = man.Spec.String()
		}
		unitsManifest(man, ps.Units) // the sources' units, also for a dataset made before they were recorded
		man.ClassDoc = ClassDocBUnit(man.Spec, op.Labels(), man.BUnit)
	} else {
		// new or changed configuration: drop stale chunks and write the new
		// (unfinished) manifest before anything else, so that an interrupted
		// rebuild never leaves the old manifest over the new patches
		if err := removeChunks(dir); err != nil {
			return nil, err
		}
		if err := os.Remove(filepath.Join(dir, "features.npy")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		pa := &Array{DType: "float32", Shape: []int{len(ps.Patches), ps.Size, ps.Size}, Float64: ps.Data}
		if err := WriteNPY(filepath.Join(dir, "patches.npy"), pa); err != nil {
			return nil, err
		}
		if err := writeJSON(filepath.Join(dir, "index.json"), ps.Patches); err != nil {
			return nil, err
		}
		if err := writeJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
			return nil, err
		}
	}
	nchunks := (man.N + chunk - 1) / chunk
	rows := make([][]float64, nchunks)
	done := 0
	for c := 0; c < nchunks; c++ {
		from, to := c*chunk, min(man.N, (c+1)*chunk)
		path := chunkPath(dir, c)
		// A chunk that is not a real [rows, Dim] array of finite values
		// (strings or complex values have no Float64 data; a NaN or Inf is
		// what a damaged file holds, never what the build writes: it
		// refuses non-finite features) is computed again, as one of
		// another shape or that cannot be read.
		if a, err := ReadNPY(path); err == nil && !a.IsString() && !a.IsComplex() && man.Dim > 0 && len(a.Shape) == 2 && a.Shape[0] == to-from && a.Shape[1] == man.Dim && allFinite(a.Float64) {
			rows[c] = a.Float64
			done = to
			if progress != nil {
				progress(done, man.N)
			}
			continue
		}
		co, err := eng.Forward(op.Key(), op.Stat(), ps.Maps(from, to))
		if err != nil {
			return nil, fmt.Errorf("features of patches %d–%d: %w", from, to-1, err)
		}
		newColumns := man.Columns == nil
		if newColumns {
			man.Columns = featureColumns(op.Labels(), co)
			man.Dim = len(man.Columns)
		}
		r := make([]float64, 0, (to-from)*man.Dim)
		for b := 0; b < co.B; b++ {
			row := co.Row(b)
			for _, col := range man.Columns {
				v := row[col.Coeff]
				x := real(v)
				if col.Part == "im" {
					x = imag(v)
				}
				if math.IsNaN(x) || math.IsInf(x, 0) {
					return nil, fmt.Errorf("patch %d (%s): feature %s is not finite (constant patch? drop such patches with the skip-constant option)", from+b, patchWhere(ps, from+b), col.Name)
				}
				r = append(r, x)
			}
		}
		if err := WriteNPY(path, &Array{DType: "float64", Shape: []int{to - from, man.Dim}, Float64: r}); err != nil {
			return nil, err
		}
		if c == 0 || !fileExists(filepath.Join(dir, "manifest.json")) || newColumns {
			if err := writeJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
				return nil, err
			}
		}
		rows[c] = r
		done = to
		if progress != nil {
			progress(done, man.N)
		}
	}
	f := &Features{Manifest: man, Patches: ps}
	for _, r := range rows {
		f.X = append(f.X, r...)
	}
	f.Mean, f.Std = columnStats(f.X, man.Dim)
	if err := WriteNPY(filepath.Join(dir, "features.npy"), &Array{DType: "float64", Shape: []int{man.N, man.Dim}, Float64: f.X}); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, "norm.json"), map[string][]float64{"mean": f.Mean, "std": f.Std}); err != nil {
		return nil, err
	}
	man.Complete = true
	if err := writeJSON(filepath.Join(dir, "manifest.json"), man); err != nil {
		return nil, err
	}
	return f, nil
}

// ErrDamagedDataset is matched (errors.Is) by the error of BuildFeatures
// for a folder holding a complete dataset of the same configuration whose
// files cannot be loaded (LoadFeatures fails: a file replaced, truncated,
// or disagreeing with the manifest). BuildOptions.Replace rebuilds it.
var ErrDamagedDataset = errors.New("datasets: the folder's complete dataset cannot be read")

// damagedError is the ErrDamagedDataset error of the dataset in dir; err
// is LoadFeatures' error.
type damagedError struct {
	dir string
	err error
}

func (e *damagedError) Error() string {
	return fmt.Sprintf("%v: the complete dataset in %s cannot be read (damaged or replaced files); rebuild it (BuildOptions.Replace)", e.err, e.dir)
}
func (e *damagedError) Unwrap() error        { return e.err }
func (e *damagedError) Is(target error) bool { return target == ErrDamagedDataset }

// checkBuildArgs checks the folder name and patch set of a build.
func checkBuildArgs(dir string, ps *PatchSet) error {
	switch {
	case dir == "":
		return fmt.Errorf("datasets: empty dataset folder name")
	case ps == nil:
		return fmt.Errorf("datasets: nil patch set")
	case len(ps.Patches) == 0:
		return fmt.Errorf("datasets: no patches to compute features of")
	case ps.Size < 1 || len(ps.Data) != len(ps.Patches)*ps.Size*ps.Size:
		return fmt.Errorf("datasets: patch set of %d patches of %d×%d pixels holds %d values", len(ps.Patches), ps.Size, ps.Size, len(ps.Data))
	}
	if o := scanFloat32(ps.Data); o != nil {
		n := ps.Size * ps.Size
		i, r := o.First/n, o.First%n
		p := ps.Patches[i]
		src := fmt.Sprintf("source %d", p.Source)
		if p.Source >= 0 && p.Source < len(ps.Sources) {
			src = ps.Sources[p.Source]
		}
		what := fmt.Sprintf("pixel (row %d, column %d) of patch %d (%s, map %d, corner at row %d, column %d)", r/ps.Size, r%ps.Size, i, src, p.Map, p.Row, p.Col)
		return fmt.Errorf("datasets: patch pixels are stored as float32 (patches.npy): %s. Rescale the maps (e.g. change units) before cutting patches",
			o.describe(what, "pixels"))
	}
	return nil
}

// ErrOtherConfiguration is matched (errors.Is) by the *ConfigChangeError of
// BuildFeatures and CheckBuild.
var ErrOtherConfiguration = errors.New("datasets: the folder holds a patch dataset of another configuration")

// ConfigChangeError is the refusal of BuildFeatures (without
// BuildOptions.Replace) and CheckBuild to discard the dataset of another
// configuration in Dir.
type ConfigChangeError struct {
	Dir string
	// Complete tells whether the existing dataset is complete; N and Dim are
	// its patches and features (Dim 0 when no chunk was computed), Done and
	// Chunks the feature chunks saved and due of an unfinished one.
	Complete     bool
	N, Dim       int
	Done, Chunks int
	// Changes lists what differs, old value first.
	Changes []ConfigChange
}

// ConfigChange is one difference between a dataset's configuration and a
// build's. Field is a spec key ("kind", "J", "L", "iso", "synthesis", …, as
// in the manifest's "spec"), a patch setting ("size", "stride", "augment",
// "window", "alpha", "max-per-source", "skip-nan", "skip-constant", "seed"),
// "sources" (the input maps) or "pixels" (the same settings and maps, but
// the maps' contents changed). Old and New are the values as text ("unset"
// for an absent spec key).
type ConfigChange struct {
	Field, Old, New string
}

// String renders the change as "field old → new".
func (c ConfigChange) String() string { return c.Field + " " + c.Old + " → " + c.New }

// Describe says what the existing dataset is: "a complete patch dataset (n
// patches × d features)" or "an unfinished patch dataset (k of m feature
// chunks computed)".
func (e *ConfigChangeError) Describe() string {
	if e.Complete {
		return fmt.Sprintf("a complete patch dataset (%d patches × %d features)", e.N, e.Dim)
	}
	return fmt.Sprintf("an unfinished patch dataset (%d of %d feature chunks computed)", e.Done, e.Chunks)
}

func (e *ConfigChangeError) Error() string {
	ch := make([]string, len(e.Changes))
	for i, c := range e.Changes {
		ch[i] = c.String()
	}
	return fmt.Sprintf("datasets: %s holds %s of another configuration (%s): building would discard it; build in another folder, or replace it (BuildOptions.Replace)",
		e.Dir, e.Describe(), strings.Join(ch, "; "))
}

// Is makes the error match ErrOtherConfiguration.
func (e *ConfigChangeError) Is(target error) bool { return target == ErrOtherConfiguration }

// CheckBuild tells, without writing anything, whether BuildFeatures of the
// patch set in dir would need BuildOptions.Replace: a *ConfigChangeError
// when dir holds a dataset (complete or not) of another configuration; the
// error of BuildFeatures for a folder whose manifest.json is not a patch
// dataset's or a patch set it refuses; nil otherwise. Two configurations are
// the same when their datasets are: same statistic (spec with defaults),
// same patches (patch settings, sources, and a hash of the patch pixels) —
// spellings of one setting count as the same (stride 0 and size/2, window ""
// and "none", alpha 0 and 0.3, alpha without the Tukey window, seed without
// augmentation or max-per-source, the skip options when the kept patches are
// the same, sources naming the same files); the chunk size does not count.
func CheckBuild(dir string, ps *PatchSet, cfg PatchConfig, spec stats.Spec) error {
	if err := checkBuildArgs(dir, ps); err != nil {
		return err
	}
	if err := checkDatasetFolder(dir); err != nil {
		return err
	}
	if _, _, change := compareDataset(dir, ps, cfg, spec.WithDefaults(ps.Size, ps.Size)); change != nil {
		return change
	}
	return nil
}

// compareDataset compares the dataset in dir (if any, with a readable
// manifest of this version) with a build of ps under cfg and spec (with
// defaults): old is its manifest, same whether the build continues it,
// change (when not same) what differs.
func compareDataset(dir string, ps *PatchSet, cfg PatchConfig, spec stats.Spec) (old *DatasetManifest, same bool, change *ConfigChangeError) {
	old, err := ReadManifest(dir)
	if err != nil {
		return nil, false, nil // nothing to keep: new, damaged or of another version
	}
	specSame := string(spec.JSON()) == string(old.Spec.JSON())
	srcSame := sameSources(old.Sources, ps.Sources)
	// a scov or spectra dataset built before with an explicit --norm p00
	// hashed "p00" (fingerprint hashes the default's older spelling "none")
	fpIs := func(cfg PatchConfig, sources []string) bool {
		if old.Fingerprint == fingerprint(spec, cfg, sources, ps.Data) {
			return true
		}
		return fingerprintSpec(spec) != spec && old.Fingerprint == fingerprintHash(spec, cfg, sources, ps.Data)
	}
	if old.ChunkSize > 0 && (fpIs(cfg, ps.Sources) ||
		specSame && srcSame && canonicalPatch(old.Patch) == canonicalPatch(cfg) && fpIs(old.Patch, old.Sources)) {
		return old, true, nil
	}
	e := &ConfigChangeError{Dir: dir, Complete: old.Complete, N: old.N, Dim: old.Dim}
	if old.ChunkSize > 0 {
		e.Chunks = (old.N + old.ChunkSize - 1) / old.ChunkSize
		for c := 0; c < e.Chunks; c++ {
			if fileExists(chunkPath(dir, c)) {
				e.Done++
			}
		}
	}
	if !specSame {
		e.Changes = append(e.Changes, specChanges(old.Spec, spec)...)
	}
	e.Changes = append(e.Changes, patchChanges(old.Patch, cfg)...)
	switch {
	case len(old.Sources) != len(ps.Sources):
		e.Changes = append(e.Changes, ConfigChange{"sources", fmt.Sprintf("%d file%s", len(old.Sources), plural(len(old.Sources))), fmt.Sprintf("%d file%s", len(ps.Sources), plural(len(ps.Sources)))})
	case !srcSame:
		for i := range old.Sources {
			if !sameSources(old.Sources[i:i+1], ps.Sources[i:i+1]) {
				e.Changes = append(e.Changes, ConfigChange{"sources", old.Sources[i], ps.Sources[i]})
				break
			}
		}
	}
	if len(e.Changes) == 0 {
		e.Changes = []ConfigChange{{"pixels", "of the dataset's patches", "of the maps now (their contents changed)"}}
	}
	return nil, false, e
}

// specChanges lists the keys of the spec JSON documents that differ.
func specChanges(a, b stats.Spec) []ConfigChange {
	var ma, mb map[string]json.RawMessage
	_ = json.Unmarshal(a.JSON(), &ma)
	_ = json.Unmarshal(b.JSON(), &mb)
	keys := map[string]bool{}
	for k := range ma {
		keys[k] = true
	}
	for k := range mb {
		keys[k] = true
	}
	show := func(r json.RawMessage) string {
		if r == nil {
			return "unset"
		}
		return strings.Trim(string(r), `"`)
	}
	var out []ConfigChange
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		if string(ma[k]) != string(mb[k]) {
			out = append(out, ConfigChange{k, show(ma[k]), show(mb[k])})
		}
	}
	return out
}

// canonicalPatch maps the spellings of one patch configuration to one
// value, leaving out the settings whose effect shows in the patch pixels
// (compared by the fingerprint): see CheckBuild.
func canonicalPatch(c PatchConfig) PatchConfig {
	if c.Stride == 0 {
		c.Stride = max(1, c.Size/2)
	}
	if c.Window == "" {
		c.Window = "none"
	}
	switch {
	case c.Window != "tukey":
		c.Alpha = 0
	case c.Alpha == 0:
		c.Alpha = 0.3
	}
	if !c.Augment && c.MaxPerSource <= 0 {
		c.Seed, c.MaxPerSource = 0, 0
	}
	c.SkipNaN, c.SkipConstant = false, false
	return c
}

// patchChanges lists the patch settings that differ (their spellings
// unified as in canonicalPatch, the skip options included).
func patchChanges(a, b PatchConfig) []ConfigChange {
	ca, cb := canonicalPatch(a), canonicalPatch(b)
	var out []ConfigChange
	add := func(f string, x, y any) {
		if x != y {
			out = append(out, ConfigChange{f, fmt.Sprint(x), fmt.Sprint(y)})
		}
	}
	add("size", ca.Size, cb.Size)
	add("stride", ca.Stride, cb.Stride)
	add("augment", ca.Augment, cb.Augment)
	add("window", ca.Window, cb.Window)
	add("alpha", ca.Alpha, cb.Alpha)
	add("max-per-source", ca.MaxPerSource, cb.MaxPerSource)
	add("skip-nan", a.SkipNaN, b.SkipNaN)
	add("skip-constant", a.SkipConstant, b.SkipConstant)
	add("seed", ca.Seed, cb.Seed)
	return out
}

// sameSources reports whether two source lists name the same maps: equal
// names, or files that are the same (os.SameFile) with the same .npz member.
func sameSources(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == b[i] {
			continue
		}
		fa, fb := FilePart(a[i]), FilePart(b[i])
		if a[i][len(fa):] != b[i][len(fb):] {
			return false
		}
		sa, err := os.Stat(fa)
		if err != nil {
			return false
		}
		sb, err := os.Stat(fb)
		if err != nil || !os.SameFile(sa, sb) {
			return false
		}
	}
	return true
}

// staleTempRE and staleChunkTempRE match the temporary files of the atomic
// writes (internal/atomicfile: ".<name>.tmp<n>") of a dataset's files and
// feature chunks.
var (
	staleTempRE      = regexp.MustCompile(`^\.(manifest\.json|patches\.npy|index\.json|features\.npy|norm\.json)\.tmp\d+$`)
	staleChunkTempRE = regexp.MustCompile(`^\.chunk_\d{5,}\.npy\.tmp\d+$`)
)

// removeStaleTemps removes the temporary files that killed writes of a
// build left in dir and dir/features (errors ignored: a leftover is only
// clutter).
func removeStaleTemps(dir string) {
	for _, d := range []struct {
		dir string
		re  *regexp.Regexp
	}{{dir, staleTempRE}, {filepath.Join(dir, "features"), staleChunkTempRE}} {
		ents, _ := os.ReadDir(d.dir)
		for _, e := range ents {
			if e.Type().IsRegular() && d.re.MatchString(e.Name()) {
				os.Remove(filepath.Join(d.dir, e.Name()))
			}
		}
	}
}

// LoadFeatures reads a complete dataset folder. Its Patches hold the
// pixels of patches.npy, stored as float32: the float64 patches that the
// features were computed from, rounded to float32 (see Features).
func LoadFeatures(dir string) (*Features, error) {
	man, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if !man.Complete {
		return nil, fmt.Errorf("%s: feature extraction did not finish (run stkit patches again to resume)", dir)
	}
	a, err := ReadNPY(filepath.Join(dir, "features.npy"))
	if err != nil {
		return nil, err
	}
	if err := realFileArray(dir, "features.npy", a, "the float64 features"); err != nil {
		return nil, err
	}
	if len(a.Shape) != 2 || a.Shape[0] != man.N || a.Shape[1] != man.Dim {
		return nil, fmt.Errorf("%s: features.npy has shape %v, manifest says [%d, %d]", dir, a.Shape, man.N, man.Dim)
	}
	p, err := ReadNPY(filepath.Join(dir, "patches.npy"))
	if err != nil {
		return nil, err
	}
	if err := realFileArray(dir, "patches.npy", p, "the float32 patch pixels"); err != nil {
		return nil, err
	}
	var idx []Patch
	if err := readJSON(filepath.Join(dir, "index.json"), &idx); err != nil {
		return nil, err
	}
	if len(idx) != man.N || len(p.Shape) != 3 || p.Shape[0] != man.N || p.Shape[1] != man.Size || p.Shape[2] != man.Size {
		return nil, fmt.Errorf("%s: patches.npy (shape %v)/index.json (%d patches) disagree with the manifest (%d patches of %d×%d)",
			dir, p.Shape, len(idx), man.N, man.Size, man.Size)
	}
	var norm map[string][]float64
	if err := readJSON(filepath.Join(dir, "norm.json"), &norm); err != nil {
		return nil, fmt.Errorf("%s: norm.json: %w", dir, err)
	}
	if len(norm["mean"]) != man.Dim || len(norm["std"]) != man.Dim {
		return nil, fmt.Errorf("%s: norm.json holds %d means and %d standard deviations, the manifest %d features",
			dir, len(norm["mean"]), len(norm["std"]), man.Dim)
	}
	for k := 0; k < man.Dim; k++ {
		if mu, sd := norm["mean"][k], norm["std"][k]; math.IsNaN(mu) || math.IsInf(mu, 0) || !(sd > 0) || math.IsInf(sd, 0) {
			return nil, fmt.Errorf("%s: norm.json: feature %d has mean %g and standard deviation %g (want finite, std > 0)", dir, k, mu, sd)
		}
	}
	ps := &PatchSet{Sources: man.Sources, Size: man.Size, Patches: idx, Data: p.Float64, Skipped: man.Skipped, Constant: man.SkippedConstant}
	return &Features{Manifest: man, Patches: ps, X: a.Float64, Mean: norm["mean"], Std: norm["std"]}, nil
}

// realFileArray refuses the array a read from the file name of the dataset
// folder dir when it holds strings (numpy '<U') or complex values: neither
// has Float64 data, which a dataset's files are read as. want says what
// the file should hold.
func realFileArray(dir, name string, a *Array, want string) error {
	what := ""
	switch {
	case a.IsString():
		what = "strings (numpy '<U')"
	case a.IsComplex():
		what = "complex values (" + a.DType + ")"
	default:
		return nil
	}
	return fmt.Errorf("%s: %s holds %s of shape %s, want %s (a replaced or damaged file: rebuild the dataset)", dir, name, what, shapeString(a.Shape), want)
}

// ReadManifest reads dir/manifest.json and checks that it is a patch
// dataset's (not, say, the manifest of a model folder written by stkit
// export) and of this version.
func ReadManifest(dir string) (*DatasetManifest, error) {
	var m DatasetManifest
	if err := readJSON(filepath.Join(dir, "manifest.json"), &m); err != nil {
		return nil, err
	}
	if ok, _ := ownManifest(dir); !ok {
		return nil, fmt.Errorf("%s: manifest.json is not a patch dataset's (no fingerprint and chunk_size, or a \"format\" key: a model folder of stkit export?)", dir)
	}
	if m.Version != FeatureVersion {
		return nil, fmt.Errorf("%s: dataset format version %d, this stkit reads version %d", dir, m.Version, FeatureVersion)
	}
	return &m, nil
}

// ownManifest reports whether dir/manifest.json exists (exists) and is a
// patch dataset's manifest of any version (ok): a JSON object with the keys
// "fingerprint" and "chunk_size" and no "format" key (which model folders'
// manifests have).
func ownManifest(dir string) (ok, exists bool) {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return false, !errors.Is(err, os.ErrNotExist)
	}
	var keys map[string]json.RawMessage
	if json.Unmarshal(b, &keys) != nil {
		return false, true
	}
	_, fp := keys["fingerprint"]
	_, cs := keys["chunk_size"]
	_, format := keys["format"]
	return fp && cs && !format, true
}

// checkDatasetFolder refuses to build a dataset in a folder whose
// manifest.json is not a patch dataset's (another tool's, a model folder's):
// BuildFeatures would replace it. A manifest that is not valid JSON passes
// when the folder holds a dataset's other files (patches.npy, index.json or
// features/): rebuilding is how such a dataset is repaired.
func checkDatasetFolder(dir string) error {
	ok, exists := ownManifest(dir)
	if !exists || ok {
		return nil
	}
	if b, err := os.ReadFile(filepath.Join(dir, "manifest.json")); err == nil && !json.Valid(b) {
		for _, f := range []string{"patches.npy", "index.json", "features"} {
			if fileExists(filepath.Join(dir, f)) {
				return nil
			}
		}
	}
	return fmt.Errorf("datasets: %s holds a manifest.json that is not a patch dataset's (a model folder of stkit export, another tool's file, or a damaged one): not overwriting it; build the dataset in another folder", dir)
}

// removeChunks removes the feature chunks of dir/features (and temporary
// files of interrupted chunk writes), and nothing else of that folder.
func removeChunks(dir string) error {
	ents, err := os.ReadDir(filepath.Join(dir, "features"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && (chunkRE.MatchString(n) || strings.HasPrefix(n, ".chunk_")) {
			if err := os.Remove(filepath.Join(dir, "features", n)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

var chunkRE = regexp.MustCompile(`^chunk_\d{5,}\.npy$`)

func featureColumns(lab *stlayer.Labels, co *stlayer.Coeffs) []FeatureColumn {
	k := co.PerMap()
	hasIm := make([]bool, k)
	for b := 0; b < co.B; b++ {
		for i, v := range co.Row(b) {
			if imag(v) != 0 {
				hasIm[i] = true
			}
		}
	}
	var cols []FeatureColumn
	for i := 0; i < k; i++ {
		name := fmt.Sprintf("c%d", i)
		if lab != nil && i < lab.Len() {
			name = lab.String(i)
		}
		cols = append(cols, FeatureColumn{Coeff: i, Part: "re", Name: name})
		if hasIm[i] {
			cols = append(cols, FeatureColumn{Coeff: i, Part: "im", Name: name + ".im"})
		}
	}
	return cols
}

// SameFeature reports whether a and b name the same feature of one
// statistic: the same coefficient and part, and the same name or the same
// LegacyFeatureName (a name written before and one written after
// stlayer.Labels.Values, see FeatureColumn). Comparing whole FeatureColumn
// values instead refuses a run's features in a dataset built since, for WPH.
func SameFeature(a, b FeatureColumn) bool {
	return a.Coeff == b.Coeff && a.Part == b.Part &&
		(a.Name == b.Name || LegacyFeatureName(a.Name) == LegacyFeatureName(b.Name))
}

// LegacyFeatureName returns a feature name as written before
// stlayer.Labels.Values existed: the name with every "column=-1" term of its
// label left out, e.g. "L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0).im" →
// "L(p1=0,p2=0,pseudo=0).im". A name without such a term (every name of
// classes without a −1 value, "c<index>") is returned unchanged.
func LegacyFeatureName(name string) string {
	open, end := strings.IndexByte(name, '('), strings.LastIndexByte(name, ')')
	if open < 0 || end < open || !strings.Contains(name[open:end], "=-1") {
		return name
	}
	var keep []string
	for _, t := range strings.Split(name[open+1:end], ",") {
		if !strings.HasSuffix(t, "=-1") {
			keep = append(keep, t)
		}
	}
	return name[:open+1] + strings.Join(keep, ",") + name[end:]
}

// constantRel is the relative spread below which columnStats counts a
// feature as constant: std ≤ constantRel·max|x| (see columnStats).
const constantRel = 1e-12

// columnStats returns the mean and the sample standard deviation (divisor
// n − 1; 0 for n = 1) of each of the d columns of the n × d row-major x. A
// column whose values are all equal gets that value as its mean, exactly,
// and std 1, so that it z-scores to 0: computed, its mean could differ from
// the value by rounding (0.1 seven times averages to 0.10000000000000002)
// and its std be ~1e-17, which would z-score it to ±0.93 instead.
//
// A column is also constant, with std 1 (and its computed mean), when its
// sample std s is at most constantRel = 1e-12 times its largest magnitude:
// s ≤ 1e-12·max_i |x_ik| (s = 0, or an underflowed s, included). Such a
// spread is float64 rounding noise of the statistic (values 1 and 1 + 2⁻⁵²
// give s ≈ 1.7e-16, which would z-score the noise to ±1.3); with std 1 it
// z-scores to |z| ≤ ~1e-12·max|x| ≈ 0. A real spread of relative size above
// ~1e-12 keeps its sample std. The rule cannot tell noise from signal in a
// column whose values are all near 0 by cancellation (it compares to the
// column's own magnitude).
func columnStats(x []float64, d int) (mean, std []float64) {
	n := len(x) / d
	mean = make([]float64, d)
	std = make([]float64, d)
	constant := make([]bool, d)
	for k := range constant {
		constant[k] = n > 0
	}
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			mean[k] += x[i*d+k] / float64(n)
			if x[i*d+k] != x[k] {
				constant[k] = false
			}
		}
	}
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			e := x[i*d+k] - mean[k]
			std[k] += e * e / float64(max(1, n-1))
		}
	}
	scale := make([]float64, d) // max_i |x_ik|
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			scale[k] = max(scale[k], math.Abs(x[i*d+k]))
		}
	}
	for k := range std {
		std[k] = math.Sqrt(std[k])
		if constant[k] {
			mean[k], std[k] = x[k], 1
		}
		if std[k] <= constantRel*scale[k] || math.IsNaN(std[k]) {
			std[k] = 1
		}
	}
	return mean, std
}

// fingerprint hashes a dataset's statistic, patch configuration, sources
// and patch pixels (DatasetManifest.Fingerprint). The statistic is hashed in
// the form datasets recorded before stats.Spec.WithDefaults resolved a
// scov or spectra norm to "p00" (fingerprintSpec), so that the fingerprints
// of datasets built before stay what they were.
func fingerprint(spec stats.Spec, cfg PatchConfig, sources []string, data []float64) string {
	return fingerprintHash(fingerprintSpec(spec), cfg, sources, data)
}

// fingerprintSpec returns spec with a scov or spectra Norm "p00" spelled
// "none", the default's spelling in datasets built before (the same
// statistic, see stats.Spec.Norm); other specs are returned unchanged.
func fingerprintSpec(spec stats.Spec) stats.Spec {
	if (spec.Kind == stats.SCov || spec.Kind == stats.Spectra) && spec.Norm == "p00" {
		spec.Norm = "none"
	}
	return spec
}

// fingerprintHash is fingerprint of spec exactly as given.
func fingerprintHash(spec stats.Spec, cfg PatchConfig, sources []string, data []float64) string {
	h := sha256.New()
	b, _ := json.Marshal(struct {
		V    int
		Spec stats.Spec
		Cfg  PatchConfig
		Src  []string
	}{FeatureVersion, spec, cfg, sources})
	h.Write(b)
	buf := make([]byte, 8)
	for _, v := range data {
		u := math.Float64bits(v)
		for i := range buf {
			buf[i] = byte(u >> (8 * i))
		}
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// patchWhere names the provenance of patch i: source file, map, row, column.
func patchWhere(ps *PatchSet, i int) string {
	p := ps.Patches[i]
	src := "?"
	if p.Source >= 0 && p.Source < len(ps.Sources) {
		src = ps.Sources[p.Source]
	}
	return fmt.Sprintf("%s, map %d, row %d, column %d", src, p.Map, p.Row, p.Col)
}

func chunkPath(dir string, c int) string {
	return filepath.Join(dir, "features", fmt.Sprintf("chunk_%05d.npy", c))
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'))
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: not found", path)
		}
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || len(b) == 0 {
			return fmt.Errorf("%s: not valid JSON (truncated or damaged file?): %w", path, err)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// allFinite reports whether every value of x is finite.
func allFinite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}
