package wph

import (
	"sort"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// countPrim counts, per primitive, the calls and the output elements.
type countPrim struct {
	stlayer.Prim
	calls, elems map[string]int
}

func (c *countPrim) n(name string, f stlayer.Field) stlayer.Field {
	b, ch, h, w := f.Dims()
	c.calls[name]++
	c.elems[name] += b * ch * h * w
	return f
}
func (c *countPrim) FFT2(x stlayer.Field) stlayer.Field  { return c.n("FFT2", c.Prim.FFT2(x)) }
func (c *countPrim) IFFT2(x stlayer.Field) stlayer.Field { return c.n("IFFT2", c.Prim.IFFT2(x)) }
func (c *countPrim) MulConj(a, b stlayer.Field) stlayer.Field {
	return c.n("MulConj", c.Prim.MulConj(a, b))
}
func (c *countPrim) Modulus(x stlayer.Field) stlayer.Field { return c.n("Modulus", c.Prim.Modulus(x)) }
func (c *countPrim) PhaseHarmonic(x stlayer.Field, p int) stlayer.Field {
	return c.n("PhaseHarmonic", c.Prim.PhaseHarmonic(x, p))
}
func (c *countPrim) Mean(x stlayer.Field) stlayer.Field {
	b, ch, h, w := x.Dims()
	c.elems["Mean(in)"] += b * ch * h * w
	return c.n("Mean", c.Prim.Mean(x))
}
func (c *countPrim) Channels(x stlayer.Field, idx []int) stlayer.Field {
	return c.n("Channels", c.Prim.Channels(x, idx))
}
func (c *countPrim) Sub(a, b stlayer.Field) stlayer.Field { return c.n("Sub", c.Prim.Sub(a, b)) }
func (c *countPrim) PadFreq(x stlayer.Field, H, W int) stlayer.Field {
	return c.n("PadFreq", c.Prim.PadFreq(x, H, W))
}
func (c *countPrim) CropFreq(x stlayer.Field, h, w int) stlayer.Field {
	return c.n("CropFreq", c.Prim.CropFreq(x, h, w))
}
func (c *countPrim) MulFilters(x stlayer.Field, f *stlayer.FilterBank) stlayer.Field {
	return c.n("MulFilters", c.Prim.MulFilters(x, f))
}

// TestWorkCount counts the primitives of one exact forward pass (J=6, L=4,
// 256²): a deterministic guard on the amount of work (timings are in the
// benchmarks). PyWPH evaluates 60 full-size phase harmonics (Cphase) and one
// full-size FFT pair per covariance (372 + 9); the exact band-cropped
// evaluation keeps the 60 phase harmonics and needs < 50 full-size FFTs.
func TestWorkCount(t *testing.T) {
	x := testutil.Dust256(t)
	op := newOp(t, DefaultConfig(), 256, 256)
	cp := &countPrim{calls: map[string]int{}, elems: map[string]int{}}
	s := op.Stat()
	_, err := cpu.New().Forward(op.Key(), func(p stlayer.Prim, f stlayer.Field) stlayer.Field {
		// Count the last pass only: the cpu engine first runs the statistic
		// dry (shapes only) to plan its buffers, then computes it.
		cp.Prim, cp.calls, cp.elems = p, map[string]int{}, map[string]int{}
		return s(cp, f)
	}, x)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range cp.elems {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("%-14s calls %4d  elements %6.1f × 256²", k, cp.calls[k], float64(cp.elems[k])/65536)
	}
	const full = 65536
	if got := cp.elems["PhaseHarmonic"]; got != 60*full {
		t.Errorf("phase harmonics on %d elements, want 60 × 256²", got)
	}
	if got := cp.elems["FFT2"] + cp.elems["IFFT2"]; got >= 50*full {
		t.Errorf("FFTs on %.1f × 256² elements, want < 50", float64(got)/full)
	}
	if got := cp.elems["MulConj"]; got >= 135*full {
		t.Errorf("products on %.1f × 256² elements, want < 135", float64(got)/full)
	}
}
