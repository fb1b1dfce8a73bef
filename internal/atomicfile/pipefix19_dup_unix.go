//go:build unix

package atomicfile

import (
	"os"
	"syscall"
)

// dupFile returns a new *os.File on a duplicate of descriptor fd.
func dupFile(fd int, name string) (*os.File, error) {
	d, err := syscall.Dup(fd)
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(d)
	return os.NewFile(uintptr(d), name), nil
}
