package checkpoints

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/ml/context"
)

// A checkpoint of another format version (magic "STKCKPT2", or a header saying format 2) was
// reported as corrupt ("bad magic … or a newer format") or as a plain error, and Latest/Resume
// skipped it and resumed the older checkpoint behind it, so the newer run's progress was dropped
// and later saves pruned or overwrote it. Read now wraps ErrFormatVersion (not ErrCorrupt), naming
// the file's and this build's formats, and Latest/Resume stop at such a file, saying how to use the
// older checkpoints instead. Corrupt files are still skipped.
func TestOtherFormatVersionStopsFallback(t *testing.T) {
	dir := t.TempDir()
	m, _ := Open(dir, 5)
	if _, err := m.Save(testContext(1), State{Epoch: 1, Step: 10}, cfg{K: 2}, nil); err != nil {
		t.Fatal(err)
	}
	p2, err := m.Save(testContext(2), State{Epoch: 2, Step: 20}, cfg{K: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(p2)

	// The same checkpoint with header format 2 and a valid SHA-256.
	hlen := int(binary.LittleEndian.Uint64(good[len(magic):]))
	var h map[string]json.RawMessage
	if err := json.Unmarshal(good[16:16+hlen], &h); err != nil {
		t.Fatal(err)
	}
	h["format"] = json.RawMessage("2")
	hdr, _ := json.Marshal(h)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(hdr)))
	body := append(append(append([]byte(magic), n[:]...), hdr...), good[16+hlen:len(good)-sha256.Size]...)
	sum := sha256.Sum256(body)
	header2 := append(body, sum[:]...)

	// Magic "STKCKPT2" with the SHA-256 of its own bytes, as a file written in format 2 would have
	// (with the format-1 SHA-256 it is a damaged format-1 file: TestDamagedVersionDigitIsCorrupt).
	magic2 := append([]byte(nil), good[:len(good)-sha256.Size]...)
	magic2[7] = '2'
	sum2 := sha256.Sum256(magic2)
	magic2 = append(magic2, sum2[:]...)

	for name, c := range map[string]struct {
		data []byte
		want string
	}{
		"magic STKCKPT2":  {magic2, `the file is format 2 (magic "STKCKPT2"), this build of stkit reads format 1`},
		"header format 2": {header2, "its header says format 2, this build of stkit reads format 1"},
	} {
		if err := os.WriteFile(p2, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(p2)
		if !errors.Is(err, ErrFormatVersion) || errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p2) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Read: %v", name, err)
		}
		ck, skipped, err := m.Resume(context.New(), cfg{K: 2})
		if ck != nil || len(skipped) != 0 || !errors.Is(err, ErrFormatVersion) || !strings.Contains(err.Error(), "move this file out of it") {
			t.Errorf("%s: Resume returned %v (skipped %v), err %v; want the format error, no fallback to step 10", name, ck, skipped, err)
		}
	}

	// A corrupt newest file is still skipped; a bad magic that is no version is corrupt.
	bad := append([]byte(nil), good...)
	bad[7] = 'X'
	if err := os.WriteFile(p2, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(p2); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "(not a stkit checkpoint)") {
		t.Errorf("magic STKCKPTX: %v", err)
	}
	ck, skipped, err := m.Latest()
	if err != nil || ck.State.Step != 10 || len(skipped) != 1 {
		t.Errorf("corrupt newest: Latest gave %v, skipped %v, err %v; want step 10", ck, skipped, err)
	}
}
