package atomicfile

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Temporaries of callers that rename files into place themselves
// (partialsafe20): stkit surrogate -o a.npy,b.npy writes each output to a
// temporary file beside it, ".stkit-tmp-DIGITS-a.npy", and renames them all
// only when every one is complete. Killed by SIGTERM between the two, the
// complete 20 MB temporary of a.npy stayed for good: it was not among the
// writes under way (RemoveInProgress), and its random digits could not tell
// a later run that its writer was gone. CreateBeside's names carry the
// writer's process id as Write's do (tempPIDPrefix: ".stkit-tmp-044242NNN-
// a.npy" for process 4242), the file counts as in progress until Forget,
// and RemoveDeadBeside removes those of processes no longer running (with
// the ".BASE.tmpDIGITS" temporaries of Write inside them, left by a kill -9
// during the write).

// besideMark begins the name of CreateBeside's temporary files.
const besideMark = ".stkit-tmp-"

// CreateBeside creates an empty temporary file in final's folder whose
// name ends with final's base name (so that a writer choosing the format by
// the extension writes final's): ".stkit-tmp-" then this process's id
// (tempPIDPrefix) and random digits, "-" and the base name. The file is
// in progress (RemoveInProgress removes it, a signal's exit) until
// Forget.
func CreateBeside(final string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(final), besideMark+tempPIDPrefix(os.Getpid())+"*-"+filepath.Base(final))
	if err != nil {
		return "", err
	}
	name := f.Name()
	if cerr := f.Close(); cerr != nil {
		os.Remove(name)
		return "", cerr
	}
	live.Store(name, struct{}{})
	return name, nil
}

// Forget ends the in-progress state of a CreateBeside file (renamed into
// place, or removed).
func Forget(name string) { live.Delete(name) }

// BesideTarget reports whether name (without folder) is a temporary file
// of CreateBeside that names its writer, and returns the base name of the
// file it was to become and the writer's process id. Older names (random
// digits only) answer false.
func BesideTarget(name string) (base string, pid int, ok bool) {
	rest, found := strings.CutPrefix(name, besideMark)
	if !found {
		return "", 0, false
	}
	d, base, found := strings.Cut(rest, "-")
	if !found || base == "" || len(d) < 4 || d[0] != '0' || d[1] < '1' || d[1] > '9' {
		return "", 0, false
	}
	for _, c := range d {
		if c < '0' || c > '9' {
			return "", 0, false
		}
	}
	n := int(d[1] - '0')
	if len(d) < 2+n+1 || d[2] == '0' {
		return "", 0, false
	}
	pid, err := strconv.Atoi(d[2 : 2+n])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	return base, pid, true
}

// RemoveDeadBeside removes from dir the CreateBeside temporaries of the
// file base (BesideTarget) whose writer no longer runs on this host, and
// Write's temporaries of such a file (".<temporary>.tmpDIGITS"), when
// unmodified for DeadTempMinAge (as removeDeadTemps: a writer on another
// host sharing the folder), and returns their paths. Files of this
// process, of live processes, of older names, and on systems where a
// process cannot be told gone, are kept.
func RemoveDeadBeside(dir, base string) []string {
	if !canTellGone {
		return nil
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	me := os.Getpid()
	var removed []string
	for _, e := range ents {
		if !e.Type().IsRegular() {
			continue
		}
		name := e.Name()
		if t, ok := TempTarget(name); ok { // Write's temporary of a temporary
			name = t
		}
		b, pid, ok := BesideTarget(name)
		if !ok || b != base || pid == me || !processGone(pid) {
			continue
		}
		p := filepath.Join(dir, e.Name())
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
