package datasets

import (
	"fmt"
	"strings"
	"unicode"
)

// checkMemberName refuses the member name of a path "FILE.npz:NAME" (a
// read or a write) that would leave the archive's folder when extracted:
// "x.npz:../../evil" was written as the zip entry "../../evil.npy", which
// unzip extracts two folders up. Refused: a ".." component, an absolute
// name ("/x"), '\' (a folder separator on Windows: "C:\x", "..\x"), an
// empty or "." component ("a//b", "./x"), a control character, and an
// empty name (also "FILE.npz:.npy"; for a write: a read of "FILE.npz:"
// is one of the first member). Folders inside the archive stay allowed
// ("FILE.npz:dir/x", as numpy's np.savez writes them).
func checkMemberName(path, file, member string) error {
	name := strings.TrimSuffix(member, ".npy")
	if name == "" {
		return emptyMember(path, file)
	}
	bad := ""
	switch {
	case strings.HasPrefix(name, "/"):
		bad = "is an absolute path"
	case strings.Contains(name, `\`):
		bad = "holds '\\' (a folder separator on Windows)"
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		bad = "holds a control character"
	default:
		for _, c := range strings.Split(name, "/") {
			switch c {
			case "..":
				bad = "has a \"..\" component (it would be extracted outside the archive's folder)"
			case "", ".":
				bad = "has an empty or \".\" component"
			}
			if bad != "" {
				break
			}
		}
	}
	if bad != "" {
		return fmt.Errorf("datasets: %s: the .npz member name %q %s: give a plain name (e.g. %s:maps; folders inside the archive, dir/x, are allowed)", path, member, bad, file)
	}
	return nil
}
