package main

import "strings"

// folderMapFile reports whether the file name, found in a folder given as
// a set of maps, is one of its maps: a map file (isMapFile) whose name
// does not start with '.'. Hidden files are skipped: macOS's "._x.npy"
// (resource forks on a foreign filesystem, empty or not a map), editors'
// and stkit's own temporary files (".x.npy.tmpNNN"). An empty
// mixd/.hidden.npy made stats mixd exit 2 (pipe's report).
func folderMapFile(name string) bool {
	return !strings.HasPrefix(name, ".") && isMapFile(name)
}
