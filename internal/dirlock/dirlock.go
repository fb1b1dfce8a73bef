// Package dirlock keeps two stkit processes from writing one output at the
// same time: a lock file, created with O_CREATE|O_EXCL (which only one
// process can win), that records the holder's process id, host name and
// command line, and is removed when the write ends.
//
// A lock whose holder no longer runs (killed, power loss) is stale and taken
// over: a lock is stale when it was written on this host (same os.Hostname)
// by a process id that no longer exists, or when it holds no readable record
// and is older than a few seconds (a holder killed between creating the file
// and writing its record). Caveats: a lock written on another host sharing
// the folder (NFS, a cluster's shared disk) is never taken as stale, since
// its process cannot be seen from here, and a process id reused by an
// unrelated process makes a stale lock look held: the errors then say which
// file to remove by hand. O_EXCL is atomic on local file systems and on NFS
// v3 and later. Where the system cannot tell whether a process runs (neither
// Unix nor Windows) every lock of another process counts as held.
//
// The lock is advisory: it guards stkit's own writers (patches, train,
// export, .npz members), not other programs.
package dirlock

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Name is the lock file that Dir creates inside the folder it locks.
const Name = ".stkit.lock"

// FileName returns the name of the lock file that File uses for the file or
// folder path: ".<base>.lock" beside it (".arch.npz.lock" for arch.npz).
func FileName(path string) string {
	dir, base := filepath.Split(filepath.Clean(path))
	return filepath.Join(dir, "."+base+".lock")
}

// Holder is the record a lock file holds (JSON): who writes the target.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Started time.Time `json:"started"`
}

// ErrBusy is matched (errors.Is) by the *BusyError of a lock held by
// another process.
var ErrBusy = errors.New("dirlock: held by another process")

// BusyError is the refusal to lock Target because another process holds its
// lock file Path. Holder is that process's record; Unreadable says the file
// held no readable record (being written, or damaged). Waited is how long
// File waited before giving up (0 for Dir).
type BusyError struct {
	Target, Path string
	Holder       Holder
	Unreadable   bool
	Waited       time.Duration
}

// Error says who writes the target and what to do: "another stkit (pid N,
// `stkit train …`) is writing rc; wait for it or remove rc/.stkit.lock if
// no such process runs".
func (e *BusyError) Error() string {
	who := "another stkit"
	if e.Unreadable {
		who += " (its lock file holds no readable record yet)"
	} else {
		var parts []string
		p := fmt.Sprintf("pid %d", e.Holder.PID)
		if e.Holder.Host != "" && e.Holder.Host != hostname() {
			p += " on host " + e.Holder.Host
		}
		parts = append(parts, p)
		if e.Holder.Command != "" {
			parts = append(parts, "`"+e.Holder.Command+"`")
		}
		if !e.Holder.Started.IsZero() {
			parts = append(parts, "since "+e.Holder.Started.Local().Format("2006-01-02 15:04:05"))
		}
		who += " (" + strings.Join(parts, ", ") + ")"
	}
	verb := "is writing " + e.Target
	if e.Waited > 0 {
		verb = fmt.Sprintf("has been writing %s for over %s", e.Target, e.Waited.Round(time.Second))
	}
	return fmt.Sprintf("%s %s; wait for it or remove %s if no such process runs", who, verb, e.Path)
}

// Is makes the error match ErrBusy.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Lock is a held lock; Release frees it.
type Lock struct {
	path    string
	content []byte
	made    []string // folders Dir created, innermost first
}

// Path returns the lock file.
func (l *Lock) Path() string { return l.path }

// Made reports whether folders were created for the lock: by Dir, the
// folder it locks (it did not exist); by Beside, parents of its path.
func (l *Lock) Made() bool { return len(l.made) > 0 }

// Release removes the lock file, if it is still this lock's, and then the
// folders Dir or Beside created for it when they are empty (a command refused after
// locking leaves no empty output folder behind). Releasing twice, or a nil
// Lock, does nothing.
func (l *Lock) Release() error {
	if l == nil || l.path == "" {
		return nil
	}
	var err error
	if b, rerr := os.ReadFile(l.path); rerr == nil && string(b) == string(l.content) {
		if err = os.Remove(l.path); errors.Is(err, fs.ErrNotExist) {
			err = nil
		}
	}
	l.path = ""
	removeEmpty(l.made)
	l.made = nil
	return err
}

// Dir locks the folder dir for a writer: it creates dir (and its missing
// parents) when absent, then the lock file dir/.stkit.lock recording this
// process and command (the command line, for the other process's message).
// A lock held by another live process is refused at once with a
// *BusyError naming dir; a stale one (see the package doc) is taken over.
func Dir(dir, command string) (*Lock, error) {
	return lockMaking(dir, filepath.Join(dir, Name), dir, command)
}

// Beside locks the file or folder path through the lock file
// FileName(path) beside it (".md.lock" for md), creating path's missing
// parent folders (removed by Release when empty), and refuses at once a lock
// held by another live process (*BusyError naming path). It is the lock of
// an output that is built elsewhere and moved into place, such as the model
// folder of stkit export, where a lock file inside would be one of the
// folder's files.
func Beside(path, command string) (*Lock, error) {
	return lockMaking(filepath.Dir(filepath.Clean(path)), FileName(path), path, command)
}

// lockMaking creates the folder dir (and its missing parents), then the lock
// file path for target; the folders it made are removed again when the lock
// is refused, and by Release.
func lockMaking(dir, path, target, command string) (*Lock, error) {
	made, err := mkdirs(dir)
	if err != nil {
		return nil, err
	}
	l, err := acquire(path, target, command, 0)
	if err != nil {
		removeEmpty(made)
		return nil, err
	}
	l.made = made
	return l, nil
}

// removeEmpty removes the folders made (innermost first) while they are
// empty.
func removeEmpty(made []string) {
	for _, d := range made {
		if os.Remove(d) != nil {
			break // not empty: something was written into it
		}
	}
}

// File locks the file path (which need not exist; its folder must) through
// the lock file FileName(path) beside it, waiting up to wait for another
// process's lock to be released (polling); then it gives up with a
// *BusyError (Waited set). A stale lock is taken over at once. wait ≤ 0
// does not wait.
func File(path, command string, wait time.Duration) (*Lock, error) {
	return acquire(FileName(path), path, command, wait)
}

// staleRecordAge is the age beyond which a lock file without a readable
// record is stale: its holder writes the record right after creating it.
const staleRecordAge = 10 * time.Second

// acquire creates the lock file path for target (see Dir and File).
func acquire(path, target, command string, wait time.Duration) (*Lock, error) {
	h := Holder{PID: os.Getpid(), Host: hostname(), Command: command, Started: time.Now().UTC().Truncate(time.Second)}
	content, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	content = append(content, '\n')
	deadline := time.Now().Add(wait)
	pause := 10 * time.Millisecond
	for {
		err := create(path, content)
		if err == nil {
			return &Lock{path: path, content: content}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("locking %s: %w", target, err)
		}
		busy, seen := inspect(path, target)
		if busy == nil {
			// stale (or gone meanwhile): remove it, if it is still the one
			// judged stale, and try again
			if err := breakStale(path, seen); err != nil {
				return nil, fmt.Errorf("locking %s: removing the stale lock %s: %w", target, path, err)
			}
			continue
		}
		if !time.Now().Before(deadline) {
			if wait > 0 {
				busy.Waited = wait
			}
			return nil, busy
		}
		time.Sleep(pause)
		pause = min(2*pause, 250*time.Millisecond)
	}
}

// create makes the lock file path with the record content, failing with an
// error matching fs.ErrExist when it exists.
func create(path string, content []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(content)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// inspect reads the lock file path: a *BusyError when it is held, nil when
// it is stale or gone; seen is the content read (nil when gone).
func inspect(path, target string) (busy *BusyError, seen []byte) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	busy = &BusyError{Target: target, Path: path}
	var h Holder
	if err != nil || json.Unmarshal(b, &h) != nil || h.PID <= 0 {
		busy.Unreadable = true
		if st, serr := os.Stat(path); err == nil && serr == nil && time.Since(st.ModTime()) > staleRecordAge {
			return nil, b // its writer died before writing the record
		}
		return busy, b
	}
	busy.Holder = h
	if h.Host == hostname() && h.PID != os.Getpid() && !alive(h.PID) {
		return nil, b
	}
	return busy, b
}

// breakStale removes the stale lock file path whose content was seen. A
// marker file path+".break" (O_EXCL) keeps two processes from both taking
// over one stale lock, the second removing the fresh lock of the first: the
// lock is read again under the marker and removed only if unchanged. A
// marker older than staleRecordAge (its process killed in between) is
// removed.
func breakStale(path string, seen []byte) error {
	marker := path + ".break"
	f, err := os.OpenFile(marker, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return err
		}
		if st, serr := os.Stat(marker); serr == nil && time.Since(st.ModTime()) > staleRecordAge {
			os.Remove(marker)
		}
		time.Sleep(10 * time.Millisecond) // another process is taking it over
		return nil
	}
	f.Close()
	defer os.Remove(marker)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && string(b) != string(seen)) {
		return nil // gone, or replaced by a new holder: acquire looks again
	}
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// mkdirs creates dir and its missing parents and returns those it created,
// innermost first.
func mkdirs(dir string) ([]string, error) {
	var missing []string
	for p := filepath.Clean(dir); ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil || filepath.Dir(p) == p {
			break
		}
		missing = append(missing, p)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return missing, nil
}

// CommandLine returns this process's command line for a lock's record:
// the program's base name and its arguments, joined by spaces, an argument
// that is empty or holds a space or quote written in Go's quoted form
// ("stkit train ds -o rc").
func CommandLine() string { return Command(os.Args) }

// Command renders args (program first) as CommandLine does.
func Command(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if i == 0 {
			a = filepath.Base(a)
		}
		if a == "" || strings.ContainsAny(a, " \t\n\"'`") {
			a = strconv.Quote(a)
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// hostname is os.Hostname, "" when unknown.
func hostname() string {
	h, _ := os.Hostname()
	return h
}
