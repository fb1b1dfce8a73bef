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
	"syscall"
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

// PeakRSSMiB returns the peak resident set size of this process in MiB
// (getrusage ru_maxrss; Linux reports KiB).
func PeakRSSMiB() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Maxrss) / 1024
}

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

// Time runs f once as a warm-up (untimed, unless warm is false) then n times
// and returns the median duration in seconds. n outside [1, MaxReps] is an
// error (nothing is run).
func Time(n int, warm bool, f func() error) (float64, error) {
	med, _, err := TimeFirst(n, warm, f)
	return med, err
}

// TimeFirst is Time that also returns the warm-up call's seconds (0 without
// warm-up): on the graph engine that call builds and compiles the graph.
func TimeFirst(n int, warm bool, f func() error) (median, first float64, err error) {
	if n < 1 || n > MaxReps {
		return 0, 0, fmt.Errorf("bench: %d timed repetitions, want 1 to %d", n, MaxReps)
	}
	if warm {
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, 0, err
		}
		first = time.Since(t0).Seconds()
	}
	median, err = timeMedian(n, f)
	return median, first, err
}

func timeMedian(n int, f func() error) (float64, error) {
	d := make([]float64, n)
	for i := range d {
		runtime.GC()
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		d[i] = time.Since(t0).Seconds()
	}
	sort.Float64s(d)
	return d[n/2], nil
}

// Row is one line of a benchmark table.
type Row struct {
	Family, Config, Engine string
	Batch                  int
	Forward, ForwardBack   float64 // seconds per call (whole batch)
	// FirstForward, FirstFB: seconds of the first (untimed) call, which on
	// the graph engine includes building and compiling the graph.
	FirstForward, FirstFB float64
	PeakMiB               float64
	// PeerForward, PeerFB: the peer's seconds per map, 0 (left out of the
	// JSON) where no peer timing matches the row
	PeerForward float64 `json:",omitempty"`
	PeerFB      float64 `json:",omitempty"`
	PeerName    string  `json:",omitempty"`
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
const Legend = "ratio = our seconds per map / the peer's (timings.json): < 1 is faster than the peer, > 1 slower; — where no peer timing matches"

// Print writes rows as an aligned table with maps/s and ratios to the peers
// (ratio = ours/peer per map: < 1 means faster than the peer), and the
// Legend under it.
func Print(w io.Writer, rows []Row) {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	fmt.Fprintln(tw, "family\tconfig\tengine\tB\tmaps/s\ts/fwd\ts/fwd+bwd\tcompile s\tpeak MiB\tpeer\tratio fwd\tratio fwd+bwd")
	for _, r := range rows {
		ratio := func(ours, peer float64) string {
			if peer <= 0 || ours <= 0 {
				return "—"
			}
			return fmt.Sprintf("%.2f", ours/float64(r.Batch)/peer)
		}
		mps := 0.0
		if r.Forward > 0 {
			mps = float64(r.Batch) / r.Forward
		}
		fb := "—"
		if r.ForwardBack > 0 {
			fb = fmt.Sprintf("%.4f", r.ForwardBack)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.1f\t%.4f\t%s\t%s\t%.0f\t%s\t%s\t%s\n", r.Family, r.Config, r.Engine, r.Batch, mps, r.Forward, fb, compileSeconds(r), r.PeakMiB, r.PeerName, ratio(r.Forward, r.PeerForward), ratio(r.ForwardBack, r.PeerFB))
	}
	tw.Flush()
	fmt.Fprintln(w, Legend)
}
