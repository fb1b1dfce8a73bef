package datasets

import (
	"fmt"
	"strings"
)

// CheckMapsFormat is CheckMapsPath for an output written with
// MapsWriteOptions.Format: format "" takes the format from path's extension
// (CheckMapsPath); "npy", "npz" or "fits" (also "fit", "fts") writes that
// format whatever the name (/dev/stdout, a named pipe, a name without an
// extension), but a name whose extension names another format (x.npy with
// "fits") is refused, as is an .npz member (x.npz:m) with another format.
func CheckMapsFormat(path, format string) error {
	_, _, _, err := mapsFormatKind(path, format)
	return err
}

// mapsFormatKind returns the file, npz member and format WriteMapsWith
// writes path in (CheckMapsFormat).
func mapsFormatKind(path, format string) (file, member string, kind fileKind, err error) {
	if format == "" {
		if err := CheckMapsPath(path); err != nil {
			return "", "", kindUnknown, err
		}
		file, member, kind = splitPath(path)
		return file, member, kind, nil
	}
	var want fileKind
	switch strings.ToLower(format) {
	case "npy":
		want = kindNPY
	case "npz":
		want = kindNPZ
	case "fits", "fit", "fts":
		want = kindFITS
	default:
		return "", "", kindUnknown, fmt.Errorf("datasets: %s: unknown format %q (want npy, npz or fits)", path, format)
	}
	file, member, kind = splitPath(path)
	switch {
	case kind == kindUnknown:
		if strings.HasSuffix(strings.ToLower(path), ".gz") {
			return "", "", kindUnknown, fmt.Errorf("datasets: %s: writing gzip-compressed files is not supported", path)
		}
		return path, "", want, nil
	case kind != want:
		return "", "", kindUnknown, fmt.Errorf("datasets: %s: the name says %s, the format asked for is %s: give one (drop the format, or name the file for it)", path, kindName(kind), strings.ToLower(format))
	}
	if err := CheckMapsPath(path); err != nil {
		return "", "", kindUnknown, err
	}
	return file, member, kind, nil
}

// kindName names a format for messages: "npy", "npz" or "fits".
func kindName(k fileKind) string {
	switch k {
	case kindNPY:
		return "npy"
	case kindNPZ:
		return "npz"
	case kindFITS:
		return "fits"
	}
	return "an unknown format"
}
