package atomicfile

import (
	"os"
	"sort"
	"sync"
)

// live holds the temporary files of the writes under way in this process.
var live sync.Map

// RemoveInProgress removes the temporary files of the writes under way in
// this process (WriteFunc's ".BASE.tmpDIGITS", before their rename) and
// returns their paths, sorted. A command stopped by a signal (SIGTERM from
// a batch system, Ctrl-C) calls it before exiting, so that it leaves no
// partial file behind (stats -o t.json left a 75 MB .t.json.tmpNNN); the
// writes then fail (their rename finds no file) and the final names keep
// their earlier files, or none. The rename phases under way (BeginRenames)
// are undone first: the old files their links hold are put back before
// anything is removed (pairsig20).
func RemoveInProgress() []string {
	undoRenames()
	var out []string
	live.Range(func(k, _ any) bool {
		p := k.(string)
		if err := os.Remove(p); err == nil {
			out = append(out, p)
		}
		live.Delete(p)
		return true
	})
	sort.Strings(out)
	return out
}
