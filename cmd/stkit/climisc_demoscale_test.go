package main

import (
	"strings"
	"testing"
)

// TestDemoScaleUnknownMemory: where the available memory is unknown (no
// /proc/meminfo: avail 0) demo --size had no upper bound (the memory check
// passed everything); it keeps to --size ≤ 512 and maps and patches ≤ 4 GiB
// there, and with the memory known it compares the maps and patches with it
// as before.
func TestDemoScaleUnknownMemory(t *testing.T) {
	opts := func(size, patches int) demoOpts { return demoOpts{size: size, patches: patches} }
	// 3 processes × (23 maps of 1024² + 200 patches of 512²) × 8 bytes.
	if b := demoResultBytes(opts(512, 200)); b != 3*(23*1024*1024+200*512*512)*8 {
		t.Errorf("demoResultBytes(--size 512 --patches 200) = %g", b)
	}
	for _, c := range []struct {
		size, patches int
		avail         int64
		want          string // "" accepted
	}{
		{64, 200, 0, ""},
		{512, 200, 0, ""},
		{1024, 20, 0, "--size 1024: the memory available is unknown on this system (no /proc/meminfo), so the demo keeps to --size ≤ 512"},
		{1 << 20, 20, 0, "--size 1048576: the memory available is unknown"},
		// 3 × (1112 maps of 1024² + 10000 patches of 512²) × 8 bytes = 9.09e10 B = 84.7 GiB
		{512, 10000, 0, "--size 512 --patches 10000: the result alone needs 84.7 GiB of memory; the memory available is unknown on this system (no /proc/meminfo), so the demo keeps its maps and patches to 4.0 GiB"},
		{1024, 200, 1 << 30, "--size 1024 --patches 200: the result alone needs 6.8 GiB of memory and 1.0 GiB is available"},
		{1024, 200, 8 << 30, ""},
	} {
		err := demoScaleCheck(opts(c.size, c.patches), c.avail)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("--size %d --patches %d, available %d: %v", c.size, c.patches, c.avail, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("--size %d --patches %d, available %d: got %v, want %q", c.size, c.patches, c.avail, err, c.want)
		}
	}
}
