// Package bench measures stkit's speed and memory and compares it with the
// peer libraries' timings measured on the same kind of machine
// (../shared/reference/timings.json).
package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// Peers holds the peer timings of timings.json (seconds, MiB).
type Peers struct {
	Machine string `json:"machine"`
	PyWPH   struct {
		Forward        float64 `json:"forward_s"`
		ForwardBack    float64 `json:"forward_backward_s"`
		PeakForward    float64 `json:"peak_rss_mib_forward"`
		PeakFwdBack    float64 `json:"peak_rss_mib_forward_backward"`
		SynthesisPerEv struct {
			SPerEval float64 `json:"s_per_eval"`
			Wall     float64 `json:"wall_s"`
		} `json:"synthesis"`
	} `json:"pywph"`
	Cheng struct {
		J6L4 struct {
			CoefForward float64 `json:"scattering_coef_forward_s"`
			CovForward  float64 `json:"scattering_cov_forward_s"`
			CovIsoGrad  float64 `json:"scattering_cov_iso_loss_grad_s"`
			CoefGrad    float64 `json:"scattering_coef_loss_grad_s"`
		} `json:"J6_L4"`
		J7L4 struct {
			CoefForward float64 `json:"scattering_coef_forward_s"`
			CovForward  float64 `json:"scattering_cov_forward_s"`
			CovIsoGrad  float64 `json:"scattering_cov_iso_loss_grad_s"`
			CoefGrad    float64 `json:"scattering_coef_loss_grad_s"`
		} `json:"J7_L4"`
		PeakForward float64 `json:"peak_rss_mib_forward"`
		PeakFwdBack float64 `json:"peak_rss_mib_forward_backward"`
		Synthesis   struct {
			SPerEval float64 `json:"s_per_eval"`
			Wall     float64 `json:"wall_s"`
		} `json:"synthesis"`
	} `json:"cheng_scattering"`
	Kymatio struct {
		Forward     float64 `json:"forward_s"`
		ForwardBack float64 `json:"forward_backward_s"`
		PeakForward float64 `json:"peak_rss_mib_forward"`
		PeakFwdBack float64 `json:"peak_rss_mib_forward_backward"`
	} `json:"kymatio"`
}

// FindShared looks for the shared/ folder beside the repository, walking up
// from the working directory. It returns "" if none is found.
func FindShared() string {
	if s := os.Getenv("STKIT_SHARED"); s != "" {
		return s
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		cand := filepath.Join(dir, "shared")
		if st, err := os.Stat(filepath.Join(cand, "reference")); err == nil && st.IsDir() {
			return cand
		}
		cand = filepath.Join(dir, "..", "shared")
		if st, err := os.Stat(filepath.Join(cand, "reference")); err == nil && st.IsDir() {
			return filepath.Clean(cand)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// LoadPeers reads timings.json.
func LoadPeers(path string) (*Peers, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p Peers
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// CPUTime returns the user + system CPU time this process has used
// (getrusage; 0 where the system has none, e.g. Windows). On a shared
// machine CPU time per operation is the steadier figure; wall time depends
// on the load.
func CPUTime() time.Duration { return cpuTime() }

// PeakRSSMiB returns the peak resident set size of this process in MiB
// (getrusage ru_maxrss, which Linux and the BSDs report in KiB and macOS in
// bytes; 0 where the system has no getrusage, e.g. Windows).
func PeakRSSMiB() float64 { return peakRSSMiB() }

// CurrentRSSMiB returns the current resident set size in MiB (Linux
// /proc/self/status VmRSS; 0 elsewhere).
func CurrentRSSMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}

// MaxReps bounds the timed repetitions of Time and TimeFirst (n): each one
// reruns the call, and one duration is kept per repetition (n = 10¹² made
// the timing allocate 8 TB and die with "fatal error: runtime: out of
// memory"); the median of 100 calls is already steady.
const MaxReps = 100

// NoisySpread is the ratio max/min of a figure's timed repetitions above
// which Print flags the row "timings noisy": repetitions of the same call
// differing by more than 50 % mean that other work took the cores (on an idle
// machine they agree within a few per cent).
const NoisySpread = 1.5

// Timing summarises the timed repetitions of one call, in seconds.
//
// Median is the lower median: the middle duration of the sorted repetitions,
// the lower of the two middle ones for an even count (so Median is the
// minimum for 2 repetitions). Other work on the machine only ever adds time,
// so the lower middle value is the nearer to the idle-machine figure; the
// upper one made "bench --reps 2" report the slower of its two repetitions
// (0.086 s for a forward whose repetitions take 0.0116 s on an idle machine).
type Timing struct {
	N                int     // repetitions timed
	Min, Median, Max float64 // seconds
}

// Spread is Max/Min, the factor between the slowest and the fastest
// repetition: 1 for one repetition, 0 when nothing was measured.
func (t Timing) Spread() float64 {
	if t.Min <= 0 {
		return 0
	}
	return t.Max / t.Min
}

// Summarize returns the Timing of the durations d (seconds; d is sorted in
// place). No durations give the zero Timing.
func Summarize(d []float64) Timing {
	if len(d) == 0 {
		return Timing{}
	}
	sort.Float64s(d)
	n := len(d)
	return Timing{N: n, Min: d[0], Median: d[(n-1)/2], Max: d[n-1]}
}

// Time runs f once as a warm-up (untimed, unless warm is false) then n times
// and returns the median duration in seconds (Timing.Median: the lower
// median). n outside [1, MaxReps] is an error (nothing is run).
func Time(n int, warm bool, f func() error) (float64, error) {
	med, _, err := TimeFirst(n, warm, f)
	return med, err
}

// TimeFirst is Time that also returns the warm-up call's seconds (0 without
// warm-up): on the graph engine that call builds and compiles the graph.
func TimeFirst(n int, warm bool, f func() error) (median, first float64, err error) {
	t, first, err := TimeStats(n, warm, f)
	return t.Median, first, err
}

// TimeStats is TimeFirst returning the Timing of the n repetitions (their
// minimum, median and maximum) in place of the median alone.
func TimeStats(n int, warm bool, f func() error) (t Timing, first float64, err error) {
	if n < 1 || n > MaxReps {
		return Timing{}, 0, fmt.Errorf("bench: %d timed repetitions, want 1 to %d", n, MaxReps)
	}
	if warm {
		t0 := time.Now()
		if err := f(); err != nil {
			return Timing{}, 0, err
		}
		first = time.Since(t0).Seconds()
	}
	d := make([]float64, n)
	for i := range d {
		runtime.GC()
		t0 := time.Now()
		if err := f(); err != nil {
			return Timing{}, 0, err
		}
		d[i] = time.Since(t0).Seconds()
	}
	return Summarize(d), first, nil
}

// Row is one line of a benchmark table.
type Row struct {
	Family, Config, Engine string
	Batch                  int
	// Forward, ForwardBack: median seconds per call (whole batch; the lower
	// median, see Timing)
	Forward, ForwardBack float64
	// FirstForward, FirstFB: seconds of the first (untimed) call, which on
	// the graph engine includes building and compiling the graph.
	FirstForward, FirstFB float64
	PeakMiB               float64
	// Reps: the timed repetitions behind each median. ForwardMin/Max,
	// FBMin/Max: the fastest and slowest of them (seconds per call, whole
	// batch); 0 (left out of the JSON) where not measured, as for the synth
	// row's ForwardBack, the mean of one synthesis' evaluations.
	Reps       int     `json:",omitempty"`
	ForwardMin float64 `json:",omitempty"`
	ForwardMax float64 `json:",omitempty"`
	FBMin      float64 `json:",omitempty"`
	FBMax      float64 `json:",omitempty"`
	// Noisy: the slowest repetition of the forward or of the
	// forward+backward took more than NoisySpread × the fastest (see Noisy)
	Noisy bool `json:",omitempty"`
	// PeerForward, PeerFB: the peer's seconds per map, 0 (left out of the
	// JSON) where no peer timing matches the row
	PeerForward float64 `json:",omitempty"`
	PeerFB      float64 `json:",omitempty"`
	PeerName    string  `json:",omitempty"`
}

// SetTimings fills the row's medians, ranges and Reps from the forward's and
// the forward+backward's Timings (fb.N == 0: no forward+backward spread) and
// sets Noisy.
func (r *Row) SetTimings(fwd, fb Timing) {
	r.Reps = fwd.N
	r.Forward, r.ForwardMin, r.ForwardMax = fwd.Median, fwd.Min, fwd.Max
	if fb.N > 0 {
		r.ForwardBack, r.FBMin, r.FBMax = fb.Median, fb.Min, fb.Max
	}
	r.Noisy = len(r.NoisyFigures()) > 0
}

// NoisyFigures names the row's figures whose repetitions spread by more than
// NoisySpread (max/min), with the factor: "s/fwd ×7.41".
func (r Row) NoisyFigures() []string {
	var out []string
	for _, f := range []struct {
		name     string
		min, max float64
	}{{"s/fwd", r.ForwardMin, r.ForwardMax}, {"s/fwd+bwd", r.FBMin, r.FBMax}} {
		if t := (Timing{Min: f.min, Max: f.max}); t.Spread() > NoisySpread {
			out = append(out, fmt.Sprintf("%s ×%.2f", f.name, t.Spread()))
		}
	}
	return out
}

// compileSeconds formats the first calls' excess over the medians (graph
// building and compilation on the graph engine; "—" when not measured).
func compileSeconds(r Row) string {
	if r.FirstForward <= 0 {
		return "—"
	}
	c := max(r.FirstForward-r.Forward, 0)
	if r.FirstFB > 0 {
		c += max(r.FirstFB-r.ForwardBack, 0)
	}
	return fmt.Sprintf("%.1f", c)
}

// Legend is the line Print writes under the table.
const Legend = "ratio = our median seconds per map / the peer's (timings.json: medians of 5 runs on an idle machine): < 1 is faster than the peer, > 1 slower; — where no peer timing matches"

// NoisyAdvice ends the line Print writes under the table for noisy rows.
const NoisyAdvice = "rerun with more --reps on an idle machine"

// Print writes rows as an aligned table with maps/s and ratios to the peers
// (ratio = ours/peer per map, on the medians: < 1 means faster than the
// peer), the range (fastest–slowest repetition) of each timed figure, and
// the Legend under it; then, where a row's repetitions spread by more than
// NoisySpread, a "timings noisy" line naming them, and where rows were
// timed once, a line saying that they have no spread.
func Print(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "family\tconfig\tengine\tB\treps\tmaps/s\ts/fwd\tfwd range\ts/fwd+bwd\tfwd+bwd range\tcompile s\tpeak MiB\tpeer\tratio fwd\tratio fwd+bwd")
	var noisy []string
	once := 0
	for _, r := range rows {
		ratio := func(ours, peer float64) string {
			if peer <= 0 || ours <= 0 {
				return "—"
			}
			return fmt.Sprintf("%.2f", ours/float64(r.Batch)/peer)
		}
		span := func(lo, hi float64) string {
			if lo <= 0 {
				return "—"
			}
			return fmt.Sprintf("%.4f–%.4f", lo, hi)
		}
		mps := 0.0
		if r.Forward > 0 {
			mps = float64(r.Batch) / r.Forward
		}
		fb := "—"
		if r.ForwardBack > 0 {
			fb = fmt.Sprintf("%.4f", r.ForwardBack)
		}
		reps := "—"
		if r.Reps > 0 {
			reps = fmt.Sprint(r.Reps)
		}
		if r.Reps == 1 {
			once++
		}
		if f := r.NoisyFigures(); len(f) > 0 {
			noisy = append(noisy, fmt.Sprintf("%s/%s/%d %s", r.Family, r.Engine, r.Batch, strings.Join(f, ", ")))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%.1f\t%.4f\t%s\t%s\t%s\t%s\t%.0f\t%s\t%s\t%s\n", r.Family, r.Config, r.Engine, r.Batch, reps, mps, r.Forward, span(r.ForwardMin, r.ForwardMax), fb, span(r.FBMin, r.FBMax), compileSeconds(r), r.PeakMiB, r.PeerName, ratio(r.Forward, r.PeerForward), ratio(r.ForwardBack, r.PeerFB))
	}
	tw.Flush()
	fmt.Fprintln(w, Legend)
	if len(noisy) > 0 {
		fmt.Fprintf(w, "timings noisy (slowest/fastest repetition > %.1f): %s: %s\n", NoisySpread, strings.Join(noisy, "; "), NoisyAdvice)
	}
	if once > 0 {
		fmt.Fprintf(w, "%d of %d rows timed once (--reps 1): no spread to tell a noisy figure from a real one; give --reps 3 or more\n", once, len(rows))
	}
}

// maxRSSMiB converts getrusage's ru_maxrss on system goos to MiB: macOS
// (and iOS) report bytes, Linux and the BSDs KiB.
func maxRSSMiB(maxrss int64, goos string) float64 {
	if goos == "darwin" || goos == "ios" {
		return float64(maxrss) / (1 << 20)
	}
	return float64(maxrss) / 1024
}
