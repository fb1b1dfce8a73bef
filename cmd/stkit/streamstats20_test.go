package main

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// streamstats20Maps writes b random 16×16 maps as one .npy batch in dir.
func streamstats20Maps(t *testing.T, dir string, b int) string {
	return streamstats20MapsN(t, dir, b, 16)
}

// streamstats20MapsN writes b random n×n maps as one .npy batch in dir.
func streamstats20MapsN(t *testing.T, dir string, b, n int) string {
	t.Helper()
	r := rand.New(rand.NewSource(int64(b)))
	a := &datasets.Array{DType: "float64", Shape: []int{b, n, n}, Float64: make([]float64, b*n*n)}
	for i := range a.Float64 {
		a.Float64[i] = r.NormFloat64()
	}
	p := filepath.Join(dir, "maps.npy")
	if err := datasets.WriteNPY(p, a); err != nil {
		t.Fatal(err)
	}
	return p
}

// streamstats20Peak is the largest live heap (runtime/metrics'
// /gc/heap/live:bytes, what the last collection found reachable; read
// every 0.5 ms) while f runs, above the live heap before it, with the
// collector at GOGC=20 so that it runs often. Live bytes, not the heap with
// its garbage: how far garbage runs ahead of a collection depends on how
// busy the machine's cores are (from 15 to 168 KB per map here).
func streamstats20Peak(f func()) uint64 {
	defer debug.SetGCPercent(debug.SetGCPercent(20))
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	read := func() uint64 {
		metrics.Read(live)
		return live[0].Value.Uint64()
	}
	runtime.GC()
	base := read()
	var peak atomic.Uint64
	sample := func() {
		if v := read(); v > peak.Load() {
			peak.Store(v)
		}
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			sample()
			select {
			case <-stop:
				return
			case <-time.After(500 * time.Microsecond):
			}
		}
	}()
	f()
	close(stop)
	<-done
	runtime.GC() // the collection at the end sees what f's results left
	sample()
	if peak.Load() < base {
		return 0
	}
	return peak.Load() - base
}

// stats -o X.json over a set held every JSON entry as a map and the whole
// text (2.5 MB per 64² map at scov J=4 L=4: 10,000 maps took 12 GB with
// the .npz's). Now the entries are written one at a time
// (writeJSONStreamed): what grows with the number of maps is the maps, read
// whole, and their coefficient vectors, which every output needs. The peak
// live heap's growth from 40 to 300 maps of 16² (scov J=2 L=4, K = 322
// coefficients) must stay under 4 × (16²·8 + K·16) bytes per map: the map
// and its coefficients (7.2 KB), with room for what a collection finds
// live while the run allocates (measured 9-18 KB). The old code grew by
// 353 KB per map here.
//
// -o X.npz held every map's dict arrays (0.9 MB per 64² map with their
// copies); now familyDictSpooled evaluates them a block of maps at a time
// (familySpoolBytes of dict, 28 maps of 16² at 1 MiB) into a temporary
// file: counted here as the maps of each familyDict call. (Its live heap,
// 10-42 KB per map against the old 67, varies too much with the machine's
// load to pin.)
func TestStreamstats20BoundedMemory(t *testing.T) {
	t.Setenv("STKIT_REPRODUCIBLE", "1")
	const K = 322 // scov J=2 L=4 (checked below from the run's message)
	perMap := 4 * (16*16*8 + K*16)
	statsTo := func(in, out string) {
		t.Helper()
		var so, se bytes.Buffer
		if rc := run([]string{"stats", in, "--chunk", "32", "-o", out}, &so, &se); rc != 0 {
			t.Fatalf("stats -o %s: exit %d: %s", out, rc, se.String())
		}
		if !bytes.Contains(se.Bytes(), []byte(" maps of 322 coefficients")) {
			t.Fatalf("K is not %d: %s", K, se.String())
		}
	}
	var peaks [2]uint64
	for i, b := range []int{40, 300} {
		dir := t.TempDir()
		in := streamstats20Maps(t, dir, b)
		peaks[i] = streamstats20Peak(func() { statsTo(in, filepath.Join(dir, "c.json")) })
	}
	slope := (float64(peaks[1]) - float64(peaks[0])) / 260
	t.Logf("json: peak live heap %d B at 40 maps, %d B at 300: %.0f B per map (bound %d)", peaks[0], peaks[1], slope, perMap)
	if slope > float64(perMap) {
		t.Errorf("-o c.json: the heap grows by %.0f bytes per map, want under %d", slope, perMap)
	}

	oldSpool, oldOf := familySpoolBytes, familyDictOf
	defer func() { familySpoolBytes, familyDictOf = oldSpool, oldOf }()
	familySpoolBytes = 1 << 20
	calls, most, total := 0, 0, 0
	familyDictOf = func(spec stats.Spec, op stats.Op, c *stlayer.Coeffs, eng stlayer.Engine, maps *stlayer.Maps) ([]datasets.NamedArray, error) {
		calls, most, total = calls+1, max(most, c.B), total+c.B
		return familyDict(spec, op, c, eng, maps)
	}
	dir := t.TempDir()
	statsTo(streamstats20Maps(t, dir, 300), filepath.Join(dir, "c.npz"))
	if total != 300 || most > 40 || calls < 8 {
		t.Errorf("-o c.npz: familyDict evaluated %d maps in %d calls, at most %d at once; want 300 in blocks of at most 40", total, calls, most)
	}
}

// The .npz written a block of maps at a time (familySpoolBytes tiny:
// blocks of one map, or of one engine chunk for scov --iso, 128 maps of 64²)
// has the bytes of one block of all the maps (the whole-batch familyDict
// that stats wrote before), for the families with a dict. Blocks of one map
// for scov --iso gave P00 etc. 1 ulp off (the engine's bits depend on its
// chunk), hence familyDictSpooled's alignment.
func TestStreamstats20SpoolBlocksSameBytes(t *testing.T) {
	t.Setenv("STKIT_REPRODUCIBLE", "1")
	old := familySpoolBytes
	defer func() { familySpoolBytes = old }()
	for _, tc := range []struct {
		b, n int
		args []string
	}{
		{7, 16, []string{"--kind", "scov"}},
		{7, 16, []string{"--kind", "wst"}},
		{7, 16, []string{"--kind", "wst", "--local", "-J", "2"}},
		{130, 64, []string{"--kind", "scov", "--iso", "-J", "2"}},
	} {
		dir := t.TempDir()
		in := streamstats20MapsN(t, dir, tc.b, tc.n)
		var got [2][]byte
		for i, size := range []int{1, 1 << 40} {
			familySpoolBytes = size
			out := filepath.Join(dir, "c.npz")
			var so, se bytes.Buffer
			if rc := run(append([]string{"stats", in, "-o", out}, tc.args...), &so, &se); rc != 0 {
				t.Fatalf("%v: exit %d: %s", tc.args, rc, se.String())
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			got[i] = b
		}
		if !bytes.Equal(got[0], got[1]) {
			t.Errorf("%v: blocks of one map give %d bytes that differ from one block's %d", tc.args, len(got[0]), len(got[1]))
		}
		if len(got[0]) < tc.b*1000 {
			t.Errorf("%v: only %d bytes", tc.args, len(got[0]))
		}
	}
}
