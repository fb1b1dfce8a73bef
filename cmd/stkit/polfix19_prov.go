package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
)

// The provenance of stats (polfix19) goes into each output in its one
// write (pipefix19_prov.go; --compare's JSON and PNG: pipefix2): the JSON's
// config.provenance, the .npz member "provenance", and in a PNG the iTXt
// text chunks below. Nothing is read back and rewritten any more (the
// rewrite, statsProvenanceOut, let concurrent runs on one -o mix one run's
// content with another's provenance, and a failed second write left a file
// without it).

// pngProvenanceKey is the keyword of the iTXt chunk of the provenance
// (pngWithProvenance).
const pngProvenanceKey = "stkit provenance"

// pngWithProvenance returns the PNG file b with two uncompressed iTXt text
// chunks before its IEND: "Software" (versionLine's text) and "stkit
// provenance" (p as JSON), as image viewers and exiftool, PIL's Image.text
// and pngcheck -t show them; chunks of those keywords already in b are
// replaced.
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
