// Package perf measures the statistics on the CPU engine (stlayer/cpu)
// against their FFT floor: the 2D FFTs a call computes, counted by the engine
// (cpu.Engine.FFTCount, in units of full complex transforms of each plane
// size), run alone on one worker. The floor is what the call would cost if it
// did nothing but its FFTs on one core; the ratio CPU time / floor says how
// much the rest (filter products, moduli, reductions, bookkeeping) adds. Each
// timed call is followed by a floor run, so that both see the same machine
// load. Wall times depend on the load and on the number of workers; CPU times
// (getrusage, all threads of the process) are reported alongside.
//
// Two floors are measured: with this package's FFTs (radix-2/4, mixed radix,
// AVX2 kernels where available: the strict one) and with gonum's
// dsp/fourier CmplxFFT, the "bare gonum FFT-count floor" the CPU-engine issue
// defines its ≤ 2× target against.
//
// Cases are the rows of `stkit bench` (WST Cheng J6 L4 and Kymatio J6 L8
// forward, scattering covariance J7 L4 isotropic synthesis loss+gradient, WPH
// J6 L4 forward and loss+gradient) and the scaling series (scattering
// covariance with J = log2 N − 2, L = 4, iso synthesis loss+gradient; WPH
// with J = log2 N − 2, L = 4, forward) over map sizes and batch sizes. The
// command stlayer/perf/scaling prints the tables.
package perf

import (
	"fmt"
	"io"
	"math"
	"math/bits"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// Case is one measured statistic: a Spec at a map size and batch size,
// evaluated forward only or as loss + gradient (quadratic loss against 1.01×
// its own coefficients at the input, so the gradient is not zero).
type Case struct {
	Name  string
	Spec  stats.Spec
	Grad  bool
	Size  int
	Batch int
}

// Label returns "name N² ×B fwd|loss+grad".
func (c Case) Label() string {
	mode := "fwd"
	if c.Grad {
		mode = "loss+grad"
	}
	return fmt.Sprintf("%s %d² ×%d %s", c.Name, c.Size, c.Batch, mode)
}

// BenchCases returns the rows of `stkit bench` on 256² maps, batch 1.
func BenchCases() []Case {
	return []Case{
		{Name: "wst Cheng J6 L4", Spec: stats.Spec{Kind: stats.WST, J: 6, L: 4}, Size: 256, Batch: 1},
		{Name: "wst Kymatio J6 L8", Spec: stats.Spec{Kind: stats.WST, J: 6, L: 8, Local: true}, Size: 256, Batch: 1},
		{Name: "scov J7 L4 iso", Spec: stats.Spec{Kind: stats.SCov, J: 7, L: 4, Iso: true, Synthesis: true}, Grad: true, Size: 256, Batch: 1},
		{Name: "wph J6 L4 dn0", Spec: stats.Spec{Kind: stats.WPH, J: 6, L: 4}, Size: 256, Batch: 1},
		{Name: "wph J6 L4 dn0", Spec: stats.Spec{Kind: stats.WPH, J: 6, L: 4}, Grad: true, Size: 256, Batch: 1},
	}
}

// ScalingCases returns the scattering covariance (J = log2 N − 2, L = 4, iso
// synthesis, loss + gradient) and WPH (J = log2 N − 2, L = 4, forward) cases
// for every map size with batch 1, and for the batch sizes at 256² (batch 1
// there only once, also when 256 is not among the sizes).
func ScalingCases(sizes, batches []int) []Case {
	var cs []Case
	add := func(n, b int) {
		J := bits.Len(uint(n)) - 1 - 2
		cs = append(cs,
			Case{Name: fmt.Sprintf("scov J%d L4 iso", J), Spec: stats.Spec{Kind: stats.SCov, J: J, L: 4, Iso: true, Synthesis: true}, Grad: true, Size: n, Batch: b},
			Case{Name: fmt.Sprintf("wph J%d L4", J), Spec: stats.Spec{Kind: stats.WPH, J: J, L: 4}, Size: n, Batch: b})
	}
	for _, n := range sizes {
		add(n, 1)
	}
	for _, b := range batches {
		if b != 1 || !slices.Contains(sizes, 256) {
			add(256, b)
		}
	}
	return cs
}

// Result is the measurement of one Case.
type Result struct {
	Case
	WallMin, WallMedian float64            // seconds per call
	CPUMin, CPUMedian   float64            // CPU seconds per call (all threads)
	FFTs                map[[2]int]float64 // FFTs per call by plane size (cpu.Engine.FFTCount)
	Floor               float64            // median CPU seconds of the call's FFTs alone on one worker (FloorRun, this package's FFTs)
	FloorRatio          float64            // median over repetitions of CPU seconds / floor
	GonumFloor          float64            // the same FFTs with gonum's dsp/fourier CmplxFFT (the "bare gonum FFT" floor)
	GonumRatio          float64            // median over repetitions of CPU seconds / GonumFloor
	Workers             int
}

// Maps returns b maps of size n: circular shifts of the reference dust map
// (../shared/reference/dust256.npy) at 256² when it is found, log-normal
// fields otherwise.
func Maps(b, n int) (*stlayer.Maps, error) {
	var base []float64
	if sh := bench.FindShared(); sh != "" && n == 256 {
		if m, err := datasets.ReadMaps(filepath.Join(sh, "reference", "dust256.npy")); err == nil {
			base = m.Data
		}
	}
	x := stlayer.NewMaps(b, n, n)
	for i := 0; i < b; i++ {
		if base != nil {
			for r := 0; r < n; r++ {
				for c := 0; c < n; c++ {
					x.Map(i)[r*n+c] = base[((r+17*i)%n)*n+(c+31*i)%n]
				}
			}
			continue
		}
		f, err := datasets.LogNormalField(n, n, -2.5, 0.8, uint64(i+1))
		if err != nil {
			return nil, err
		}
		copy(x.Map(i), f)
	}
	return x, nil
}

// cpuSeconds returns the process's user+system CPU time.
func cpuSeconds() float64 {
	return bench.CPUTime().Seconds()
}

// Prepared is a Case ready to run on an engine.
type Prepared struct {
	Case
	e    *cpu.Engine
	op   stats.Op
	x    *stlayer.Maps
	loss stlayer.LossFunc
}

// Prepare builds the operator (with its reference normalisation where the
// family has one), the maps and the loss, and runs the case once (warm-up).
func Prepare(e *cpu.Engine, c Case) (*Prepared, error) {
	x, err := Maps(c.Batch, c.Size)
	if err != nil {
		return nil, err
	}
	op, err := stats.BuildWithRef(c.Spec, e, x)
	if err != nil {
		return nil, err
	}
	p := &Prepared{Case: c, e: e, op: op, x: x}
	if c.Grad {
		y, err := e.Forward(op.Key(), op.Stat(), x)
		if err != nil {
			return nil, err
		}
		target := make([]complex128, len(y.Data))
		for i, v := range y.Data {
			target[i] = 1.01 * v
		}
		p.loss = func(out *stlayer.Coeffs) (float64, []complex128, error) {
			g := make([]complex128, len(out.Data))
			l := 0.0
			for i, v := range out.Data {
				d := v - target[i]
				l += real(d)*real(d) + imag(d)*imag(d)
				g[i] = 2 * d
			}
			return l, g, nil
		}
	}
	return p, p.Run()
}

// Run evaluates the case once.
func (p *Prepared) Run() error {
	if p.Grad {
		_, _, err := p.e.LossGrad(p.op.Key(), p.op.Stat(), p.x, p.loss)
		return err
	}
	_, err := p.e.Forward(p.op.Key(), p.op.Stat(), p.x)
	return err
}

// Measure prepares c on e, counts its FFTs over one call, then times reps
// calls (after a garbage collection each), each followed by a run of the
// floor: the same numbers of complex FFTs of each size on one worker
// (FloorRun), so that both see the same machine load; the ratio reported is
// the median of the per-repetition ratios. reps < 1 is an error (before any
// work).
func Measure(e *cpu.Engine, c Case, reps int) (*Result, error) {
	if reps < 1 {
		return nil, fmt.Errorf("perf: %s: %d timed repetitions (need at least 1)", c.Label(), reps)
	}
	p, err := Prepare(e, c)
	if err != nil {
		return nil, err
	}
	e.ResetFFTCount()
	if err := p.Run(); err != nil {
		return nil, err
	}
	r := &Result{Case: c, FFTs: e.FFTCount(), Workers: e.Workers()}
	floor := NewFloorRun(r.FFTs)
	floor.Run() // warm-up
	gfloor := NewFloorRun(r.FFTs)
	gfloor.e = cpu.New(cpu.WithWorkers(1), cpu.WithGonumFFT())
	gfloor.Run()
	wall, cpuT, fl, ratio := make([]float64, reps), make([]float64, reps), make([]float64, reps), make([]float64, reps)
	gfl, gratio := make([]float64, reps), make([]float64, reps)
	for i := range wall {
		runtime.GC()
		t0, c0 := time.Now(), cpuSeconds()
		if err := p.Run(); err != nil {
			return nil, err
		}
		wall[i], cpuT[i] = time.Since(t0).Seconds(), cpuSeconds()-c0
		fl[i] = floor.Run()
		ratio[i] = cpuT[i] / fl[i]
		gfl[i] = gfloor.Run()
		gratio[i] = cpuT[i] / gfl[i]
	}
	for _, v := range [][]float64{wall, cpuT, fl, ratio, gfl, gratio} {
		sort.Float64s(v)
	}
	m := lowMedianIndex(reps)
	r.WallMin, r.WallMedian = wall[0], wall[m]
	r.CPUMin, r.CPUMedian = cpuT[0], cpuT[m]
	r.Floor, r.FloorRatio = fl[m], ratio[m]
	r.GonumFloor, r.GonumRatio = gfl[m], gratio[m]
	return r, nil
}

// lowMedianIndex is the index of the median of n sorted values, the lower of
// the two middle ones for an even n (as internal/bench's Summarize): other
// work on the machine only adds time, so of two middle repetitions the
// faster is the closer to an idle machine's figure. It took the upper one,
// so 2 repetitions reported the slower.
func lowMedianIndex(n int) int { return (n - 1) / 2 }

// FloorRun computes, on one worker, the complex FFTs counted for a call: for
// each plane size, the counted number of transforms (fractional counts
// rounded to the nearest plane, at least one).
type FloorRun struct {
	e     *cpu.Engine
	sizes [][2]int
	n     []int
	buf   [][]complex128
}

// NewFloorRun prepares the buffers for the FFT counts fft (by plane size).
func NewFloorRun(fft map[[2]int]float64) *FloorRun {
	f := &FloorRun{e: cpu.New(cpu.WithWorkers(1))}
	for k, v := range fft {
		n := max(1, int(math.Round(v)))
		buf := make([]complex128, n*k[0]*k[1])
		for i := range buf {
			buf[i] = complex(math.Sin(float64(i)), math.Cos(float64(3*i)))
		}
		f.sizes, f.n, f.buf = append(f.sizes, k), append(f.n, n), append(f.buf, buf)
	}
	return f
}

// Run computes the FFTs once and returns the CPU seconds they took.
func (f *FloorRun) Run() float64 {
	c0 := cpuSeconds()
	for i, k := range f.sizes {
		f.e.FFT2InPlace(f.buf[i], f.n[i], k[0], k[1], i%2 == 1)
	}
	return cpuSeconds() - c0
}

// Print writes the results as a table: wall and CPU seconds per call and per
// map, the number of FFTs per call (all plane sizes), the floor and the ratios
// CPU/floor and wall/(floor/workers), and the gonum floor with CPU/gonum floor.
func Print(w io.Writer, rs []*Result) {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tsize\tB\twall min s\twall med s\tCPU med s\tCPU s/map\tFFTs\tfloor s\tCPU/floor\twall/(floor/w)\tgonum floor s\tCPU/gonum floor\t")
	for _, r := range rs {
		mode := "fwd"
		if r.Grad {
			mode = "loss+grad"
		}
		nf := 0.0
		for _, n := range r.FFTs {
			nf += n
		}
		fmt.Fprintf(tw, "%s %s\t%d²\t%d\t%.4f\t%.4f\t%.4f\t%.4f\t%.1f\t%.4f\t%.2f\t%.2f\t%.4f\t%.2f\t\n",
			r.Name, mode, r.Size, r.Batch, r.WallMin, r.WallMedian, r.CPUMedian, r.CPUMedian/float64(r.Batch),
			nf, r.Floor, r.FloorRatio, r.WallMedian/(r.Floor/float64(r.Workers)), r.GonumFloor, r.GonumRatio)
	}
	tw.Flush()
}

// PrintFFTs writes each case's FFT counts by plane size.
func PrintFFTs(w io.Writer, rs []*Result) {
	for _, r := range rs {
		var ks [][2]int
		for k := range r.FFTs {
			ks = append(ks, k)
		}
		sort.Slice(ks, func(i, j int) bool { return ks[i][0]*ks[i][1] > ks[j][0]*ks[j][1] })
		fmt.Fprintf(w, "%s:", r.Label())
		for _, k := range ks {
			fmt.Fprintf(w, " %dx%d×%.1f", k[0], k[1], r.FFTs[k])
		}
		fmt.Fprintln(w)
	}
}
