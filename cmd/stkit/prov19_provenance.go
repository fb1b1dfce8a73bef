package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
)

// provenance is the record of how an output was made, written as the
// "provenance" member of every metrics.json, summary.json, run.json and
// manifest.json the CLI writes (in a report's metrics.json under
// "settings") and, shortened, as HISTORY cards of every FITS it writes
// (provenanceCards). It is built in one place, newProvenance.
//
// Stkit is the module version: "(devel)" for a binary built from a checkout
// (go build, go install of the checkout), a tag or pseudo-version for `go
// install …@version` or a build with VCS stamping. Revision is the git
// commit the binary was built from (the build's vcs.revision) and Modified
// whether the checkout had uncommitted changes (vcs.modified); without VCS
// stamping (`go build -buildvcs=false`, which .ci/run and this project's
// GOFLAGS set, go test, go run, a build outside a git checkout) Revision is
// revisionUnknown and Modified absent: build with `go build -buildvcs=true`
// to have the commit recorded. Argv is the command line (os.Args), Dir the
// working directory the relative paths in it are relative to.
type provenance struct {
	Stkit    string      `json:"stkit"`
	Revision string      `json:"revision"`
	Modified *bool       `json:"modified,omitempty"`
	VCSTime  string      `json:"vcs_time,omitempty"`
	Go       string      `json:"go"`
	Argv     []string    `json:"argv"`
	Dir      string      `json:"working_directory"`
	Time     string      `json:"time"`
	Inputs   []provInput `json:"inputs"`
}

// provInput is one input of a command. Given is the argument as written
// (perhaps relative, perhaps "x.npz:name" or "x.fits[1]"), Path the
// absolute path of the file or folder read (under STKIT_REPRODUCIBLE both
// are relative to the working directory when they lie below it,
// reproducibleInputs). For a file, Size is its size in
// bytes and SHA256 the SHA-256 of its bytes. For a folder (Kind "folder":
// a patch dataset, a training run, a model folder), NFiles counts its
// regular files, recursively, lock files (.stkit.lock, *.lock) and
// temporary files (".NAME.tmpDIGITS") left out, Size is their total size, SHA256 the SHA-256
// of the text of `sha256sum`'s output for them, "HEX  RELPATH\n" per file,
// sorted by RELPATH ('/' separated, byte order): so
//
//	cd FOLDER && find . -type f ! -name '*.lock' | sed 's#^\./##' |
//	  LC_ALL=C sort | xargs sha256sum | sha256sum
//
// reproduces it (names without spaces); and when there are at most
// provFolderFiles of them, Files lists each (Path relative to the folder).
// Error says why an input could not be read (then no checksum).
type provInput struct {
	Given  string     `json:"given,omitempty"`
	Path   string     `json:"path"`
	Kind   string     `json:"kind,omitempty"`
	Size   int64      `json:"size"`
	SHA256 string     `json:"sha256,omitempty"`
	NFiles int        `json:"n_files,omitempty"`
	Files  []provFile `json:"files,omitempty"`
	Error  string     `json:"error,omitempty"`
}

// provFile is one file of a folder input.
type provFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// provFolderFiles is the most files of a folder input listed one by one.
const provFolderFiles = 20

// revisionUnknown is provenance.Revision without VCS stamping.
const revisionUnknown = "unknown (built with -buildvcs=false)"

// provArgs returns the command line recorded (os.Args; tests replace it).
var provArgs = func() []string { return os.Args }

// buildVersion returns the module version, the commit (revisionUnknown
// without VCS stamping), whether the checkout was modified (nil when
// unknown) and the commit time ("" when unknown), from the build
// information. A module version "" or none is "(devel)".
func buildVersion() (ver, rev string, modified *bool, vcsTime string) {
	ver, rev = "(devel)", revisionUnknown
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	if bi.Main.Version != "" {
		ver = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if s.Value != "" {
				rev = s.Value
			}
		case "vcs.modified":
			m := s.Value == "true"
			modified = &m
		case "vcs.time":
			vcsTime = s.Value
		}
	}
	if rev == revisionUnknown {
		modified = nil
	}
	return
}

// versionLine is "VERSION, commit REV" (", modified" appended when the
// checkout had uncommitted changes): what stkit version prints and the
// FITS HISTORY records.
func versionLine() string {
	ver, rev, mod, _ := buildVersion()
	s := ver + ", commit " + rev
	if mod != nil && *mod {
		s += " (modified: uncommitted changes)"
	}
	return s
}

// newProvenance builds the provenance record of the running command, with
// the inputs named by inputs (paths as given on the command line; "" and
// "-" are skipped, duplicates kept once, "x.npz:name" and "x.fits[…]" are
// read as the file x.npz, x.fits, a comma-separated list that is no file
// as its files, and a word without '.' or '/' that is no file, such as
// separate's --start wiener, is no input). Each input is hashed (streamed)
// now; one that cannot be read is recorded with its error.
func newProvenance(inputs ...string) *provenance {
	ver, rev, mod, vt := buildVersion()
	wd, _ := os.Getwd()
	p := &provenance{Stkit: ver, Revision: rev, Modified: mod, VCSTime: vt,
		Go:   runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		Argv: append([]string(nil), provArgs()...), Dir: wd, Time: time.Now().UTC().Format(time.RFC3339),
		Inputs: []provInput{}}
	seen := map[string]bool{}
	var add func(in string)
	add = func(in string) {
		if in == "" || in == "-" || seen[in] {
			return
		}
		seen[in] = true
		if _, err := os.Stat(inputFile(in)); err != nil {
			if strings.Contains(in, ",") {
				// a comma-separated list of files (separate --noise a,b)
				for _, s := range strings.Split(in, ",") {
					add(s)
				}
				return
			}
			if !strings.ContainsAny(in, "./"+string(filepath.Separator)) {
				return // a keyword (separate --start wiener), not a file
			}
		}
		p.Inputs = append(p.Inputs, hashInput(in))
	}
	for _, in := range inputs {
		add(in)
	}
	return reproducibleProvenance(p) // SOURCE_DATE_EPOCH, STKIT_REPRODUCIBLE (pipefix19)
}

// inputFile returns the file or folder an input argument names: the
// argument itself when it exists, else without a FITS section or HDU
// "[…]" or an .npz member ":name".
func inputFile(given string) string {
	if _, err := os.Stat(given); err == nil {
		return given
	}
	if f := datasets.FilePart(given); f != given {
		if _, err := os.Stat(f); err == nil {
			return f
		}
	}
	s := given
	if i := strings.LastIndexByte(s, '['); i > 0 && strings.HasSuffix(s, "]") {
		s = s[:i]
		if _, err := os.Stat(s); err == nil {
			return s
		}
	}
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if _, err := os.Stat(s[:i]); err == nil {
			return s[:i]
		}
	}
	return given
}

// hashInput records one input (see provInput).
func hashInput(given string) provInput {
	path := inputFile(given)
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	in := provInput{Given: given, Path: abs}
	st, err := os.Stat(path)
	if err != nil {
		in.Error = err.Error()
		return in
	}
	if !st.IsDir() {
		in.Kind = "file"
		in.Size, in.SHA256, err = hashFile(path)
		if err != nil {
			in.Error = err.Error()
		}
		return in
	}
	in.Kind = "folder"
	var files []provFile
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || skipProvFile(d.Name()) {
			return nil
		}
		rel, err := filepath.Rel(path, p)
		if err != nil {
			return err
		}
		n, h, err := hashFile(p)
		if err != nil {
			return err
		}
		files = append(files, provFile{Path: filepath.ToSlash(rel), Size: n, SHA256: h})
		return nil
	})
	if err != nil {
		in.Error = err.Error()
		return in
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	sum := sha256.New()
	for _, f := range files {
		fmt.Fprintf(sum, "%s  %s\n", f.SHA256, f.Path)
		in.Size += f.Size
	}
	in.SHA256 = hex.EncodeToString(sum.Sum(nil))
	in.NFiles = len(files)
	if len(files) <= provFolderFiles {
		in.Files = files
	}
	return in
}

// skipProvFile tells the files of a folder input left out of its checksum:
// lock files, which come and go with the commands writing the folder, and
// the temporary files of atomic writes.
func skipProvFile(name string) bool {
	return strings.HasSuffix(name, ".lock") || strings.HasSuffix(name, ".break") || (strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp"))
}

// hashCache holds the digests computed by this process, by absolute path,
// size and modification time: a command recording its provenance in a
// report and in a FITS output hashes each input once.
var hashCache = struct {
	sync.Mutex
	m map[hashKey]string
}{m: map[hashKey]string{}}

type hashKey struct {
	path string
	size int64
	mod  time.Time
}

// hashFile streams a file through SHA-256: its size and hex digest.
func hashFile(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	var key hashKey
	if st, err := f.Stat(); err == nil {
		abs, _ := filepath.Abs(path)
		key = hashKey{abs, st.Size(), st.ModTime()}
		hashCache.Lock()
		h, ok := hashCache.m[key]
		hashCache.Unlock()
		if ok {
			return key.size, h, nil
		}
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return n, "", err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if key.path != "" && key.size == n {
		hashCache.Lock()
		hashCache.m[key] = sum
		hashCache.Unlock()
	}
	return n, sum, nil
}

// provFITS returns the cards of a FITS output with the provenance of the
// command (provenanceCards of newProvenance(inputs...)) and DATE and ORIGIN
// (creationCards, now) appended, any DATE or ORIGIN among cards (carried
// over from an input's header) left out.
func provFITS(cards []datasets.Card, inputs ...string) []datasets.Card {
	return provFITSOf(cards, newProvenance(inputs...))
}

// provFITSOf is provFITS with the provenance given.
func provFITSOf(cards []datasets.Card, p *provenance) []datasets.Card {
	out := make([]datasets.Card, 0, len(cards)+8)
	for _, c := range cards {
		if c.Key != "DATE" && c.Key != "ORIGIN" {
			out = append(out, c)
		}
	}
	out = append(out, p.provenanceCards()...)
	now := time.Now()
	if t, ok := sourceDateEpoch(); ok {
		now = t // pipefix19: reproducible FITS
	}
	return append(out, creationCards(now)...)
}

// commandLine is the command line as one string, each argument that is
// empty or holds characters other than letters, digits and -_./:=,+@%
// single-quoted as a POSIX shell reads it.
func (p *provenance) commandLine() string {
	var parts []string
	for _, a := range p.Argv {
		parts = append(parts, shellQuote(a))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// provHistoryWidth is the text of one HISTORY card (80 − "HISTORY ").
const provHistoryWidth = 72

// provenanceCards are the FITS HISTORY cards of the provenance: "stkit
// VERSION, commit REV", the Go version, the working directory and the
// command line ("cmd: …"), then per input "input NAME file, sha256:" (or
// "folder", its digest as provInput says) and the hex digest on the next
// card, each text wrapped to 72-character cards: at
// a space, which is dropped, or within a word longer than a card, which
// goes on at the start of the next card. Characters outside printable
// ASCII, which FITS headers cannot hold, become '?' (the JSON provenance
// keeps them).
func (p *provenance) provenanceCards() []datasets.Card {
	s := "stkit " + p.Stkit + ", commit " + p.Revision
	if p.Modified != nil && *p.Modified {
		s += " (modified: uncommitted changes)"
	}
	var out []datasets.Card
	add := func(text string) {
		for _, l := range wrapHistory(text, provHistoryWidth) {
			out = append(out, datasets.Card{Key: "HISTORY", Comment: l})
		}
	}
	add(s + "; " + p.Go)
	add("cwd: " + p.Dir)
	add("cmd: " + p.commandLine())
	for _, in := range p.Inputs {
		if in.SHA256 != "" {
			// the name, then the digest on a card of its own (a card
			// holds 72 characters, the digest 64)
			add("input " + filepath.Base(in.Path) + " " + in.Kind + ", sha256:")
			add(in.SHA256)
		}
	}
	return out
}

// wrapHistory wraps text into lines of at most width bytes (see
// provenanceCards), non-printable-ASCII characters replaced by '?'.
func wrapHistory(text string, width int) []string {
	text = strings.Map(func(r rune) rune {
		if r < 32 || r > 126 {
			return '?'
		}
		return r
	}, text)
	var out []string
	for len(text) > width {
		cut := strings.LastIndexByte(text[:width+1], ' ')
		if cut <= 0 {
			out = append(out, text[:width])
			text = text[width:]
			continue
		}
		out = append(out, strings.TrimRight(text[:cut], " "))
		text = text[cut+1:]
	}
	if text != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}

// addProvenanceJSON sets the member "provenance" of the JSON object in
// file path (a manifest.json written by a library package, which has no
// room for it) to p, keeping the other members and their order, and
// rewrites the file atomically, indented by two spaces. Under
// STKIT_REPRODUCIBLE without SOURCE_DATE_EPOCH a member "created" (stkit
// export's model manifest) is left out (reproducibleDropCreated); it is
// otherwise kept as written: under SOURCE_DATE_EPOCH stkit export has the
// library record its time (infer.ExportOptions.Created), so the rewrite
// of "created" this did then (fixd23) changed nothing (fixy24).
func addProvenanceJSON(path string, p *provenance) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%s: not a JSON object", path)
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		key, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if key == "provenance" {
			continue
		}
		if key == "created" && reproducibleDropCreated() {
			// fixd23: export's manifest kept the time it was written
			// under STKIT_REPRODUCIBLE
			continue
		}
		k, _ := json.Marshal(key)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(raw)
		buf.WriteByte(',')
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return err
	}
	buf.WriteString(`"provenance":`)
	buf.Write(pj)
	buf.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out.WriteByte('\n')
	return checkpoints.WriteFileAtomic(path, out.Bytes(), 0)
}

// addDatasetProvenance sets the provenance of the patch dataset dir
// (manifest.json, written by datasets.BuildFeatures, which has no member
// for it) to the running command's, with its sources as inputs: when the
// command computed features (computed > 0), or the manifest has none yet;
// a complete dataset reused as it was keeps the provenance of the command
// that made it. A failure is a warning on w: the dataset is written.
func addDatasetProvenance(w io.Writer, dir string, computed int, sources []string) {
	path := filepath.Join(dir, "manifest.json")
	if computed == 0 {
		var m struct {
			Prov json.RawMessage `json:"provenance"`
		}
		if b, err := os.ReadFile(path); err == nil && json.Unmarshal(b, &m) == nil && len(m.Prov) > 0 {
			return
		}
	}
	if err := addProvenanceJSON(path, newProvenance(sources...)); err != nil {
		fmt.Fprintf(w, "patches: warning: the dataset is written, but not its provenance: %v\n", err)
	}
}

// sourceNames returns the file names of srcs (datasets.LoadSources: a
// folder argument gives its files), as inputs of newProvenance or provFITS.
func sourceNames(srcs []datasets.Source) []string {
	out := make([]string, len(srcs))
	for i, s := range srcs {
		out[i] = s.Name
	}
	return out
}
