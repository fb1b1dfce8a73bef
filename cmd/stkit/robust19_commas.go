package main

import (
	"archive/zip"
	"os"
	"regexp"
	"strings"

	"github.com/stkit-org/stkit/datasets"
)

// fitsSelSuffix matches what datasets.FilePart strips from a FITS path:
// one or two bracketed groups, "[SCI]", "[2][1:480,1:480]" (not two names
// of a list, "[1:4,1:4],b.fits[2]").
var fitsSelSuffix = regexp.MustCompile(`^(\[[^\[\]]*\]){1,2}$`)

// maxNameBytes is the longest file or folder name (one path component) the
// file systems stkit runs on allow (NAME_MAX on Linux and macOS).
const maxNameBytes = 255

// commaPrefix returns how many of the comma-separated pieces parts (of a
// map list, mapList) form its first name: the most pieces whose comma-joined
// text, spaces around it dropped, names an existing file or folder
// (listNameExists), else 1. Only joins that can exist are
// tried: a join stops growing once a name in it is longer than maxNameBytes,
// or once a piece with a slash makes the text before that slash a folder
// that does not exist; a list of n names that hold no commas costs about n
// stats.
func commaPrefix(parts []string) int {
	best := 1
	joined := parts[0]
	tail := len(lastComponent(parts[0])) // the name being joined across commas
	for j := 1; j < len(parts); j++ {
		p := parts[j]
		first, _, slash := strings.Cut(p, "/")
		if tail+1+len(first) > maxNameBytes {
			break
		}
		joined += "," + p
		if slash {
			dir := strings.TrimSpace(joined[:strings.LastIndex(joined, "/")])
			if st, err := os.Stat(dir); err != nil || !st.IsDir() {
				break
			}
			tail = len(lastComponent(p))
		} else {
			tail += 1 + len(p)
		}
		if listNameExists(strings.TrimSpace(joined)) {
			best = j + 1
		}
	}
	return best
}

// lastComponent is what follows the last slash of p (p without one).
func lastComponent(p string) string {
	return p[strings.LastIndex(p, "/")+1:]
}

// listNameExists reports whether name, in a comma-separated list of map
// files, names an existing file or folder: for an .npz member "x.npz:m",
// x.npz exists and m holds no comma or is a member of it (m or m.npy). The
// whole "x.npz:maps,c.npy" passed as the member "maps,c" of x.npz (z.npz:
// npz: no member "maps,c", exit 2) because x.npz exists. A FITS file with
// an HDU or image section, "x.fits[SCI][1:480,1:480]", names x.fits (the
// section's commas are not a list's).
func listNameExists(name string) bool {
	file := datasets.FilePart(name)
	if _, err := os.Stat(file); err != nil {
		return false
	}
	if fitsSelSuffix.MatchString(name[len(file):]) {
		return true
	}
	member := strings.TrimPrefix(name[len(file):], ":")
	if !strings.Contains(member, ",") {
		return true
	}
	z, err := zip.OpenReader(file)
	if err != nil {
		return false
	}
	defer z.Close()
	for _, f := range z.File {
		if f.Name == member || f.Name == member+".npy" {
			return true
		}
	}
	return false
}
