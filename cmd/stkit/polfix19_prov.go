package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/atomicfile"
)

// statsProvenanceOut records the provenance p (newProvenance of the
// command's inputs) in what stats wrote: with format "json" the member
// "provenance" of out's "config" object (jsonConfigProvenance), with "npz"
// the member "provenance" of out, the record as a JSON text in a 0-d '<U'
// array (npzProvenance: numpy's json.loads(np.load(out)["provenance"].item())
// reads it), and in the PNG plot (when not "") iTXt text chunks
// "stkit provenance" (the same JSON) and "Software" (pngProvenance). A .npy
// has no room for it (nothing is added); an empty out or plot is skipped,
// and so is one that is not a regular file (a named pipe or device such as
// /dev/stdout, written in place: it cannot be read back and rewritten),
// or that names an open descriptor (atomicfile.FDPath). stats itself no
// longer calls it: its outputs carry the provenance in their one write
// (pipefix19_prov.go); stats --compare's small JSON and PNG still do.
func statsProvenanceOut(format, out, plot string, p *provenance) error {
	regular := func(path string) bool {
		if _, fd := atomicfile.FDPath(path); fd {
			return false // /dev/stdout >> log: written once, in place (pipefix19)
		}
		fi, err := os.Stat(path)
		return path != "" && err == nil && fi.Mode().IsRegular()
	}
	if !regular(plot) {
		plot = ""
	}
	if regular(out) {
		switch format {
		case "json":
			if err := jsonConfigProvenance(out, p); err != nil {
				return err
			}
		case "npz":
			if err := npzProvenance(out, p); err != nil {
				return err
			}
		}
	}
	if plot != "" {
		return pngProvenance(plot, p)
	}
	return nil
}

// jsonSetMember returns the JSON object obj with its member key set to
// val (a JSON value): in place when obj has it, else appended; the other
// members keep their order and bytes. The result is compact.
func jsonSetMember(obj []byte, key string, val []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	var buf bytes.Buffer
	buf.WriteByte('{')
	done, n := false, 0
	write := func(k string, raw []byte) {
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		kb, _ := json.Marshal(k)
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(raw)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if k == key {
			raw, done = val, true
		}
		write(k, raw)
	}
	if !done {
		write(key, val)
	}
	buf.WriteByte('}')
	var out bytes.Buffer
	if err := json.Compact(&out, buf.Bytes()); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// jsonConfigProvenance sets the member "provenance" of the "config"
// object of the JSON file path (stats -o x.json) to p, keeping every
// other member, and rewrites the file atomically, indented by one space
// as stats writes it.
func jsonConfigProvenance(path string, p *provenance) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	cfg, ok := top["config"]
	if !ok {
		cfg = json.RawMessage("{}")
	}
	pj, err := json.Marshal(p)
	if err != nil {
		return err
	}
	if cfg, err = jsonSetMember(cfg, "provenance", pj); err != nil {
		return fmt.Errorf("%s: config: %w", path, err)
	}
	all, err := jsonSetMember(b, "config", cfg)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, all, "", " "); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out.WriteByte('\n')
	return checkpoints.WriteFileAtomic(path, out.Bytes(), 0o644)
}

// npzProvenance adds to the .npz archive path the member "provenance"
// (provenance.npy): p as one JSON text, a 0-d '<U' array, replacing one
// already there. The other members are copied as they are (their
// compression kept) and the archive is replaced atomically.
func npzProvenance(path string, p *provenance) error {
	pj, err := json.Marshal(p)
	if err != nil {
		return err
	}
	npy, err := datasets.EncodeNPY(&datasets.Array{DType: datasets.StringDType, Shape: []int{}, Strings: []string{string(pj)}}, datasets.NPYOptions{})
	if err != nil {
		return err
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	zw := zip.NewWriter(tmp)
	for _, f := range zr.File {
		if f.Name == "provenance.npy" {
			continue
		}
		if err := zw.Copy(f); err != nil {
			tmp.Close()
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "provenance.npy", Method: zip.Store})
	if err == nil {
		_, err = w.Write(npy)
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil {
		_ = os.Chmod(tmp.Name(), fi.Mode().Perm())
	}
	return os.Rename(tmp.Name(), path)
}

// pngProvenanceKey is the keyword of the iTXt chunk pngProvenance writes.
const pngProvenanceKey = "stkit provenance"

// pngProvenance adds to the PNG file path, before its IEND chunk, two
// uncompressed iTXt text chunks: "Software" (versionLine's text) and
// "stkit provenance" (p as JSON), as image viewers and exiftool, PIL's
// Image.text and pngcheck -t show them; chunks of those keywords already
// there are replaced. The file is rewritten atomically.
func pngProvenance(path string, p *provenance) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := pngWithProvenance(b, p)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return checkpoints.WriteFileAtomic(path, out, 0o644)
}

// pngWithProvenance returns the PNG file b with pngProvenance's iTXt
// chunks "Software" and "stkit provenance" (p as JSON) before its IEND.
func pngWithProvenance(b []byte, p *provenance) ([]byte, error) {
	pj, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	chunks, err := pngChunks(b)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Write(b[:8])
	for _, c := range chunks {
		if c.typ == "iTXt" {
			if k, _, ok := bytes.Cut(c.data, []byte{0}); ok && (string(k) == pngProvenanceKey || string(k) == "Software") {
				continue
			}
		}
		if c.typ == "IEND" {
			writePNGChunk(&out, "iTXt", iTXt("Software", "stkit "+versionLine()))
			writePNGChunk(&out, "iTXt", iTXt(pngProvenanceKey, string(pj)))
		}
		writePNGChunk(&out, c.typ, c.data)
	}
	return out.Bytes(), nil
}

// pngChunk is one chunk of a PNG file.
type pngChunk struct {
	typ  string
	data []byte
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// pngChunks splits the PNG file b into its chunks, up to IEND, checking
// the signature and each chunk's length (not its CRC).
func pngChunks(b []byte) ([]pngChunk, error) {
	if !bytes.HasPrefix(b, pngSignature) {
		return nil, fmt.Errorf("not a PNG file")
	}
	var out []pngChunk
	for off := 8; ; {
		if off+12 > len(b) {
			return nil, fmt.Errorf("PNG without IEND chunk")
		}
		n := int(binary.BigEndian.Uint32(b[off:]))
		if n < 0 || off+12+n > len(b) {
			return nil, fmt.Errorf("PNG chunk at byte %d runs past the end", off)
		}
		c := pngChunk{typ: string(b[off+4 : off+8]), data: b[off+8 : off+8+n]}
		out = append(out, c)
		off += 12 + n
		if c.typ == "IEND" {
			return out, nil
		}
	}
}

// writePNGChunk writes one chunk (length, type, data, CRC-32 of type and data).
func writePNGChunk(w io.Writer, typ string, data []byte) {
	var l [4]byte
	binary.BigEndian.PutUint32(l[:], uint32(len(data)))
	w.Write(l[:])
	crc := crc32.NewIEEE()
	io.WriteString(crc, typ)
	crc.Write(data)
	io.WriteString(w, typ)
	w.Write(data)
	binary.BigEndian.PutUint32(l[:], crc.Sum32())
	w.Write(l[:])
}

// iTXt is the data of an uncompressed iTXt chunk: keyword, no language
// tag or translated keyword, UTF-8 text.
func iTXt(key, text string) []byte {
	return append([]byte(key+"\x00\x00\x00\x00\x00"), text...)
}
