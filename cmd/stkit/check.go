package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/internal/engine"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

func init() {
	register(&command{name: "check", summary: "check this installation's numbers against the peer libraries' reference outputs", run: runCheck})
}

// checkFamilies are the --only groups of `stkit check`, in table order.
var checkFamilies = []string{"wph", "scov", "wst", "kymatio"}

// checkVals is one check's values: coefficients (real ones with a zero
// imaginary part) or a gradient, with the array shape where it has one.
type checkVals struct {
	v     []complex128
	shape []int
}

// checkEval evaluates the statistics of the fixture map with one engine,
// caching each evaluation (one forward gives several checks' arrays).
type checkEval struct {
	eng   stlayer.Engine
	x     *stlayer.Maps
	cache map[string]any
}

// cached returns the value of key, computing it with f the first time.
func (ev *checkEval) cached(key string, f func() (any, error)) (any, error) {
	if v, ok := ev.cache[key]; ok {
		return v, nil
	}
	v, err := f()
	if err != nil {
		return nil, err
	}
	ev.cache[key] = v
	return v, nil
}

// checkDef is one line of the `stkit check` table.
type checkDef struct {
	name, family, peer string
	grad               bool     // gradient: relative L2 error instead of the per-value error
	files              []string // fixture files read (relative to the fixtures folder)
	ref                func(dir string) (checkVals, error)
	got                func(ev *checkEval) (checkVals, error)
}

// Fixture file names (see ../shared/reference/README.md).
const (
	fxMap        = "dust256.npy"
	fxWPH        = "pywph_wph_J6_L4_dn0_dust256_coeffs.npy"
	fxWPHAuto    = "pywph_wph_J6_L4_dn0_dust256_normauto_coeffs.npy"
	fxWPHGrad    = "pywph_wph_J6_L4_dn0_dust256_grad_sumabs2.npy"
	fxSCov       = "cheng_scattering_cov_J6_L4_dust256.npz"
	fxSCovGrad   = "cheng_scattering_cov_iso_J6_L4_dust256_grad_sumsq.npy"
	fxWSTFmt     = "cheng_scattering_coef_J%d_L4_dust256.npz"
	fxKymatio    = "kymatio_scat2d_J6_L8_dust256.npz"
	fxKymatioGrd = "kymatio_scat2d_J6_L8_dust256_grad_sumsq.npy"
)

// checkDefs returns the checks in table order.
func checkDefs() []checkDef {
	wphSpec := stats.Spec{Kind: stats.WPH, J: 6, L: 4}
	wphAuto := wphSpec
	wphAuto.Norm = "auto"
	scovSpec := stats.Spec{Kind: stats.SCov, J: 6, L: 4}
	scovIso := stats.Spec{Kind: stats.SCov, J: 6, L: 4, Iso: true, Synthesis: true}
	kySpec := stats.Spec{Kind: stats.WST, J: 6, L: 8, Local: true}
	defs := []checkDef{
		{name: "wph", family: "wph", peer: "PyWPH J6 L4 dn0, norm=None", files: []string{fxWPH},
			ref: npyRef(fxWPH), got: func(ev *checkEval) (checkVals, error) { return ev.coeffs(wphSpec) }},
		{name: "wph-normauto", family: "wph", peer: "PyWPH J6 L4 dn0, norm='auto'", files: []string{fxWPHAuto},
			ref: npyRef(fxWPHAuto), got: func(ev *checkEval) (checkVals, error) { return ev.coeffs(wphAuto) }},
		{name: "wph-grad", family: "wph", peer: "PyWPH ∂Σ|coeffs|²/∂x", grad: true, files: []string{fxWPHGrad},
			ref: npyRef(fxWPHGrad), got: func(ev *checkEval) (checkVals, error) { return ev.grad(wphSpec, stlayer.SumAbs2) }},
	}
	for _, a := range []string{"P00", "S1", "C01", "for_synthesis", "for_synthesis_iso"} {
		defs = append(defs, checkDef{name: "scov-" + a, family: "scov", peer: "Cheng scattering_cov J6 L4 " + a, files: []string{fxSCov},
			ref: npzRef(fxSCov, a), got: func(ev *checkEval) (checkVals, error) { return ev.dictArray(scovSpec, a) }})
	}
	defs = append(defs, checkDef{name: "scov-iso-grad", family: "scov", peer: "Cheng ∂Σ(for_synthesis_iso)²/∂x, ref = the map", grad: true, files: []string{fxSCovGrad},
		ref: npyRef(fxSCovGrad), got: func(ev *checkEval) (checkVals, error) { return ev.grad(scovIso, stlayer.SumRe2) }})
	for _, J := range []int{6, 7} {
		spec := stats.Spec{Kind: stats.WST, J: J, L: 4}
		file := fmt.Sprintf(fxWSTFmt, J)
		for _, a := range []string{"S1", "S2", "S1_iso", "S2_iso"} {
			defs = append(defs, checkDef{name: fmt.Sprintf("wst-J%d-%s", J, a), family: "wst", peer: fmt.Sprintf("Cheng scattering_coef J%d L4 %s", J, a), files: []string{file},
				ref: npzRef(file, a), got: func(ev *checkEval) (checkVals, error) { return ev.dictArray(spec, a) }})
		}
	}
	defs = append(defs,
		checkDef{name: "kymatio-S", family: "kymatio", peer: "Kymatio Scattering2D J6 L8 S", files: []string{fxKymatio},
			ref: npzRef(fxKymatio, "S"), got: func(ev *checkEval) (checkVals, error) { return ev.dictArray(kySpec, "S") }},
		checkDef{name: "kymatio-grad", family: "kymatio", peer: "Kymatio ∂ΣS²/∂x", grad: true, files: []string{fxKymatioGrd},
			ref: npyRef(fxKymatioGrd), got: func(ev *checkEval) (checkVals, error) { return ev.grad(kySpec, stlayer.SumAbs2) }},
	)
	return defs
}

func npyRef(file string) func(string) (checkVals, error) {
	return func(dir string) (checkVals, error) {
		a, err := datasets.Read(filepath.Join(dir, file))
		if err != nil {
			return checkVals{}, err
		}
		v, err := arrayVals(a)
		if err != nil {
			return checkVals{}, fmt.Errorf("%s: %w", filepath.Join(dir, file), err)
		}
		return v, nil
	}
}

func npzRef(file, member string) func(string) (checkVals, error) {
	return func(dir string) (checkVals, error) {
		a, err := datasets.ReadNPZMember(filepath.Join(dir, file), member)
		if err != nil {
			return checkVals{}, err
		}
		v, err := arrayVals(a)
		if err != nil {
			return checkVals{}, fmt.Errorf("%s:%s: %w", filepath.Join(dir, file), member, err)
		}
		return v, nil
	}
}

// arrayVals returns the values of a (real ones as complex with a zero
// imaginary part). A string array (numpy '<U') has no values (its Float64
// is nil: it gave an empty vector of the array's shape) and is refused.
func arrayVals(a *datasets.Array) (checkVals, error) {
	if a.IsString() {
		return checkVals{}, fmt.Errorf("holds strings (numpy '<U', shape %v), not numbers", a.Shape)
	}
	if a.Complex128 != nil {
		return checkVals{v: a.Complex128, shape: a.Shape}, nil
	}
	v := make([]complex128, len(a.Float64))
	for i, f := range a.Float64 {
		v[i] = complex(f, 0)
	}
	return checkVals{v: v, shape: a.Shape}, nil
}

// op builds spec's operator as `stkit stats` does (the reference of the
// normalised statistics is the map itself).
func (ev *checkEval) op(spec stats.Spec) (stats.Op, error) {
	v, err := ev.cached("op "+spec.String(), func() (any, error) { return stats.BuildWithRef(spec, ev.eng, ev.x) })
	if err != nil {
		return nil, err
	}
	return v.(stats.Op), nil
}

// forward returns spec's coefficients of the map.
func (ev *checkEval) forward(spec stats.Spec) (stats.Op, *stlayer.Coeffs, error) {
	op, err := ev.op(spec)
	if err != nil {
		return nil, nil, err
	}
	v, err := ev.cached("fwd "+spec.String(), func() (any, error) { return ev.eng.Forward(op.Key(), op.Stat(), ev.x) })
	if err != nil {
		return nil, nil, err
	}
	return op, v.(*stlayer.Coeffs), nil
}

// coeffs returns the coefficient vector in the family's reference order (for
// wph PyWPH's order, the vector `stkit stats --kind wph -o x.npy` writes).
func (ev *checkEval) coeffs(spec stats.Spec) (checkVals, error) {
	_, c, err := ev.forward(spec)
	if err != nil {
		return checkVals{}, err
	}
	return checkVals{v: c.Row(0), shape: []int{c.K}}, nil
}

// dictArray returns one array of the reference library's dictionary, as
// `stkit stats -o x.npz` writes it (Cheng's dict for scov and wst, Kymatio's
// S layout for the local wst).
func (ev *checkEval) dictArray(spec stats.Spec, name string) (checkVals, error) {
	v, err := ev.cached("dict "+spec.String(), func() (any, error) {
		op, c, err := ev.forward(spec)
		if err != nil {
			return nil, err
		}
		named, err := familyDict(spec.WithDefaults(ev.x.M, ev.x.N), op, c, ev.eng, ev.x)
		if err != nil {
			return nil, err
		}
		m := map[string]*datasets.Array{}
		for _, n := range named {
			m[n.Name] = n.Array
		}
		return m, nil
	})
	if err != nil {
		return checkVals{}, err
	}
	a := v.(map[string]*datasets.Array)[name]
	if a == nil {
		return checkVals{}, fmt.Errorf("%s: no %s array in the output dictionary", spec, name)
	}
	return arrayVals(a)
}

// grad returns ∂ℒ/∂x of loss applied to spec's coefficients of the map.
func (ev *checkEval) grad(spec stats.Spec, loss stlayer.LossFunc) (checkVals, error) {
	op, err := ev.op(spec)
	if err != nil {
		return checkVals{}, err
	}
	_, g, err := ev.eng.LossGrad(op.Key(), op.Stat(), ev.x, loss)
	if err != nil {
		return checkVals{}, err
	}
	v := make([]complex128, len(g))
	for i, f := range g {
		v[i] = complex(f, 0)
	}
	return checkVals{v: v, shape: []int{ev.x.M, ev.x.N}}, nil
}

// checkError compares got with ref. Coefficients: the worst over the values
// of |Δ|/(|ref| + 1e-2·max|ref|), skipping the values the reference leaves
// NaN (Cheng's uncomputed C01 entries); n counts the values compared.
// Gradients: the relative L2 error ‖got − ref‖₂/‖ref‖₂. A NaN or infinite
// value of got gives +Inf.
func checkError(got, ref checkVals, grad bool) (worst float64, n int, err error) {
	if len(got.v) != len(ref.v) {
		return math.Inf(1), 0, fmt.Errorf("%d values (shape %v), reference %d (shape %v)", len(got.v), got.shape, len(ref.v), ref.shape)
	}
	if grad {
		var num, den float64
		for i, r := range ref.v {
			d := got.v[i] - r
			num += real(d)*real(d) + imag(d)*imag(d)
			den += real(r)*real(r) + imag(r)*imag(r)
		}
		e := math.Sqrt(num / den)
		if math.IsNaN(e) {
			e = math.Inf(1)
		}
		return e, len(ref.v), nil
	}
	scale := 0.0
	for _, r := range ref.v {
		if !cmplx.IsNaN(r) {
			scale = math.Max(scale, cmplx.Abs(r))
		}
	}
	for i, r := range ref.v {
		if cmplx.IsNaN(r) {
			continue
		}
		n++
		g := got.v[i]
		if cmplx.IsNaN(g) || cmplx.IsInf(g) {
			worst = math.Inf(1)
			continue
		}
		den := cmplx.Abs(r) + 1e-2*scale
		d := cmplx.Abs(g - r)
		if den == 0 {
			if d > 0 {
				worst = math.Inf(1)
			}
			continue
		}
		worst = math.Max(worst, d/den)
	}
	return worst, n, nil
}

// checkResult is one line of the table (and of the --json output).
type checkResult struct {
	Name    string   `json:"name"`
	Family  string   `json:"family"`
	Peer    string   `json:"peer"`
	Metric  string   `json:"metric"`
	N       int      `json:"n"`
	Err     *float64 `json:"err"`               // vs the peer; null when not finite or not computed
	ErrCPU  *float64 `json:"err_cpu,omitempty"` // vs the CPU engine (engines other than cpu)
	Pass    bool     `json:"pass"`
	Seconds float64  `json:"seconds"`
	Error   string   `json:"error,omitempty"`
}

// checkReport is the --json document.
type checkReport struct {
	Engine   string        `json:"engine"`
	Fixtures string        `json:"fixtures"`
	Tol      float64       `json:"tol"`
	Pass     bool          `json:"pass"`
	Failed   []string      `json:"failed"`
	Checks   []checkResult `json:"checks"`
	Seconds  float64       `json:"seconds"`
}

func finitePtr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func runCheck(g *globals, args []string) error {
	fs := newFlagSet(g, "check", "", `Check this installation's numbers against the peer libraries' reference
outputs on dust256.npy (the fixtures of ../shared/reference, see its README.md
for the exact calls), with the engine and backend chosen by the global flags,
which go before the command: stkit --engine graph check (--engine auto, cpu or
graph; auto = cpu unless an XLA backend is in use; --backend or
$GOMLX_BACKEND for the GoMLX backend).
When to run it: after building stkit on a new machine, and with each new
engine or backend (stkit --engine graph check; a GoMLX backend or PJRT
plugin such as a GPU one: stkit --engine graph --backend xla:cuda check), to
verify that its numbers match the reference libraries' before trusting its
statistics. All checks take seconds on the CPU engine.
Fixtures: check needs the reference fixtures of the stkit repository's
shared/reference folder (dust256.npy and the peer outputs; an installed
binary does not carry them): --fixtures DIR names that folder; without it,
check reads the reference/ folder of $STKIT_SHARED, else that of a shared/
folder beside or above the working directory (run it from the stkit
checkout, whose ../shared holds them).
Checks (--only):
  wph      PyWPH J6 L4 dn0: the 381 coefficients (norm=None) in PyWPH's order,
           the norm='auto' coefficients, and ∂Σ|coeffs|²/∂x
  scov     Cheng scattering_cov J6 L4: P00, S1, C01, for_synthesis,
           for_synthesis_iso (Cheng's dict, as stkit stats -o x.npz writes it),
           and ∂Σ(for_synthesis_iso)²/∂x with the map as reference (use_ref)
  wst      Cheng scattering_coef J6 and J7 L4: S1, S2, S1_iso, S2_iso
  kymatio  Kymatio Scattering2D J6 L8: local S [1, 1009, 4, 4], ∂ΣS²/∂x
Errors: for coefficients, the worst over the values of
|Δ| / (|ref| + 1e-2·max|ref|) (relative, with a floor of 1 % of the array's
largest value for the values near 0; values the reference leaves NaN are
skipped); for gradients, the relative L2 error ‖Δ‖₂/‖ref‖₂. A check passes
when its error is ≤ --tol. The references are float32 computations: stkit's
CPU engine is within 2.5e-6 of them (PyWPH norm='auto' 2.0e-6, the others
1.0e-6 or less). With an engine other than cpu, every
check is also compared with the CPU engine's values (column "vs cpu", same
error measure; the check passes only if both are ≤ --tol). Seconds: the
evaluations a check needed first (a family's forward counts in its first
check; graph compilation included).
Exit status: 0 all checks pass; 1 a check fails: the table marks it FAIL
and the last line names each failed check with its error in units of --tol
(e.g. "wph (error 4.77e-07 = 1.6× --tol 3e-07)", "vs cpu …" when the
comparison with the CPU engine failed); 2 missing or unreadable fixtures,
bad flags, or a --json file that would replace a fixture.`)
	fixtures := fs.String("fixtures", "", "folder of the reference fixtures (default: the reference/ folder of $STKIT_SHARED or of a shared/ folder beside or above the working directory)")
	tol := fs.Float64("tol", 1e-4, "largest error that passes (see above)")
	jsonOut := fs.String("json", "", "also write the results as JSON to this file")
	only := fs.String("only", "", "comma-separated families to check: wph, scov, wst, kymatio (default all)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInputf("check takes no arguments, got %q", pos)
	}
	// --tol -1 said "want a number ≥ 0", although 0 is refused too.
	if err := checkFinite("tol", *tol, false); err != nil {
		return err
	}
	if *tol <= 0 {
		return badInputf("--tol must be > 0, got %g", *tol)
	}
	want := map[string]bool{}
	if *only != "" {
		for _, f := range strings.Split(*only, ",") {
			f = strings.TrimSpace(f)
			if !contains(checkFamilies, f) {
				return badInputf("--only: unknown family %q (want %s)", f, strings.Join(checkFamilies, ", "))
			}
			want[f] = true
		}
	}
	dir := *fixtures
	if dir == "" {
		sh := bench.FindShared()
		if sh == "" {
			return badInputf("cannot find the reference fixtures: no shared/reference folder beside or above %s and $STKIT_SHARED is unset. check compares with the peer libraries' outputs of the stkit repository's shared/reference folder: run it from the stkit checkout (whose ../shared holds them), pass --fixtures DIR naming that reference folder (it holds %s and the peer outputs), or set $STKIT_SHARED to the shared/ folder", cwd(), fxMap)
		}
		dir = filepath.Join(sh, "reference")
		if st, err := os.Stat(dir); (err != nil || !st.IsDir()) && os.Getenv("STKIT_SHARED") != "" {
			return badInputf("$STKIT_SHARED is %s, but %s is not a folder (set $STKIT_SHARED to the shared/ folder that holds reference/, or pass --fixtures DIR)", sh, dir)
		}
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return badInputf("--fixtures %s: not a folder", dir)
	}
	var defs []checkDef
	for _, d := range checkDefs() {
		if len(want) == 0 || want[d.family] {
			defs = append(defs, d)
		}
	}
	var missing []string
	seen := map[string]bool{}
	for _, d := range defs {
		for _, f := range append([]string{fxMap}, d.files...) {
			if seen[f] {
				continue
			}
			seen[f] = true
			if st, err := os.Stat(filepath.Join(dir, f)); err != nil || !st.Mode().IsRegular() {
				missing = append(missing, f)
			}
		}
	}
	if len(missing) > 0 {
		return badInputf("fixtures missing in %s: %s", dir, strings.Join(missing, ", "))
	}
	if err := checkOutput("--json", *jsonOut); err != nil {
		return err
	}
	// --json naming a fixture (any file of the fixtures folder, read now or
	// by another --only) replaced it with the report: the shared reference
	// map or a peer's output was gone.
	if err := checkOutputFile("--json "+*jsonOut, *jsonOut, inputFiles(dir)...); err != nil {
		return err
	}
	// The references are read before any evaluation: a damaged one (a
	// truncated download, another file under its name) is bad input (exit 2)
	// like a missing one; it was a FAIL line of the table (exit 1), as if
	// stkit's numbers were wrong.
	refs := make([]checkVals, len(defs))
	var unreadable []string
	for i, d := range defs {
		if refs[i], err = d.ref(dir); err != nil {
			unreadable = append(unreadable, fmt.Sprintf("%s (%v)", d.name, err))
		}
	}
	if len(unreadable) > 0 {
		return badInputf("unreadable fixtures in %s, for the checks %s: restore these files, or pass --fixtures with a folder of intact copies", dir, strings.Join(unreadable, "; "))
	}
	x, err := readMaps(filepath.Join(dir, fxMap))
	if err != nil {
		return err
	}
	if x.B != 1 || x.M != 256 || x.N != 256 {
		return badInputf("%s: want one 256×256 map, got [%d, %d, %d]", fxMap, x.B, x.M, x.N)
	}
	ch, err := chooseEngine(g)
	if err != nil {
		return err
	}
	ev := &checkEval{eng: ch.Engine, x: x, cache: map[string]any{}}
	var cpuEv *checkEval
	if ch.Name != "cpu" {
		cc, err := engine.New("cpu", "")
		if err != nil {
			return err
		}
		cpuEv = &checkEval{eng: cc.Engine, x: x, cache: map[string]any{}}
	}
	fmt.Fprintf(g.stderr, "check: engine %s; fixtures %s; tol %g\n", ch.Description, dir, *tol)
	t0 := time.Now()
	rep := checkReport{Engine: ch.Description, Fixtures: dir, Tol: *tol, Pass: true, Failed: []string{}}
	for i, d := range defs {
		r := runOneCheck(d, refs[i], ev, cpuEv, *tol)
		rep.Checks = append(rep.Checks, r)
		if !r.Pass {
			rep.Pass = false
			rep.Failed = append(rep.Failed, r.Name)
		}
		fmt.Fprintf(g.stderr, "check %-22s %s\n", r.Name, checkLine(r, cpuEv != nil))
	}
	rep.Seconds = time.Since(t0).Seconds()
	printCheckTable(g, rep, cpuEv != nil)
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(rep, "", "  ")
		if err := checkpoints.WriteFileAtomic(*jsonOut, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if !rep.Pass {
		return checkFailure(rep)
	}
	return nil
}

// checkFailure is the exit-1 error of a failed `stkit check`: each failed
// check with what failed and by how much (its error, against the peer or
// the CPU engine, and that error in units of --tol), or the error that
// stopped it.
func checkFailure(rep checkReport) error {
	times := func(e float64) string {
		r := e / rep.Tol
		if r >= 10 {
			return fmt.Sprintf("%.0f× --tol %g", r, rep.Tol)
		}
		return fmt.Sprintf("%.2g× --tol %g", r, rep.Tol)
	}
	amount := func(what string, p *float64) string {
		if p == nil {
			return what + " inf/nan"
		}
		return fmt.Sprintf("%s %.2e = %s", what, *p, times(*p))
	}
	var parts []string
	for _, r := range rep.Checks {
		if r.Pass {
			continue
		}
		var why []string
		switch {
		case r.Error != "":
			why = append(why, r.Error)
		default:
			if r.Err == nil || *r.Err > rep.Tol {
				why = append(why, amount("error", r.Err))
			}
			// the peer error passed, so the comparison with the CPU engine failed
			if (r.ErrCPU != nil && *r.ErrCPU > rep.Tol) || (len(why) == 0 && r.ErrCPU == nil) {
				why = append(why, amount("vs cpu", r.ErrCPU))
			}
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", r.Name, strings.Join(why, "; ")))
	}
	return fmt.Errorf("%d of %d checks failed: %s", len(parts), len(rep.Checks), strings.Join(parts, ", "))
}

// runOneCheck evaluates one check with the engine of ev (and, when cpuEv is
// not nil, with the CPU engine too) and compares with ref, the check's
// reference values (read by runCheck before any evaluation).
func runOneCheck(d checkDef, ref checkVals, ev, cpuEv *checkEval, tol float64) checkResult {
	r := checkResult{Name: d.name, Family: d.family, Peer: d.peer, Metric: "max |Δ|/(|ref|+1e-2·max|ref|)"}
	if d.grad {
		r.Metric = "relative L2"
	}
	t0 := time.Now()
	fail := func(err error) checkResult {
		r.Pass = false
		r.Error = err.Error()
		r.Seconds = time.Since(t0).Seconds()
		return r
	}
	got, err := d.got(ev)
	if err != nil {
		return fail(err)
	}
	e, n, err := checkError(got, ref, d.grad)
	if err != nil {
		return fail(err)
	}
	r.N, r.Err = n, finitePtr(e)
	r.Pass = e <= tol
	if cpuEv != nil {
		cg, err := d.got(cpuEv)
		if err != nil {
			return fail(fmt.Errorf("cpu engine: %w", err))
		}
		ec, _, err := checkError(got, cg, d.grad)
		if err != nil {
			return fail(fmt.Errorf("vs cpu: %w", err))
		}
		r.ErrCPU = finitePtr(ec)
		if ec > tol {
			r.Pass = false
		}
	}
	r.Seconds = time.Since(t0).Seconds()
	return r
}

func fmtErr(p *float64) string {
	if p == nil {
		return "inf/nan"
	}
	return fmt.Sprintf("%.2e", *p)
}

func passWord(r checkResult) string {
	if r.Pass {
		return "ok"
	}
	return "FAIL"
}

// checkLine is the progress line of one check.
func checkLine(r checkResult, vsCPU bool) string {
	if r.Error != "" {
		return fmt.Sprintf("FAIL (%.2f s): %s", r.Seconds, r.Error)
	}
	s := fmt.Sprintf("%d values, error %s", r.N, fmtErr(r.Err))
	if vsCPU {
		s += ", vs cpu " + fmtErr(r.ErrCPU)
	}
	return fmt.Sprintf("%s %s (%.2f s)", s, passWord(r), r.Seconds)
}

func printCheckTable(g *globals, rep checkReport, vsCPU bool) {
	tw := tabwriter.NewWriter(g.stdout, 0, 2, 2, ' ', 0)
	head := "check\tpeer\tn\terror"
	if vsCPU {
		head += "\tvs cpu"
	}
	fmt.Fprintln(tw, head+"\tresult\ts")
	for _, r := range rep.Checks {
		e := fmtErr(r.Err)
		if r.Error != "" {
			e = "—"
		}
		if r.Err != nil && r.Metric == "relative L2" {
			e += " (L2)"
		}
		line := fmt.Sprintf("%s\t%s\t%d\t%s", r.Name, r.Peer, r.N, e)
		if vsCPU {
			line += "\t" + fmtErr(r.ErrCPU)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\n", line, passWord(r), r.Seconds)
	}
	_ = tw.Flush()
	for _, r := range rep.Checks {
		if r.Error != "" {
			fmt.Fprintf(g.stdout, "%s: %s\n", r.Name, r.Error)
		}
	}
	fmt.Fprintf(g.stdout, "\nengine: %s; tol %g; %d of %d checks pass; %.1f s\n", rep.Engine, rep.Tol, len(rep.Checks)-len(rep.Failed), len(rep.Checks), rep.Seconds)
}

func cwd() string {
	d, err := os.Getwd()
	if err != nil {
		return "."
	}
	return d
}
