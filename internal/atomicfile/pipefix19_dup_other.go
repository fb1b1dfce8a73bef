//go:build !unix

package atomicfile

import "os"

// dupFile opens the file name (no descriptor duplication on this system).
func dupFile(fd int, name string) (*os.File, error) {
	switch fd {
	case 1, 2:
		return os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	}
	return os.OpenFile(name, os.O_WRONLY, 0)
}
