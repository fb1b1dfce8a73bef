package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/stkit-org/stkit/internal/atomicfile"
)

// jsonCoeffsTail is how json.MarshalIndent(doc, "", " ") ends a document
// whose last field "coefficients" is an empty array.
const jsonCoeffsTail = "\"coefficients\": []\n}"

// writeJSONStreamed writes to path the bytes of json.MarshalIndent(doc, "",
// " ") and a newline, doc's last field "coefficients" holding the n entries
// entry(0), …, entry(n−1), without holding them: doc is marshalled with an
// empty "coefficients" (non-nil, as []), then each entry is marshalled and
// indented on its own as MarshalIndent places it (two levels deep) and
// written out. The file is written atomically with mode 0644, as
// checkpoints.WriteFileAtomic writes it. stats -o X.json over 2000 maps of
// 64² (scov J=4 L=4) held every entry as a map and the whole text: 5.5 GB.
func writeJSONStreamed(path string, doc any, n int, entry func(i int) jsonCoeff) error {
	head, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return err
	}
	if !bytes.HasSuffix(head, []byte(jsonCoeffsTail)) {
		return fmt.Errorf("internal: the JSON document does not end with its coefficients")
	}
	var fillErr error
	err = atomicfile.WriteFunc(path, 0o644, func(w io.Writer) error {
		fillErr = writeJSONEntries(w, head, n, entry)
		return fillErr
	})
	if err != nil && err != fillErr {
		return fmt.Errorf("checkpoints: %w", err)
	}
	return err
}

// writeJSONEntries is writeJSONStreamed's text: head up to its empty
// coefficients array, the entries, the closing brackets.
func writeJSONEntries(w io.Writer, head []byte, n int, entry func(i int) jsonCoeff) error {
	if n == 0 {
		_, err := w.Write(append(head, '\n'))
		return err
	}
	open := len(head) - len(jsonCoeffsTail) + len("\"coefficients\": [")
	if _, err := w.Write(head[:open]); err != nil {
		return err
	}
	var ind bytes.Buffer
	for i := 0; i < n; i++ {
		b, err := json.Marshal(entry(i))
		if err != nil {
			return err
		}
		ind.Reset()
		if i > 0 {
			ind.WriteByte(',')
		}
		ind.WriteString("\n  ")
		if err := json.Indent(&ind, b, "  ", " "); err != nil {
			return err
		}
		if _, err := w.Write(ind.Bytes()); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n ]\n}\n")
	return err
}
