//go:build unix

package testutil

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFullDeviceFailsWithENOSPC pins FullDevice's doc: the device it returns
// fails writes with ENOSPC. It returned a mknod copy without trying it,
// which on a filesystem mounted nodev cannot even be opened (EACCES); a
// device is now checked by a trial write (/dev/null, which accepts writes,
// does not pass).
func TestFullDeviceFailsWithENOSPC(t *testing.T) {
	if failsWithENOSPC("/dev/null") {
		t.Errorf("/dev/null passes the ENOSPC check")
	}
	if failsWithENOSPC(filepath.Join(t.TempDir(), "missing")) {
		t.Errorf("a missing file passes the ENOSPC check")
	}
	dev := FullDevice(t, filepath.Join(t.TempDir(), "full"))
	if dev == "" {
		if _, err := os.Stat("/dev/full"); err == nil {
			t.Fatalf("FullDevice found no device although /dev/full exists")
		}
		return // no full device on this system: nothing more to check
	}
	f, err := os.OpenFile(dev, os.O_WRONLY, 0)
	if err != nil {
		t.Fatalf("FullDevice returned %s, which does not open: %v", dev, err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("abc")); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("write to %s: %v, want ENOSPC", dev, err)
	}
}
