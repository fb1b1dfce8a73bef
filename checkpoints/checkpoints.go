// Package checkpoints saves and resumes training runs: every variable of a GoMLX context (model
// weights, optimiser moments, global step, the context RNG state), the loop state (epoch, step,
// seed) and two JSON documents — the run configuration, compared on resume, and free metadata
// (ST configuration, feature normalisation, dataset fingerprint…) so that inference needs nothing
// else.
//
// One checkpoint is one file, "ckpt-<step, 12 digits>.stkc", written atomically: the bytes go to a
// temporary file in the same directory, which is fsynced, closed and renamed over the final name,
// and the directory is fsynced; a crash leaves either the old set of checkpoints or the new one,
// never a half-written file under a checkpoint name. The last keep checkpoints (Open's argument) are
// kept. A save killed before it could clean up (SIGKILL, power loss) leaves its temporary file,
// ".ckpt-<step>.stkc.tmp<digits>"; Open and Save remove such files once they are older than
// StaleTempAge (see Open).
//
// File layout (version 1; integers little-endian):
//
//	magic "STKCKPT1" (8 bytes) | header length n (uint64) | header JSON (n bytes)
//	| payload (the raw little-endian bytes of every variable, concatenated in header order)
//	| SHA-256 of everything before it (32 bytes)
//
// The header JSON holds the format version, creation time, State, "config", "metadata" and one
// record per variable (scope, name, dtype name, dimensions, trainable flag, payload offset and
// length). GoMLX's own pkg/ml/context/checkpoints writes its two files with os.Create and no
// rename or fsync, so it is not used here.
package checkpoints

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// FormatVersion is the version written into every checkpoint header.
const FormatVersion = 1

const (
	magic    = "STKCKPT1"
	filePref = "ckpt-"
	fileSuff = ".stkc"
)

var fileRE = regexp.MustCompile(`^ckpt-(\d{12})\.stkc$`)

// DefaultExcludeScopes are the context scopes whose variables are not saved: GoMLX trainer
// bookkeeping and metric accumulators (whose scope names contain random UUIDs).
var DefaultExcludeScopes = []string{"/metrics", "/trainer"}

// ErrConfigMismatch is wrapped by the error returned when a checkpoint's configuration differs from
// the one the caller wants to resume with.
var ErrConfigMismatch = errors.New("checkpoint configuration differs")

// ErrCorrupt is wrapped by the errors returned for truncated or damaged checkpoint files.
var ErrCorrupt = errors.New("corrupt checkpoint")

// ErrNoCheckpoint is wrapped by the error Manager.Latest and Manager.Resume return when the directory
// holds no checkpoint (test with errors.Is; the error names the directory).
var ErrNoCheckpoint = errors.New("no checkpoint found")

// ErrFormatVersion is wrapped by the error returned for a checkpoint file of another format version
// than FormatVersion (written by another build of stkit): its magic is "STKCKPT" followed by
// another digit, or its header names another format. Such a file is intact, not corrupt, so
// Manager.Latest and Manager.Resume stop at it instead of falling back to an older checkpoint.
//
// A format-1 file whose version digit alone was damaged into another digit is told apart: its
// SHA-256 trailer matches its bytes with the magic "STKCKPT1" restored, which a file written in
// another format cannot do, so Read reports it as ErrCorrupt (and Latest skips it). A file damaged
// in the version digit and elsewhere cannot be told from another format and gives ErrFormatVersion.
var ErrFormatVersion = errors.New("unsupported checkpoint format version")

// State is the training-loop state stored with the variables.
type State struct {
	// Epoch is the number of completed epochs.
	Epoch int `json:"epoch"`
	// Step is the optimiser global step (number of parameter updates) at save time.
	Step int64 `json:"step"`
	// Seed is the run seed (data split and shuffling are functions of Seed and the epoch).
	Seed int64 `json:"seed"`
	// Extra holds any further loop state (e.g. early-stopping counters, best validation loss).
	Extra map[string]float64 `json:"extra,omitempty"`
}

type varRecord struct {
	Scope     string `json:"scope"`
	Name      string `json:"name"`
	DType     string `json:"dtype"`
	Dims      []int  `json:"dims"`
	Trainable bool   `json:"trainable"`
	Offset    int64  `json:"offset"`
	Length    int64  `json:"length"`
}

type header struct {
	Format    int             `json:"format"`
	Created   string          `json:"created"`
	State     State           `json:"state"`
	Config    json.RawMessage `json:"config"`
	Metadata  json.RawMessage `json:"metadata"`
	Variables []varRecord     `json:"variables"`
}

// Manager saves checkpoints into, and loads them from, one directory. Its methods may run
// concurrently (except ExcludeScopes, which must not run during a Save), and other processes may
// read the directory meanwhile (a command reading the latest checkpoint of a run being trained).
type Manager struct {
	dir     string
	keep    int
	exclude []string
}

// StaleTempAge is how old (by modification time) the temporary file of a checkpoint save must be
// before Open or Save removes it as the remainder of a killed save. A save in progress in another
// process writes its temporary file continuously (the checkpoint is built in memory first), so
// its modification time stays within seconds of the present; only a save stalled in its write or
// fsync for longer than this could lose its file, and it would then fail with an error, leaving
// the existing checkpoints as they were.
const StaleTempAge = 10 * time.Minute

// Open returns a Manager for dir (created with mode 0o755 if missing), keeping the last keep
// checkpoints (keep ≤ 0 keeps all). Variables under DefaultExcludeScopes are not saved.
//
// Temporary files of killed saves (".ckpt-<12 digits>.stkc.tmp<digits>", older than StaleTempAge)
// are removed from dir, best effort: a directory that cannot be written (a read-only copy opened to
// resume or export) is no error. No other file is touched, including the temporary files of other
// writers in the same directory.
func Open(dir string, keep int) (*Manager, error) {
	if dir == "" {
		return nil, errors.New("checkpoints: empty directory name")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("checkpoints: creating %s: %w", dir, err)
	}
	m := &Manager{dir: dir, keep: keep, exclude: normScopes(DefaultExcludeScopes)}
	m.removeStaleTemps()
	return m, nil
}

// removeStaleTemps removes the temporary files that killed saves left in the directory (see
// StaleTempAge), ignoring errors: they cost disk space, not correctness, since List never
// returns them.
func (m *Manager) removeStaleTemps() {
	_, _ = atomicfile.RemoveStale(m.dir, func(base string) bool { return fileRE.MatchString(base) }, StaleTempAge)
}

// usable refuses a nil Manager and one not made by Open (the zero Manager has no directory: Save
// wrote into the working directory, with no scopes excluded, and List failed).
func (m *Manager) usable(op string) error {
	switch {
	case m == nil:
		return fmt.Errorf("checkpoints: %s on a nil Manager", op)
	case m.dir == "":
		return fmt.Errorf("checkpoints: %s on a Manager without a directory (make it with checkpoints.Open)", op)
	}
	return nil
}

// Dir returns the checkpoint directory.
func (m *Manager) Dir() string { return m.dir }

// ExcludeScopes replaces the list of excluded scopes (absolute scope paths; a variable is excluded
// when its scope equals one of them or lies below it). Each is normalised as GoMLX writes scopes:
// trailing separators are removed ("/metrics/" is "/metrics"; it used to match nothing, since no
// scope ends in "/") and a missing leading one is added ("metrics" is "/metrics"); "/" is the root
// scope, below which every variable lies, so it excludes them all. An empty string is ignored (it
// used to exclude every variable, as every scope starts with "" + "/").
func (m *Manager) ExcludeScopes(scopes ...string) { m.exclude = normScopes(scopes) }

// normScopes normalises excluded scope paths (see ExcludeScopes).
func normScopes(scopes []string) []string {
	sep := context.ScopeSeparator
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if s == "" {
			continue
		}
		t := strings.TrimRight(s, sep)
		if !strings.HasPrefix(t, sep) {
			t = sep + t
		}
		out = append(out, t)
	}
	return out
}

func (m *Manager) excluded(scope string) bool {
	for _, s := range m.exclude {
		if s == context.RootScope || scope == s || strings.HasPrefix(scope, s+context.ScopeSeparator) {
			return true
		}
	}
	return false
}

// List returns the checkpoint file paths in the directory, oldest (lowest step) first.
func (m *Manager) List() ([]string, error) {
	if err := m.usable("List"); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return nil, fmt.Errorf("checkpoints: listing %s: %w", m.dir, err)
	}
	type item struct {
		step int64
		path string
	}
	var items []item
	for _, e := range entries {
		sm := fileRE.FindStringSubmatch(e.Name())
		if sm == nil || e.IsDir() {
			continue
		}
		st, _ := strconv.ParseInt(sm[1], 10, 64)
		items = append(items, item{st, filepath.Join(m.dir, e.Name())})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].step < items[j].step })
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.path
	}
	return out, nil
}

// canonicalJSON marshals v (or re-marshals raw JSON: a json.RawMessage or []byte holding exactly one
// JSON value, white space around it allowed) with sorted object keys.
func canonicalJSON(v any) (json.RawMessage, error) {
	var raw []byte
	switch t := v.(type) {
	case nil:
		return json.RawMessage("null"), nil
	case json.RawMessage:
		raw = t
	case []byte:
		raw = t
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		raw = b
	}
	var generic any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	// Decode reads one value: text after it (a second value, stray bytes) was dropped silently.
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("JSON text holds more than one value (data after offset %d)", dec.InputOffset())
	}
	return json.Marshal(generic)
}

// MaxStep is the largest State.Step a checkpoint can have: the file name holds it in 12 digits.
const MaxStep = 999_999_999_999

// Save writes a checkpoint of every (non-excluded) variable of ctx together with st, config and
// metadata (any JSON-marshalable values; a json.RawMessage or a []byte is taken as JSON text, which
// must hold exactly one JSON value; both are stored canonically, see Checkpoint) and prunes old files. It
// returns the path written. Saving twice at the same step replaces the earlier file. Temporary
// files of killed saves are removed as by Open.
//
// Refused, writing nothing: a nil Manager or ctx, a Manager not made by Open, a State.Step outside [0, MaxStep] (its file name
// would not be listed, so the checkpoint would be lost) and a NaN or infinite State.Extra value
// (named by its key; JSON cannot hold it), and a config or metadata that cannot be encoded (or
// JSON text that is invalid or holds more than one value: such text used to be cut after its first
// value).
func (m *Manager) Save(ctx *context.Context, st State, config, metadata any) (string, error) {
	if err := m.usable("Save"); err != nil {
		return "", err
	}
	if ctx == nil {
		return "", errors.New("checkpoints: Save of a nil context")
	}
	if st.Step < 0 || st.Step > MaxStep {
		return "", fmt.Errorf("checkpoints: step %d outside [0, %d] (the file name holds 12 digits)", st.Step, int64(MaxStep))
	}
	for _, k := range sortedKeys(st.Extra) {
		if v := st.Extra[k]; math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("checkpoints: State.Extra[%q] is %g; JSON cannot hold a non-finite value", k, v)
		}
	}
	cfgJSON, err := canonicalJSON(config)
	if err != nil {
		return "", fmt.Errorf("checkpoints: encoding config: %w", err)
	}
	metaJSON, err := canonicalJSON(metadata)
	if err != nil {
		return "", fmt.Errorf("checkpoints: encoding metadata: %w", err)
	}
	h := header{Format: FormatVersion, Created: time.Now().UTC().Format(time.RFC3339Nano), State: st,
		Config: cfgJSON, Metadata: metaJSON}
	var payload bytes.Buffer
	for v := range ctx.IterVariables() {
		if m.excluded(v.Scope()) {
			continue
		}
		t, err := v.Value()
		if err != nil {
			return "", fmt.Errorf("checkpoints: variable %s: %w", v.ScopeAndName(), err)
		}
		if t == nil {
			continue // not initialised yet
		}
		rec := varRecord{Scope: v.Scope(), Name: v.Name(), DType: t.DType().String(),
			Dims: append([]int{}, t.Shape().Dimensions...), Trainable: v.Trainable, Offset: int64(payload.Len())}
		// A variable of size 0 has no bytes (and ConstBytes panics on it).
		if t.Shape().Size() > 0 {
			if err := t.ConstBytes(func(b []byte) { payload.Write(b) }); err != nil {
				return "", fmt.Errorf("checkpoints: reading variable %s: %w", v.ScopeAndName(), err)
			}
		}
		rec.Length = int64(payload.Len()) - rec.Offset
		h.Variables = append(h.Variables, rec)
	}
	hdr, err := json.Marshal(h)
	if err != nil {
		return "", fmt.Errorf("checkpoints: encoding header: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(magic)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	buf.Write(n[:])
	buf.Write(hdr)
	buf.Write(payload.Bytes())
	sum := sha256.Sum256(buf.Bytes())
	buf.Write(sum[:])

	name := fmt.Sprintf("%s%012d%s", filePref, st.Step, fileSuff)
	final := filepath.Join(m.dir, name)
	if err := WriteFileAtomic(final, buf.Bytes(), 0o644); err != nil {
		return "", err
	}
	m.removeStaleTemps()
	if err := m.prune(final); err != nil {
		return final, err
	}
	return final, nil
}

func sortedKeys(m map[string]float64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// WriteFileAtomic writes data to path via a temporary file in the same directory: write, fsync,
// close, rename, then fsync the directory. A failed write (disk full, interruption) leaves the
// old file, or none, under path and removes the temporary file; errors name path. A symbolic
// link is followed (the file it names is replaced, the link kept). A path naming something other
// than a regular file or a directory (a device such as /dev/null or /dev/full, a named pipe) is
// written in place, since a rename would replace it (as root it would turn /dev/full into a plain
// file); its write errors, such as ENOSPC from /dev/full, are returned. A directory is refused.
// The file gets mode perm (0: the mode of the file it replaces, 0644 for a new one).
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	if err := atomicfile.Write(path, data, perm); err != nil {
		return fmt.Errorf("checkpoints: %w", err)
	}
	return nil
}

// prune removes the oldest (lowest-step) checkpoints until keep remain, never
// the file just saved: after a resume that fell back past corrupt newer files,
// those have higher steps than the new checkpoint, and pruning by step alone
// could remove it (and the checkpoint resumed from), leaving only the corrupt
// files.
func (m *Manager) prune(saved string) error {
	if m.keep <= 0 {
		return nil
	}
	list, err := m.List()
	if err != nil {
		return err
	}
	n := len(list)
	for _, p := range list {
		if n <= m.keep {
			break
		}
		if p == saved {
			continue
		}
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("checkpoints: removing old checkpoint %s: %w", p, err)
		}
		n--
	}
	return nil
}

// Checkpoint is a verified, fully read checkpoint file.
type Checkpoint struct {
	// Path is the file read.
	Path string
	// Format is the file format version.
	Format int
	// Created is the UTC creation time (RFC 3339).
	Created string
	// State is the saved loop state.
	State State
	// Config and Metadata are the saved JSON documents (canonical: sorted keys).
	Config, Metadata json.RawMessage

	vars    []varRecord
	payload []byte
}

// Read reads and verifies one checkpoint file. Truncated or damaged files give an error wrapping
// ErrCorrupt that names the file and the problem.
func Read(path string) (*Checkpoint, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoints: reading %s: %w", path, err)
	}
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("checkpoints: %s: %w: %s", path, ErrCorrupt, fmt.Sprintf(format, args...))
	}
	if len(data) < len(magic)+8+sha256.Size {
		return nil, corrupt("file is %d bytes, too short to be a checkpoint (truncated?)", len(data))
	}
	if string(data[:len(magic)]) != magic {
		if pre, v := magic[:len(magic)-1], data[len(magic)-1]; string(data[:len(pre)]) == pre && v >= '0' && v <= '9' {
			// A format-1 file whose version digit alone was damaged still carries the SHA-256 of
			// its bytes with magic "STKCKPT1"; a file written as another format does not (short of
			// a SHA-256 collision).
			if damagedVersionDigit(data) {
				return nil, corrupt("magic %q, but the file is otherwise an intact format-%d checkpoint (its SHA-256 matches with magic %q): the version digit is damaged",
					data[:len(magic)], FormatVersion, magic)
			}
			return nil, formatErr(path, fmt.Sprintf("the file is format %c (magic %q)", v, data[:len(magic)]))
		}
		return nil, corrupt("bad magic %q (not a stkit checkpoint)", data[:len(magic)])
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	hlen := binary.LittleEndian.Uint64(data[len(magic):])
	hstart := uint64(len(magic) + 8)
	if hlen > uint64(len(body))-hstart {
		return nil, corrupt("header length %d exceeds file size %d (truncated?)", hlen, len(data))
	}
	got := sha256.Sum256(body)
	if !bytes.Equal(got[:], sum) {
		return nil, corrupt("SHA-256 mismatch (truncated or modified file)")
	}
	var h header
	if err := json.Unmarshal(body[hstart:hstart+hlen], &h); err != nil {
		return nil, corrupt("header: %v", err)
	}
	if h.Format != FormatVersion {
		return nil, formatErr(path, fmt.Sprintf("its header says format %d", h.Format))
	}
	payload := body[hstart+hlen:]
	seen := make(map[[2]string]bool, len(h.Variables))
	for _, r := range h.Variables {
		// Restore creates missing variables under their absolute scope (GoMLX panics on another)
		// and would set a duplicate twice; Save writes neither.
		if !strings.HasPrefix(r.Scope, context.ScopeSeparator) || r.Name == "" {
			return nil, corrupt("variable %q in scope %q: the scope must be absolute and the name not empty", r.Name, r.Scope)
		}
		if seen[[2]string{r.Scope, r.Name}] {
			return nil, corrupt("variable %s/%s recorded twice", r.Scope, r.Name)
		}
		seen[[2]string{r.Scope, r.Name}] = true
		dt, ok := dtypes.MapOfNames[r.DType]
		esize, sized := dtypeSize(dt)
		if !ok || !sized {
			return nil, corrupt("variable %s/%s: unknown dtype %q", r.Scope, r.Name, r.DType)
		}
		size := int64(esize)
		for _, d := range r.Dims {
			// a negative or overflowing dimension would make a negative or
			// wrapped length pass the extent check below
			if d < 0 || (d > 0 && size > math.MaxInt64/int64(d)) {
				return nil, corrupt("variable %s/%s: bad dimensions %v", r.Scope, r.Name, r.Dims)
			}
			size *= int64(d)
		}
		if r.Offset < 0 || r.Length < 0 || r.Length != size || r.Offset > int64(len(payload))-r.Length {
			return nil, corrupt("variable %s/%s: bad extent offset=%d length=%d (payload %d bytes, expected length %d)",
				r.Scope, r.Name, r.Offset, r.Length, len(payload), size)
		}
	}
	return &Checkpoint{Path: path, Format: h.Format, Created: h.Created, State: h.State,
		Config: h.Config, Metadata: h.Metadata, vars: h.Variables, payload: payload}, nil
}

// damagedVersionDigit reports whether data, whose magic is "STKCKPT" and a digit other than
// FormatVersion's, has the SHA-256 trailer of the same bytes with the magic of this format: a
// format-1 checkpoint with one damaged byte, the version digit.
func damagedVersionDigit(data []byte) bool {
	h := sha256.New()
	h.Write([]byte(magic))
	h.Write(data[len(magic) : len(data)-sha256.Size])
	return bytes.Equal(h.Sum(nil), data[len(data)-sha256.Size:])
}

// formatErr is Read's error for a file of another format version; what says which.
func formatErr(path, what string) error {
	return fmt.Errorf("checkpoints: %s: %w: %s, this build of stkit reads format %d; read it with the stkit version that wrote it",
		path, ErrFormatVersion, what, FormatVersion)
}

// dtypeSize is dt.Size() for a dtype with a Go element type, ok false for the
// others (InvalidDType and names GoMLX lists but cannot hold), for which
// Size panics.
func dtypeSize(dt dtypes.DType) (n int, ok bool) {
	defer func() {
		if recover() != nil {
			n, ok = 0, false
		}
	}()
	n = dt.Size()
	return n, n > 0
}

// VariableNames returns "scope/name" of every saved variable, in file order.
func (c *Checkpoint) VariableNames() []string {
	out := make([]string, len(c.vars))
	for i, r := range c.vars {
		out[i] = context.JoinScope(r.Scope, r.Name)
	}
	return out
}

// Tensor returns a new tensor with the saved value of variable (scope, name; scope absolute, as
// VariableNames writes it), or nil when there is none or when its saved bytes cannot be converted
// into a tensor (Read checked their dtype and length, so this takes a failure of GoMLX's tensor
// allocation). ReadTensor returns the same tensor, or an error that says which of the two happened.
func (c *Checkpoint) Tensor(scope, name string) *tensors.Tensor {
	t, _ := c.ReadTensor(scope, name)
	return t
}

// ReadTensor returns a new tensor with the saved value of variable (scope, name), as Tensor does,
// or an error naming the checkpoint file and the variable: a nil Checkpoint, no such variable, or a
// saved value that could not be converted into a tensor (with the cause).
func (c *Checkpoint) ReadTensor(scope, name string) (*tensors.Tensor, error) {
	if c == nil {
		return nil, errors.New("checkpoints: ReadTensor of a nil checkpoint")
	}
	for _, r := range c.vars {
		if r.Scope == scope && r.Name == name {
			t, err := newTensor(c, r)
			if err != nil {
				return nil, fmt.Errorf("checkpoints: %s: converting the saved value of %s: %w", c.Path, context.JoinScope(scope, name), err)
			}
			return t, nil
		}
	}
	return nil, fmt.Errorf("checkpoints: %s holds no variable %s (see VariableNames)", c.Path, context.JoinScope(scope, name))
}

// newTensor converts the saved bytes of r into a new tensor (a variable for tests to inject a
// failure into Restore's conversion phase).
var newTensor = func(c *Checkpoint, r varRecord) (*tensors.Tensor, error) {
	dt := dtypes.MapOfNames[r.DType]
	t := tensors.FromShape(shapes.Make(dt, r.Dims...))
	if r.Length == 0 {
		return t, nil // size 0: no bytes (and MutableBytes panics on it)
	}
	if err := t.MutableBytes(func(b []byte) { copy(b, c.payload[r.Offset:r.Offset+r.Length]) }); err != nil {
		return nil, err
	}
	return t, nil
}

// Restore writes every saved variable into ctx: existing variables get the saved value (their
// shape and dtype must match) and the saved trainable flag, missing ones are created in their
// saved scope with the saved trainable flag. It is all or nothing: every shape is checked and every
// saved value converted to a tensor before any variable is written, and the writes themselves
// cannot fail (the replaced values are freed only after the last write, as Variable.SetValue frees
// them), so a checkpoint that does not fit the model, or a value that cannot be converted, is an
// error naming the variable and leaves ctx unchanged. A nil Checkpoint or ctx is an error.
func (c *Checkpoint) Restore(ctx *context.Context) error {
	if c == nil {
		return errors.New("checkpoints: Restore of a nil checkpoint")
	}
	if ctx == nil {
		return errors.New("checkpoints: Restore into a nil context")
	}
	root := ctx.Checked(false)
	type item struct {
		r varRecord
		v *context.Variable // nil: created
		t *tensors.Tensor
	}
	items := make([]item, 0, len(c.vars))
	fail := func(err error) error {
		for _, it := range items {
			_ = it.t.FinalizeAll()
		}
		return err
	}
	for _, r := range c.vars {
		v := root.GetVariableByScopeAndName(r.Scope, r.Name)
		if v != nil {
			want := shapes.Make(dtypes.MapOfNames[r.DType], r.Dims...)
			if !v.Shape().Equal(want) {
				return fail(fmt.Errorf("checkpoints: %s: variable %s has shape %s in the model but %s in the checkpoint; nothing restored",
					c.Path, context.JoinScope(r.Scope, r.Name), v.Shape(), want))
			}
		}
		t, err := newTensor(c, r)
		if err != nil {
			return fail(fmt.Errorf("checkpoints: %s: converting the saved value of %s: %w; nothing restored",
				c.Path, context.JoinScope(r.Scope, r.Name), err))
		}
		items = append(items, item{r, v, t})
	}
	var old []*tensors.Tensor
	for _, it := range items {
		if it.v == nil {
			root.InAbsPath(it.r.Scope).VariableWithValue(it.r.Name, it.t).SetTrainable(it.r.Trainable)
			continue
		}
		if it.v.HasValue() {
			if o, err := it.v.Value(); err == nil {
				old = append(old, o)
			}
		}
		// Fails only for a variable without a valid shape, which the shape check refused.
		_ = it.v.SetValuePreservingOld(it.t)
		it.v.SetTrainable(it.r.Trainable)
	}
	for _, o := range old {
		_ = o.FinalizeAll()
	}
	return nil
}

// DecodeConfig unmarshals the saved configuration into v.
func (c *Checkpoint) DecodeConfig(v any) error { return json.Unmarshal(c.Config, v) }

// DecodeMetadata unmarshals the saved metadata into v.
func (c *Checkpoint) DecodeMetadata(v any) error { return json.Unmarshal(c.Metadata, v) }

// CheckConfig compares the saved configuration with want (canonical JSON). On a difference it
// returns an error wrapping ErrConfigMismatch that lists every differing setting with both values,
// named by its dotted path: nested objects are descended into ("vae.k", not the whole "vae"), and a
// key present on one side only shows as "absent" on the other.
func (c *Checkpoint) CheckConfig(want any) error {
	w, err := canonicalJSON(want)
	if err != nil {
		return fmt.Errorf("checkpoints: encoding config: %w", err)
	}
	if bytes.Equal(w, c.Config) {
		return nil
	}
	return fmt.Errorf("checkpoints: %s: %w; refusing to resume a run with another configuration (%s)",
		c.Path, ErrConfigMismatch, describeDiff(c.Config, w))
}

func describeDiff(saved, want json.RawMessage) string {
	var a, b map[string]json.RawMessage
	if json.Unmarshal(saved, &a) != nil || json.Unmarshal(want, &b) != nil {
		return fmt.Sprintf("saved %s, requested %s", clip(string(saved)), clip(string(want)))
	}
	var parts []string
	diffObjects("", a, b, &parts)
	return strings.Join(parts, "; ")
}

// diffObjects appends one "path": saved X, requested Y entry per differing
// leaf of two JSON objects; nested objects are descended into, so that a
// changed setting is named by its dotted path ("vae.k") rather than by the
// whole sub-object.
func diffObjects(prefix string, a, b map[string]json.RawMessage, parts *[]string) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		if !bytes.Equal(a[k], b[k]) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		var sa, sb map[string]json.RawMessage
		if a[k] != nil && b[k] != nil && json.Unmarshal(a[k], &sa) == nil && json.Unmarshal(b[k], &sb) == nil && sa != nil && sb != nil {
			diffObjects(path, sa, sb, parts)
			continue
		}
		*parts = append(*parts, fmt.Sprintf("%q: saved %s, requested %s", path, clip(string(orNull(a[k]))), clip(string(orNull(b[k])))))
	}
}

func orNull(r json.RawMessage) json.RawMessage {
	if r == nil {
		return json.RawMessage("absent")
	}
	return r
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// Latest reads the newest readable checkpoint. Corrupt or unreadable files are skipped (newest
// first); their errors are returned in skipped so the caller can report them. With no checkpoint at
// all it returns ErrNoCheckpoint; when every file is corrupt it returns the newest file's error. A
// file that vanishes between the listing and its reading (pruned by a Save running meanwhile, in
// this process or another, after it wrote a newer file) makes Latest list the directory again, up
// to 5 listings in all.
//
// A file of another format version (ErrFormatVersion) stops the search with its error: it is an
// intact checkpoint of another stkit build, and resuming an older checkpoint past it would lose its
// progress (and later saves would prune or overwrite it). The error says to move the file out of
// the folder to use the older checkpoints.
func (m *Manager) Latest() (c *Checkpoint, skipped []error, err error) {
	if err := m.usable("Latest"); err != nil {
		return nil, nil, err
	}
	for attempt := 1; ; attempt++ {
		list, err := m.List()
		if err != nil {
			return nil, nil, err
		}
		if len(list) == 0 {
			return nil, nil, fmt.Errorf("checkpoints: %s: %w", m.dir, ErrNoCheckpoint)
		}
		if latestListed != nil {
			latestListed()
		}
		skipped = nil
		vanished := false
		for i := len(list) - 1; i >= 0; i-- {
			c, err := Read(list[i])
			if err == nil {
				return c, skipped, nil
			}
			if errors.Is(err, ErrFormatVersion) {
				return nil, skipped, fmt.Errorf("%w (or, to use the older checkpoints in %s, move this file out of it)", err, m.dir)
			}
			if errors.Is(err, fs.ErrNotExist) && attempt < latestAttempts {
				// Pruned since the listing by a concurrent Save, which wrote a newer file:
				// list again rather than fall back to older (maybe also pruned) files.
				vanished = true
				break
			}
			skipped = append(skipped, err)
		}
		if !vanished {
			return nil, skipped, fmt.Errorf("checkpoints: no readable checkpoint in %s: %w", m.dir, skipped[0])
		}
	}
}

// latestAttempts bounds how often Latest lists the directory again after a listed file vanished.
const latestAttempts = 5

// latestListed, when set (by tests), runs in Latest after each listing of the directory.
var latestListed func()

// Resume reads the newest readable checkpoint, refuses it if its configuration differs from want
// (ErrConfigMismatch, no fallback: an older checkpoint of another run is never used), and restores
// its variables into ctx. skipped lists corrupt newer files that were passed over; a newer file of
// another format version is an error (ErrFormatVersion, see Latest).
func (m *Manager) Resume(ctx *context.Context, want any) (c *Checkpoint, skipped []error, err error) {
	if ctx == nil {
		return nil, nil, errors.New("checkpoints: Resume into a nil context")
	}
	c, skipped, err = m.Latest()
	if err != nil {
		return nil, skipped, err
	}
	if err := c.CheckConfig(want); err != nil {
		return nil, skipped, err
	}
	if err := c.Restore(ctx); err != nil {
		return nil, skipped, err
	}
	return c, skipped, nil
}
