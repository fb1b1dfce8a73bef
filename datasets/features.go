package datasets

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
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
// Fingerprint hashes the statistic spec, the patch configuration and the
// patch pixels: a resume with another configuration recomputes from scratch.
type DatasetManifest struct {
	Version     int             `json:"version"`
	Spec        stats.Spec      `json:"spec"`
	Reference   json.RawMessage `json:"reference,omitempty"`
	Patch       PatchConfig     `json:"patch"`
	Sources     []string        `json:"sources"`
	N           int             `json:"n"`
	Size        int             `json:"size"`
	Dim         int             `json:"dim"`
	Columns     []FeatureColumn `json:"columns"`
	ChunkSize   int             `json:"chunk_size"`
	Fingerprint string          `json:"fingerprint"`
	Skipped     int             `json:"skipped_nonfinite"`
	Complete    bool            `json:"complete"`
}

// FeatureColumn names one real feature: coefficient index in the statistic's
// label table and part ("re" or "im").
type FeatureColumn struct {
	Coeff int    `json:"coeff"`
	Part  string `json:"part"`
	Name  string `json:"name"`
}

// Features is a complete feature table.
type Features struct {
	Manifest *DatasetManifest
	Patches  *PatchSet
	X        []float64 // n × dim, raw (un-normalised) features
	Mean     []float64 // per-feature mean
	Std      []float64 // per-feature std (1 where the feature is constant)
}

// Normalised returns the z-scored features as float32 rows (n × dim). It
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
// fraction val (0 ≤ val < 1) in validation. A val outside [0, 1] is clamped
// to it (NaN counts as 0) and n ≤ 0 gives two empty lists.
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

// BuildFeatures computes (or resumes) the feature table of a patch set in dir:
// the statistic of spec on every patch, ChunkSize patches per engine call,
// each chunk saved atomically as it completes. Complex coefficients contribute
// their real part, and their imaginary part when it is not identically zero
// on the first chunk. An existing folder with the same fingerprint resumes
// after its last complete chunk; a different fingerprint is rebuilt: its
// feature chunks and features.npy are removed (nothing else of features/) and
// the new, unfinished manifest is written before the first chunk.
//
// Refused before anything is written: an empty dir, a nil or empty patch set,
// one whose Data length is not len(Patches)·Size², a nil engine, and a folder
// whose manifest.json is not a patch dataset's (a model folder's, another
// tool's, or damaged), which a build would replace.
func BuildFeatures(dir string, ps *PatchSet, cfg PatchConfig, spec stats.Spec, eng stlayer.Engine, chunk int, progress ProgressFunc) (*Features, error) {
	switch {
	case dir == "":
		return nil, fmt.Errorf("datasets: empty dataset folder name")
	case ps == nil:
		return nil, fmt.Errorf("datasets: nil patch set")
	case len(ps.Patches) == 0:
		return nil, fmt.Errorf("datasets: no patches to compute features of")
	case ps.Size < 1 || len(ps.Data) != len(ps.Patches)*ps.Size*ps.Size:
		return nil, fmt.Errorf("datasets: patch set of %d patches of %d×%d pixels holds %d values", len(ps.Patches), ps.Size, ps.Size, len(ps.Data))
	case eng == nil:
		return nil, fmt.Errorf("datasets: computing features needs an engine (got nil)")
	}
	if chunk <= 0 {
		chunk = 64
	}
	spec = spec.WithDefaults(ps.Size, ps.Size)
	if err := checkDatasetFolder(dir); err != nil {
		return nil, err
	}
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
	fp := fingerprint(spec, cfg, ps)
	man := &DatasetManifest{Version: FeatureVersion, Spec: spec, Reference: ref, Patch: cfg, Sources: ps.Sources,
		N: len(ps.Patches), Size: ps.Size, ChunkSize: chunk, Fingerprint: fp, Skipped: ps.Skipped}
	if old, err := ReadManifest(dir); err == nil && old.Fingerprint == fp && old.ChunkSize == chunk {
		man = old
		if man.Complete {
			return LoadFeatures(dir)
		}
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
		if a, err := ReadNPY(path); err == nil && man.Dim > 0 && len(a.Shape) == 2 && a.Shape[0] == to-from && a.Shape[1] == man.Dim {
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

// LoadFeatures reads a complete dataset folder.
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
	if len(a.Shape) != 2 || a.Shape[0] != man.N || a.Shape[1] != man.Dim {
		return nil, fmt.Errorf("%s: features.npy has shape %v, manifest says [%d, %d]", dir, a.Shape, man.N, man.Dim)
	}
	p, err := ReadNPY(filepath.Join(dir, "patches.npy"))
	if err != nil {
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
	ps := &PatchSet{Sources: man.Sources, Size: man.Size, Patches: idx, Data: p.Float64, Skipped: man.Skipped}
	return &Features{Manifest: man, Patches: ps, X: a.Float64, Mean: norm["mean"], Std: norm["std"]}, nil
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

func columnStats(x []float64, d int) (mean, std []float64) {
	n := len(x) / d
	mean = make([]float64, d)
	std = make([]float64, d)
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			mean[k] += x[i*d+k] / float64(n)
		}
	}
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			e := x[i*d+k] - mean[k]
			std[k] += e * e / float64(max(1, n-1))
		}
	}
	for k := range std {
		std[k] = math.Sqrt(std[k])
		if std[k] == 0 || math.IsNaN(std[k]) {
			std[k] = 1
		}
	}
	return mean, std
}

func fingerprint(spec stats.Spec, cfg PatchConfig, ps *PatchSet) string {
	h := sha256.New()
	b, _ := json.Marshal(struct {
		V    int
		Spec stats.Spec
		Cfg  PatchConfig
		Src  []string
	}{FeatureVersion, spec, cfg, ps.Sources})
	h.Write(b)
	buf := make([]byte, 8)
	for _, v := range ps.Data {
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
