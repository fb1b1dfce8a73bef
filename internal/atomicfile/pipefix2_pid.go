package atomicfile

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The temporary file of a write names its writer (pipefix2): after a kill
// -9 its ".BASE.tmpDIGITS" stayed beside BASE for good, since
// os.CreateTemp's random digits cannot tell a live writer from a dead one.
// The digits now begin with "0", the number of digits of the writer's
// process id (1 to 9), that id, then os.CreateTemp's random digits: process
// 4242 writing t.json uses ".t.json.tmp044242" followed by random digits.
// The name is still all digits after ".tmp" (TempTarget, and the patterns
// of the dataset and model folders' stale files, match it); os.CreateTemp's
// digits alone never begin with "0" (but the single "0"), so older names
// are told apart (TempPID answers false for them).

// tempPIDPrefix is the part of a temporary file's digits naming the
// process pid: "0", len(pid) and pid.
func tempPIDPrefix(pid int) string {
	s := strconv.Itoa(pid)
	return "0" + strconv.Itoa(len(s)) + s
}

// TempPID returns the process id that a temporary file of Write and
// WriteFunc (name: TempTarget's ".BASE.tmpDIGITS") names, and false for a
// name that is not such a file or has none (written by stkit before the id
// was put in the name).
func TempPID(name string) (pid int, ok bool) {
	if _, ok := TempTarget(name); !ok {
		return 0, false
	}
	d := name[strings.LastIndex(name, tempMark)+len(tempMark):]
	if len(d) < 4 || d[0] != '0' || d[1] < '1' || d[1] > '9' {
		return 0, false
	}
	n := int(d[1] - '0')
	if len(d) < 2+n+1 || d[2] == '0' {
		return 0, false // no random digits left, or a pid with a leading zero
	}
	pid, err := strconv.Atoi(d[2 : 2+n])
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, true
}

// DeadTempMinAge is how long a temporary file of a process that no longer
// runs must have gone unmodified before a write of its target removes it
// (removeDeadTemps). A process id is only known on its own host: on a
// folder shared between hosts (NFS) a live writer on another host can have
// an id that runs nowhere here, and its file is written to as it goes.
const DeadTempMinAge = time.Minute

// deadTemps holds, per directory, the temporary files of processes no
// longer running that the first write of this process into the directory
// found, by target name (one reading of the directory per process, not
// one per write: a folder of many files is written file by file).
var deadTemps sync.Map // dir → *dirDeadTemps

type dirDeadTemps struct {
	once   sync.Once
	mu     sync.Mutex
	byBase map[string][]string
}

// removeDeadTemps removes from dir the temporary files of target base
// (".BASE.tmpDIGITS") that name a process no longer running on this host
// (processGone: Linux only, zombies counted gone; elsewhere nothing is
// removed) and are unmodified for DeadTempMinAge, and returns their paths.
// Temporaries of this process, of a live process or without a process id
// (older names) are kept; errors are ignored (a leftover is only clutter).
func removeDeadTemps(dir, base string) []string {
	if !canTellGone {
		return nil
	}
	v, _ := deadTemps.LoadOrStore(dir, &dirDeadTemps{})
	d := v.(*dirDeadTemps)
	d.once.Do(func() {
		d.byBase = map[string][]string{}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		me := os.Getpid()
		for _, e := range ents {
			b, ok := TempTarget(e.Name())
			if !ok || !e.Type().IsRegular() {
				continue
			}
			if pid, ok := TempPID(e.Name()); ok && pid != me && processGone(pid) {
				d.byBase[b] = append(d.byBase[b], e.Name())
			}
		}
	})
	d.mu.Lock()
	names := d.byBase[base]
	delete(d.byBase, base)
	d.mu.Unlock()
	var removed []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		st, err := os.Lstat(p)
		if err != nil || !st.Mode().IsRegular() || time.Since(st.ModTime()) <= DeadTempMinAge {
			continue
		}
		if os.Remove(p) == nil {
			removed = append(removed, p)
		}
	}
	return removed
}
