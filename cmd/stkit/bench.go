package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/internal/engine"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/perf"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func init() {
	register(&command{name: "bench", summary: "measure statistics speed and memory, as ratios to the peer libraries", run: runBench})
}

// benchCase is one row family of `stkit bench`.
type benchCase struct {
	name, config string
	spec         stats.Spec
	peer         string
	// peerFwd, peerFB: the peer's seconds per map for the row's forward and
	// forward+backward; nil where the peer has no matching timing (the
	// table's ratio reads "—", the JSON leaves the field out)
	peerFwd     func(*bench.Peers) float64
	peerFB      func(*bench.Peers) float64
	gradOfSynth bool // loss+gradient of the synthesis vector (else Σ|Φ|²)
	synthesis   bool // s/fwd+bwd is seconds per L-BFGS evaluation of a synthesis, loop included
}

// peerTimes returns the peer's forward and forward+backward seconds per map
// (0 where the row has no matching peer timing).
func (c *benchCase) peerTimes(p *bench.Peers) (fwd, fb float64) {
	if c.peerFwd != nil {
		fwd = c.peerFwd(p)
	}
	if c.peerFB != nil {
		fb = c.peerFB(p)
	}
	return fwd, fb
}

var benchCases = []benchCase{
	{name: "wst", config: "Cheng global J6 L4", spec: stats.Spec{Kind: stats.WST, J: 6, L: 4}, peer: "Cheng scattering_coef",
		peerFwd: func(p *bench.Peers) float64 { return p.Cheng.J6L4.CoefForward },
		peerFB:  func(p *bench.Peers) float64 { return p.Cheng.J6L4.CoefGrad }},
	{name: "wst-local", config: "Kymatio J6 L8", spec: stats.Spec{Kind: stats.WST, J: 6, L: 8, Local: true}, peer: "Kymatio",
		peerFwd: func(p *bench.Peers) float64 { return p.Kymatio.Forward },
		peerFB:  func(p *bench.Peers) float64 { return p.Kymatio.ForwardBack }},
	{name: "scov", config: "Cheng J7 L4 iso synthesis", spec: stats.Spec{Kind: stats.SCov, J: 7, L: 4, Iso: true, Synthesis: true}, peer: "Cheng scattering_cov",
		peerFwd: func(p *bench.Peers) float64 { return p.Cheng.J7L4.CovForward },
		peerFB:  func(p *bench.Peers) float64 { return p.Cheng.J7L4.CovIsoGrad }, gradOfSynth: true},
	{name: "wph", config: "PyWPH J6 L4 dn0", spec: stats.Spec{Kind: stats.WPH, J: 6, L: 4}, peer: "PyWPH",
		peerFwd: func(p *bench.Peers) float64 { return p.PyWPH.Forward },
		peerFB:  func(p *bench.Peers) float64 { return p.PyWPH.ForwardBack }},
	// Synthesis: s/fwd+bwd is the wall time per loss evaluation of a real
	// synthesis (quality preset, 10 L-BFGS iterations per map), optimiser loop
	// and power-spectrum term included; the peer is Cheng's synthesis
	// s/evaluation of timings.json. timings.json has no forward timing of
	// Cheng's synthesis, so the row has no forward ratio (its s/fwd is the
	// statistic's forward alone, which the scov row compares already).
	{name: "synth", config: "scov J7 L4 iso synthesis, quality preset, 10 its", spec: stats.Spec{Kind: stats.SCov, J: 7, L: 4, Iso: true, Synthesis: true}, peer: "Cheng synthesis",
		peerFB: func(p *bench.Peers) float64 { return p.Cheng.Synthesis.SPerEval }, synthesis: true},
}

func runBench(g *globals, args []string) error {
	fs := newFlagSet(g, "bench", "", `Measure, for each statistics family and engine, the speed and peak memory of
the statistics on --size maps (default 256×256: the dust map of
../shared/reference when found, else a synthetic log-normal field), and
compare them with the peer libraries' timings of
../shared/reference/timings.json. Each row runs in its own process so that
its peak memory is its own. Rows (--only):
  wst        Cheng scattering_coef J6 L4 (peer: Cheng)
  wst-local  Kymatio Scattering2D J6 L8 (peer: Kymatio)
  scov       scattering covariance J7 L4 iso synthesis vector (peer: Cheng)
  wph        PyWPH J6 L4 dn0 (peer: PyWPH)
  synth      a 10-iteration synthesis (scov J7 L4 iso, quality preset);
             s/fwd+bwd is the wall time per loss evaluation, optimiser loop
             and power-spectrum and histogram terms included (peer: Cheng's
             synthesis s/evaluation; no forward ratio)
Columns: reps = timed repetitions (--reps, after an untimed first call);
maps/s = B / s/fwd; s/fwd, s/fwd+bwd = median seconds of one call on
the whole batch of B maps (--batch): the forward, and the loss Σ|Φ|² (scov:
Σ|Φ − target|²) with its gradient; fwd range, fwd+bwd range = the fastest
and slowest repetition (synth's s/fwd+bwd is one synthesis' mean, no range).
The median is the lower median (for an even --reps, the lower of the two
middle repetitions: other work only adds time). A row whose slowest
repetition took more than 1.5× its fastest is named under the table
("timings noisy: … rerun with more --reps on an idle machine"): on an idle
machine the repetitions agree within a few per cent. compile s = the first calls' excess over
the medians (graph building and compilation); peak MiB = the row process's
peak RSS; ratio = our seconds per map (s ÷ B) ÷ the peer's seconds per map:
< 1 is faster than the peer, > 1 slower. The ratio is on our median
because the peers' figures are medians of 5 runs after a warm-up on an idle
machine (timings.json): the minimum would compare our luckiest run with their
typical one, and a noisy median is flagged rather than hidden. The ratios need timings.json (else a
note under the table says why they are empty) and --size 256.
Engines: --engines cpu,graph, or the global flag before the command
(stkit --engine graph bench); default cpu.
--json FILE writes the rows as a JSON array of objects with the fields
Family, Config, Engine, Batch, Forward and ForwardBack (median seconds per
call on the whole batch, as s/fwd and s/fwd+bwd), Reps, ForwardMin,
ForwardMax, FBMin and FBMax (the fastest and slowest repetitions, same
unit; left out where not measured), Noisy (true for a row named "timings
noisy"), FirstForward and FirstFB (seconds of the first, untimed calls,
compilation included), PeakMiB,
where a peer timing matches PeerName, PeerForward and PeerFB (the peer's
seconds per map; ratio = Forward / Batch / PeerForward), and LoadStart and
LoadEnd (the machine's 1, 5 and 15 minute load averages read just before
the row's process started and just after it ended; left out where
/proc/loadavg cannot be read).
The output starts with the load average at the start of the run ("load
average at the start: …") and gives it at the end, beside the start's, on
the machine line below the table ("this machine: …; load average … at the end, …
at the start"): a load that rose during the run slowed the rows run last.`)
	only := fs.String("only", "", "comma-separated families to run (wst, wst-local, scov, wph, synth); default all")
	engines := fs.String("engines", "", "comma-separated engines: cpu, graph (default: the global --engine when it names one, else cpu)")
	batches := fs.String("batch", "1", "comma-separated batch sizes")
	reps := fs.Int("reps", 3, fmt.Sprintf("timed repetitions (median reported), 1 to %d; their range is shown, so give 3 or more (5 on a shared machine)", bench.MaxReps))
	size := fs.Int("size", 256, "map size")
	jsonOut := fs.String("json", "", "also write the rows as JSON to this file")
	row := fs.String("row", "", "internal: run one row (family/engine/batch) and print it as JSON")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return badInputf("%s takes no arguments, got %q", "bench", pos)
	}
	if err := checkMin("reps", *reps, 1); err != nil {
		return err
	}
	// Each repetition reruns the forward and the forward+backward of every
	// row and batch; --reps 10¹² made each row process die with "fatal
	// error: runtime: out of memory" (one duration kept per repetition)
	// after its first calls.
	if *reps > bench.MaxReps {
		return badInputf("--reps %d: at most %d timed repetitions (each reruns the forward and the forward+backward of every row and batch; the median of %d calls is already steady)", *reps, bench.MaxReps, bench.MaxReps)
	}
	// `stkit --engine graph bench` benchmarks the engine it names (it used to
	// run the cpu rows only, silently).
	enginesSet := false
	fs.Visit(func(f *flag.Flag) { enginesSet = enginesSet || f.Name == "engines" })
	if !enginesSet {
		*engines = "cpu"
		if g.engine != "" && g.engine != "auto" {
			*engines = g.engine
		}
	}
	if err := checkMin("size", *size, 16); err != nil {
		return err
	}
	if *row != "" {
		return benchRow(g, *row, *reps, *size)
	}
	if *only != "" {
		for _, f := range strings.Split(*only, ",") {
			known := false
			for _, c := range benchCases {
				known = known || c.name == strings.TrimSpace(f)
			}
			if !known {
				return badInputf("--only: unknown family %q (want wst, wst-local, scov, wph or synth)", f)
			}
		}
	}
	for _, e := range strings.Split(*engines, ",") {
		if e := strings.TrimSpace(e); e != "cpu" && e != "graph" {
			// the engine came from the global flag: name that one
			if !enginesSet {
				return badInputf("--engine %q (global flag): unknown engine (want auto, cpu or graph)", e)
			}
			return badInputf("--engines: unknown engine %q (want cpu or graph)", e)
		}
	}
	for _, bs := range strings.Split(*batches, ",") {
		if b, err := strconv.Atoi(strings.TrimSpace(bs)); err != nil || b < 1 {
			return badInputf("--batch: bad batch size %q", bs)
		}
	}
	if err := checkOutput("--json", *jsonOut); err != nil {
		return err
	}
	// The rows read the shared reference files (timings.json here, the dust
	// map in the row processes): --json naming one of them replaced it with
	// the rows.
	var inputs []string
	if sh := bench.FindShared(); sh != "" {
		inputs = inputFiles(filepath.Join(sh, "reference"))
	}
	if err := checkOutputFile("--json "+*jsonOut, *jsonOut, inputs...); err != nil {
		return err
	}
	// A batch whose maps alone do not fit in memory crashed its row process
	// with the Go runtime's out-of-memory dump (exit 1); it is refused
	// before any row runs. The statistics' working memory comes on top.
	for _, bs := range strings.Split(*batches, ",") {
		b, _ := strconv.Atoi(strings.TrimSpace(bs))
		need := 8 * float64(b) * float64(*size) * float64(*size)
		if avail := memAvailable(); avail > 0 && need > float64(avail) {
			return badInputf("--batch %d --size %d: the maps alone need %s of memory and %s is available", b, *size, fmtBytes(need), fmtBytes(float64(avail)))
		}
	}
	// The rows' statistics have fixed J (6 or 7): a --size they do not fit
	// (odd, or below 128 for wst and scov) ran every row to fail one by one
	// (exit 1); it is refused here, naming the row.
	for _, c := range benchCases {
		if *only != "" && !contains(strings.Split(*only, ","), c.name) {
			continue
		}
		if _, err := stats.Build(c.spec, *size, *size); err != nil {
			return badInputf("--size %d: the %s row (%s) cannot run on %d×%d maps (%v): give an even --size of 128 or more (default 256), or leave the row out with --only", *size, c.name, c.config, *size, *size, err)
		}
	}
	peers, peerNote := benchPeers(*size)
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	// the load average before the first row, then after each row (the
	// next row's start): printed now, so that the end's can be compared
	startLoad := benchLoadAvg()
	load := startLoad
	if startLoad != "" {
		fmt.Fprintf(g.stdout, "load average at the start: %s\n", startLoad)
	}
	var rows []bench.Row
	var rowLoads [][2]string // each row's load average before and after it
	var failed []string
	for _, c := range benchCases {
		if *only != "" && !contains(strings.Split(*only, ","), c.name) {
			continue
		}
		for _, e := range strings.Split(*engines, ",") {
			for _, bs := range strings.Split(*batches, ",") {
				b, err := strconv.Atoi(strings.TrimSpace(bs))
				if err != nil || b < 1 {
					return badInputf("bad batch size %q", bs)
				}
				id := fmt.Sprintf("%s/%s/%d", c.name, strings.TrimSpace(e), b)
				fmt.Fprintf(g.stderr, "bench %s …\n", id)
				cmdArgs := []string{"--engine", strings.TrimSpace(e)}
				if g.backend != "" {
					cmdArgs = append(cmdArgs, "--backend", g.backend)
				}
				cmdArgs = append(cmdArgs, "bench", "--row", id, "--reps", strconv.Itoa(*reps), "--size", strconv.Itoa(*size))
				outb, err := benchExec(exe, cmdArgs, g.stderr)
				before := load
				load = benchLoadAvg()
				if err != nil {
					fmt.Fprintf(g.stderr, "bench: warning: %s failed: %v\n", id, err)
					failed = append(failed, id)
					continue
				}
				var r bench.Row
				if err := json.Unmarshal(outb, &r); err != nil {
					return fmt.Errorf("bench %s: %w", id, err)
				}
				r.Noisy = len(r.NoisyFigures()) > 0
				if peers != nil {
					r.PeerName = c.peer
					r.PeerForward, r.PeerFB = c.peerTimes(peers)
				}
				rows = append(rows, r)
				rowLoads = append(rowLoads, [2]string{before, load})
			}
		}
	}
	bench.Print(g.stdout, rows)
	// the engines the rows ran on (it used to name the cpu engine whatever
	// --engines said)
	var descs []string
	for _, e := range strings.Split(*engines, ",") {
		if ch, err := engine.New(strings.TrimSpace(e), g.backend); err == nil {
			descs = append(descs, ch.Description)
		}
	}
	if len(descs) > 0 {
		fmt.Fprintf(g.stdout, "\nthis machine: %d CPUs, %s", runtime.NumCPU(), strings.Join(descs, "; "))
		if load != "" {
			fmt.Fprintf(g.stdout, "; load average %s at the end", load)
			if startLoad != "" {
				fmt.Fprintf(g.stdout, ", %s at the start", startLoad)
			}
		}
		fmt.Fprintln(g.stdout)
	}
	if peers != nil {
		fmt.Fprintf(g.stdout, "peers: %s\n", peers.Machine)
	}
	if peerNote != "" {
		fmt.Fprintf(g.stdout, "peer timings: %s\n", peerNote)
	}
	if *jsonOut != "" {
		js := make([]benchJSONRow, len(rows))
		for i, r := range rows {
			js[i] = benchJSONRow{Row: r, LoadStart: loadFigures(rowLoads[i][0]), LoadEnd: loadFigures(rowLoads[i][1])}
		}
		b, _ := json.MarshalIndent(js, "", "  ")
		if err := checkpoints.WriteFileAtomic(*jsonOut, b, 0o644); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d bench rows failed: %s (their errors are above)", len(failed), len(failed)+len(rows), strings.Join(failed, ", "))
	}
	return nil
}

// benchJSONRow is a row of bench --json: the row's fields, and the load
// averages (1, 5, 15 minutes) before its process started and after it
// ended, left out where unknown.
type benchJSONRow struct {
	bench.Row
	LoadStart []float64 `json:",omitempty"`
	LoadEnd   []float64 `json:",omitempty"`
}

// benchLoadAvg returns the machine's 1, 5 and 15 minute load averages as
// /proc/loadavg words them ("0.52 0.40 0.33"), "" where it cannot be read
// (bench.LoadAvg, shared with stlayer/perf/scaling); tests replace it.
var benchLoadAvg = bench.LoadAvg

// loadFigures parses benchLoadAvg's words into numbers (nil for "" or a
// word that is not a number).
func loadFigures(s string) []float64 {
	f := strings.Fields(s)
	if len(f) == 0 {
		return nil
	}
	out := make([]float64, len(f))
	for i, w := range f {
		v, err := strconv.ParseFloat(w, 64)
		if err != nil {
			return nil
		}
		out[i] = v
	}
	return out
}

// benchPeers reads the peer timings (shared/reference/timings.json, found as
// bench.FindShared finds it). Without them — no shared folder on a user's
// machine, an unreadable file, or a --size other than the 256² the peers
// were timed on — it returns nil and a note saying why the peer and ratio
// columns are empty and what to do; bench runs all the same.
func benchPeers(size int) (*bench.Peers, string) {
	const empty = "the peer and ratio columns are empty"
	sh := bench.FindShared()
	if sh == "" {
		return nil, fmt.Sprintf("no shared/reference/timings.json found (no shared/ folder beside or above %s and $STKIT_SHARED is unset): %s; run stkit bench from the stkit checkout, whose ../shared/reference holds it, or set $STKIT_SHARED to that shared folder", cwd(), empty)
	}
	path := filepath.Join(sh, "reference", "timings.json")
	p, err := bench.LoadPeers(path)
	if err != nil {
		if u := errors.Unwrap(err); u != nil {
			err = u
		}
		return nil, fmt.Sprintf("cannot read %s (%v): %s; $STKIT_SHARED or a shared/ folder beside or above the working directory should hold reference/timings.json", path, err, empty)
	}
	if size != 256 {
		return nil, fmt.Sprintf("the peers were timed on 256×256 maps; with --size %d %s (leave --size at 256 for the ratios)", size, empty)
	}
	return p, ""
}

// benchExec runs one bench row in a child stkit process (exe with args) and
// returns its standard output; tests replace it.
var benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
	cmd := exec.Command(exe, args...)
	cmd.Stderr = stderr
	return cmd.Output()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.TrimSpace(v) == s {
			return true
		}
	}
	return false
}

func benchRow(g *globals, id string, reps, size int) error {
	parts := strings.Split(id, "/")
	if len(parts) != 3 {
		return badInputf("bad --row %q", id)
	}
	var c *benchCase
	for i := range benchCases {
		if benchCases[i].name == parts[0] {
			c = &benchCases[i]
		}
	}
	if c == nil {
		return badInputf("unknown family %q", parts[0])
	}
	b, err := strconv.Atoi(parts[2])
	if err != nil || b < 1 {
		return badInputf("bad --row %q: batch size %q (want an integer ≥ 1)", id, parts[2])
	}
	x, err := perf.Maps(b, size)
	if err != nil {
		return err
	}
	g.engine = parts[1]
	g.compileNoted = true // rows print their first-call seconds instead
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	op, err := stats.BuildWithRef(c.spec, ch.Engine, x)
	if err != nil {
		return err
	}
	fwd, fwd1, err := bench.TimeStats(reps, true, func() error {
		_, err := ch.Engine.Forward(op.Key(), op.Stat(), x)
		return err
	})
	if err != nil {
		return err
	}
	// progress on stderr, so that a row cut short still says how far it got
	fmt.Fprintf(g.stderr, "bench %s: forward first call %.2f s (graph build and compilation included), median %.4f s (%.4f–%.4f over %d)\n", id, fwd1, fwd.Median, fwd.Min, fwd.Max, fwd.N)
	if c.synthesis {
		return benchSynthRow(g, c, ch, op, x, fwd, fwd1)
	}
	var target []complex128
	if c.gradOfSynth {
		t, err := infer.NewTarget("bench", ch.Engine, op, x, infer.WeightMean)
		if err != nil {
			return err
		}
		// a slightly different target so the gradient is not zero
		target = t.Target
		for i := range target {
			target[i] *= 1.01
		}
	}
	fb, fb1, err := bench.TimeStats(reps, true, func() error {
		_, _, err := ch.Engine.LossGrad(op.Key(), op.Stat(), x, func(out *stlayer.Coeffs) (float64, []complex128, error) {
			gr := make([]complex128, len(out.Data))
			l := 0.0
			for i, v := range out.Data {
				d := v
				if target != nil {
					d = v - target[i%len(target)]
				}
				l += real(d)*real(d) + imag(d)*imag(d)
				gr[i] = 2 * d
			}
			return l, gr, nil
		})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stderr, "bench %s: forward+backward first call %.2f s, median %.4f s (%.4f–%.4f over %d)\n", id, fb1, fb.Median, fb.Min, fb.Max, fb.N)
	r := bench.Row{Family: c.name, Config: c.config, Engine: ch.Name, Batch: b,
		FirstForward: fwd1, FirstFB: fb1, PeakMiB: bench.PeakRSSMiB()}
	r.SetTimings(fwd, fb)
	return json.NewEncoder(g.stdout).Encode(r)
}

// benchSynthRow times a synthesis of the first bench map (quality preset, 10
// iterations, b maps, synthesised one after the other: independent
// optimisers): ForwardBack is the wall seconds of one loss evaluation of
// each of the b maps, optimiser loop included (Result.Elapsed /
// Result.Evals × b, Evals counting the single-map evaluations of all b
// runs), i.e. seconds per call on the whole batch as in the other rows, so
// that the table's per-map ratio (÷ b) compares with the peer's
// s/evaluation of one map. A
// 1-iteration warm-up builds the graphs first (on XLA: compiles them); its
// wall seconds are FirstFB, so the compile column over-counts by about two
// evaluations.
func benchSynthRow(g *globals, c *benchCase, ch *engine.Choice, op stats.Op, x *stlayer.Maps, fwd bench.Timing, fwd1 float64) error {
	cfg, err := infer.Preset(infer.PresetQuality, x.B, 1)
	if err != nil {
		return err
	}
	cfg.Steps = 10
	target := &stlayer.Maps{B: 1, M: x.M, N: x.N, Data: x.Map(0)}
	loss, err := infer.NewSynthLoss(ch.Engine, "bench", op, target, cfg)
	if err != nil {
		return err
	}
	// Warm-up: one iteration builds (on XLA: compiles) the loss+gradient
	// graph, which the timed run then reuses; its seconds are the row's
	// first call.
	warm := cfg
	warm.Steps = 1
	t0 := time.Now()
	if _, err := infer.Generate(context.Background(), loss, target, warm); err != nil {
		return err
	}
	first := time.Since(t0).Seconds()
	res, err := infer.Generate(context.Background(), loss, target, cfg)
	if err != nil {
		return err
	}
	perEval := res.Elapsed.Seconds() / float64(max(1, res.Evals)) * float64(x.B)
	fmt.Fprintf(g.stderr, "bench synth: %d evaluations, %.3f s/evaluation in the engine, %.3f s with the loop (overhead %.1f %%)\n",
		res.Evals, res.EvalTime.Seconds()/float64(max(1, res.Evals)), res.Elapsed.Seconds()/float64(max(1, res.Evals)), 100*res.LoopOverhead())
	r := bench.Row{Family: c.name, Config: c.config, Engine: ch.Name, Batch: x.B, ForwardBack: perEval,
		FirstForward: fwd1, FirstFB: first, PeakMiB: bench.PeakRSSMiB()}
	// one synthesis: its s/fwd+bwd has no repetitions, hence no range
	r.SetTimings(fwd, bench.Timing{})
	return json.NewEncoder(g.stdout).Encode(r)
}
