package atomicfile

import (
	"io"
	"os"
	"testing"
)

// TestPipefix2TempPID: the temporary file of a write names the writer's
// process id (".t.json.tmp0" + len + pid + random digits) and TempPID
// reads it back; names of older stkit (os.CreateTemp's digits alone) and
// malformed ones give none, while TempTarget still takes every form.
func TestPipefix2TempPID(t *testing.T) {
	dir := t.TempDir()
	var seen string
	err := WriteFunc(dir+"/t.json", 0, func(w io.Writer) error {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			seen = e.Name()
		}
		_, err = w.Write([]byte("{}\n"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	me := os.Getpid()
	if pid, ok := TempPID(seen); !ok || pid != me {
		t.Fatalf("temporary %q: pid %d %v, want %d", seen, pid, ok, me)
	}
	if b, ok := TempTarget(seen); !ok || b != "t.json" {
		t.Fatalf("TempTarget(%q) = %q %v", seen, b, ok)
	}
	for name, want := range map[string]int{
		".t.json.tmp0442421234": 4242,
		".a.tmp.b.tmp0171":      7,
		".t.json.tmp3141592":    0, // os.CreateTemp's digits (older stkit)
		".t.json.tmp0":          0,
		".t.json.tmp044242":     0, // no random digits
		".t.json.tmp0404241":    0, // pid with a leading zero
		".t.json.tmp09123":      0, // fewer digits than said
		"t.json.tmp0442421":     0,
		".t.json.tmp04424x1":    0,
	} {
		pid, ok := TempPID(name)
		if ok != (want != 0) || pid != want {
			t.Errorf("TempPID(%q) = %d %v, want %d", name, pid, ok, want)
		}
	}
	if got := tempPIDPrefix(4242); got != "044242" {
		t.Errorf("tempPIDPrefix(4242) = %q", got)
	}
}
