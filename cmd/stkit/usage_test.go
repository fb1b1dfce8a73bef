package main

import (
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/stlayer"
)

// oneLine returns stderr's only line, failing the test when there are more.
func oneLine(t *testing.T, args []string, errs string) string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if len(lines) != 1 {
		t.Errorf("%v: %d stderr lines, want 1:\n%s", args, len(lines), tail(errs, 600))
	}
	return lines[len(lines)-1]
}

// A flag of the other separation mode was "flag provided but not defined"
// (--contaminant with --models, although --contaminant is a flag of
// separate); it is now refused in one line saying why, exit 2.
func TestSeparateOtherModeFlagRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"separate", "mix.npy", "--models", "models", "--components", "2,1", "--contaminant", "c.npy"},
			[]string{"--contaminant cannot be combined with --models", "takes no contaminant samples"}},
		{[]string{"separate", "mix.npy", "--models", "models", "--noise", "n.npy", "-o", "x.npy"},
			[]string{"--noise cannot be combined with --models", "noise:SIGMA"}},
		{[]string{"separate", "mix.npy", "--models=models", "--kind", "scov"},
			[]string{"--kind cannot be combined with --models", "the statistic the models were trained on"}},
		// a bool flag of the other mode takes no value: mix.npy stays DATA
		{[]string{"separate", "--models", "models", "--iso", "mix.npy", "-o", "x.npy", "--components", "0,1"},
			[]string{"--iso cannot be combined with --models"}},
		// the statistic flags added later (--classic, --cut) get the same reason
		{[]string{"separate", "mix.npy", "--models", "models", "--cut", "0.25", "-o", "x.npy", "--components", "0,1"},
			[]string{"--cut cannot be combined with --models", "the statistic the models were trained on"}},
		{[]string{"separate", "--models", "models", "--classic", "mix.npy", "-o", "x.npy", "--components", "0,1"},
			[]string{"--classic cannot be combined with --models", "the statistic the models were trained on"}},
		{[]string{"separate", "mix.npy", "--models", "models", "--template", "t.npy"},
			[]string{"--template cannot be combined with --models", "--contaminant/--noise samples"}},
		{[]string{"separate", "mix.npy", "--contaminant", "c.npy", "--components", "0,1", "-o", "x.npy"},
			[]string{"--components cannot be combined with --contaminant/--noise", "learned-model separation"}},
		{[]string{"separate", "mix.npy", "--tau", "2", "-o", "x.npy"},
			[]string{"--tau is a flag of learned-model separation: give --models MODELDIR with it"}},
	} {
		code, out, errs := runCLI(t, c.args...)
		line := oneLine(t, c.args, errs)
		if code != 2 || out != "" {
			t.Errorf("%v: exit %d (want 2), stdout %q", c.args, code, out)
		}
		for _, w := range append(c.want, "(run `stkit separate --help` for the flags)") {
			if !strings.Contains(line, w) {
				t.Errorf("%v: %q lacks %q", c.args, line, w)
			}
		}
		if strings.Contains(errs, "not defined") {
			t.Errorf("%v: still the flag package's error: %s", c.args, line)
		}
	}
	// A flag neither mode has is still the flag package's error.
	code, _, errs := runCLI(t, "separate", "mix.npy", "--bogus")
	if line := oneLine(t, nil, errs); code != 2 || !strings.Contains(line, "flag provided but not defined: -bogus") {
		t.Errorf("--bogus: exit %d, %q", code, line)
	}
}

// separate --help listed the flags of separation with samples only (--models
// and --components appeared only in the text): it lists both modes' flags,
// this mode's first, after the unchanged text; so does --models … --help.
func TestSeparateHelpListsBothModes(t *testing.T) {
	flagLine := func(help, name string) int { // occurrences of the flag's line
		return strings.Count(help, "\n  -"+name+" ") + strings.Count(help, "\n  -"+name+"\n") // bool flags have no type
	}
	code, help, errs := runCLI(t, "separate", "--help")
	if code != 0 || errs != "" {
		t.Fatalf("separate --help: exit %d", code)
	}
	own := strings.Index(help, "Flags (separation with samples")
	other := strings.Index(help, "Flags of separation with learned models")
	if !strings.HasPrefix(help, "Usage: stkit separate [flags] DATA\n") || !strings.Contains(help, "Separate the map DATA = s + c (+ n)") || own < 0 || other < own {
		t.Fatalf("separate --help: no usage, text or the two flag sections in order:\n%s", tail(help, 3000))
	}
	for _, f := range []string{"contaminant", "noise", "kind", "iso", "template"} {
		if n := flagLine(help[own:other], f); n != 1 || flagLine(help[other:], f) != 0 {
			t.Errorf("-%s: listed %d times in the first section, %d in the second", f, n, flagLine(help[other:], f))
		}
	}
	for _, f := range []string{"models", "components", "tau", "init", "min-fraction", "positive"} {
		if flagLine(help[other:], f) != 1 || flagLine(help[:other], f) != 0 {
			t.Errorf("-%s not listed once, in the learned-models section:\n%s", f, help[other:])
		}
	}
	code, mhelp, _ := runCLI(t, "separate", "--models", "m", "--help")
	own = strings.Index(mhelp, "Flags (separation with learned models")
	other = strings.Index(mhelp, "Flags of separation with samples")
	if code != 0 || !strings.Contains(mhelp, "Usage: stkit separate [flags] DATA --models MODELDIR") || !strings.Contains(mhelp, "Separate the map DATA into 2 or 3 components") || own < 0 || other < own {
		t.Fatalf("separate --models --help: exit %d:\n%s", code, tail(mhelp, 3000))
	}
	if flagLine(mhelp[own:other], "components") != 1 || flagLine(mhelp[other:], "contaminant") != 1 || flagLine(mhelp[own:other], "contaminant") != 0 {
		t.Errorf("separate --models --help: flags in the wrong sections:\n%s", mhelp[own:])
	}
	// --batch's help says what the pool is and that a larger batch is
	// reduced to it (with a warning), in both modes' help.
	const batchHelp = "the pool is the distinct residual samples: the maps of --contaminant or --noise, the product of their counts with both; a larger value is reduced to the pool, with a warning"
	for name, h := range map[string]string{"separate --help": help, "separate --models --help": mhelp} {
		if !strings.Contains(strings.Join(strings.Fields(h), " "), batchHelp) {
			t.Errorf("%s: --batch does not say that a batch above the pool is reduced to it:\n%s", name, h[strings.Index(h, "  -batch"):][:400])
		}
	}
	// `stkit help separate` is the same help
	if code, h, _ := runCLI(t, "help", "separate"); code != 0 || h != help {
		t.Errorf("help separate: exit %d, differs from separate --help", code)
	}
}

// A missing required argument printed the whole help (77–81 lines) with the
// error as its last line; it is now the error with the command's --help
// named, in one line (as for a bad flag), exit 2. --help prints the help.
func TestMissingArgumentOneLine(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"synth", mp}, "synth needs one TARGET and -o OUT.npy (run `stkit synth --help` for the flags)"},
		{[]string{"separate", mp, "--models", "M"}, "--components a,b[,c] and -o OUT (run `stkit separate --help` for the flags)"},
		{[]string{"separate", mp, "--contaminant", mp}, "separate needs one DATA map and -o OUT (run `stkit separate --help` for the flags)"},
		{[]string{"stats"}, "stats needs exactly one MAP argument, got 0 (run `stkit stats --help` for the flags)"},
		{[]string{"patches", mp}, "patches needs at least one map and -o DATASET (run `stkit patches --help` for the flags)"},
		{[]string{"train", "ds"}, "(run `stkit train --help` for the flags)"},
		{[]string{"export"}, "(run `stkit export --help` for the flags)"},
	} {
		code, out, errs := runCLI(t, c.args...)
		line := oneLine(t, c.args, errs)
		if code != 2 || out != "" || !strings.HasPrefix(line, "stkit: ") || !strings.Contains(line, c.want) || strings.Contains(errs, "Usage:") {
			t.Errorf("%v: exit %d, stderr %q, want one line with %q", c.args, code, tail(errs, 400), c.want)
		}
	}
	// an error after the flags were read keeps its own text
	code, _, errs := runCLI(t, "stats", mp, "--format", "xml")
	if line := oneLine(t, nil, errs); code != 2 || strings.Contains(line, "--help") {
		t.Errorf("stats --format xml: exit %d, %q", code, line)
	}
	for _, name := range []string{"synth", "separate", "stats", "patches"} {
		code, out, errs := runCLI(t, name, "--help")
		if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: stkit "+name) || !strings.Contains(out, "\n  -o string") || strings.Count(out, "\n") < 20 {
			t.Errorf("%s --help: exit %d:\n%s", name, code, tail(out, 400))
		}
	}
}

// A map that the default J does not fit was refused as "J=5 needs …" with
// the -J hint of a J the user gave; the error now says that the J is the
// default (and its rule) and which -J to give. The default J always fits
// maps of 4 pixels a side or more (2^(J+1) ≤ min(M, N)); 200×256 maps,
// refused at the default J=5 when the sides had to be multiples of 2^J,
// are taken.
func TestDefaultJNamedAsDefault(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, M, N int) string {
		p := filepath.Join(dir, name)
		m := stlayer.NewMaps(1, M, N)
		for i := range m.Data {
			m.Data[i] = math.Sin(float64(i) * 0.37)
		}
		if err := datasets.WriteMaps(p, m); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := write("ns.npy", 200, 256)
	for _, args := range [][]string{{"stats", p, "-o", filepath.Join(dir, "a.json")}, {"stats", p, "-J", "5", "-o", filepath.Join(dir, "b.json")}} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Errorf("%v: exit %d\n%s", args, code, tail(errs, 400))
		}
	}
	tiny := write("tiny.npy", 3, 3)
	def := "the default J=1 (log2(min(M,N)) − 2) needs maps of at least 4×4 pixels for wph (2^(J+1)); got 3×3; 3×3 maps allow no J ≥ 1"
	wantBadInput(t, []string{"stats", tiny, "--kind", "wph"}, def)
	wantBadInput(t, []string{"stats", tiny, "--kind", "wph", "-J", "0"}, def)
	wantBadInput(t, []string{"separate", tiny, "--contaminant", tiny, "-o", filepath.Join(dir, "o.npy")}, def, filepath.Join(dir, "o.npy"))
	// synth's default for scov is Cheng's J = log2(min(M,N)) − 1
	small := write("small.npy", 14, 14)
	wantBadInput(t, []string{"synth", small, "-o", filepath.Join(dir, "s.npy")}, "the default J=2 (log2(min(M,N)) − 1) needs maps of at least 16×16 pixels for scov (at least 16 for Cheng's cropped Fourier grids); got 14×14; 14×14 maps allow no J ≥ 1: scov needs maps of at least 16×16 pixels with even sides", filepath.Join(dir, "s.npy"))
	// a J given by -J keeps the message naming it
	wantBadInput(t, []string{"stats", p, "-J", "7"}, "J=7 needs maps of at least 256×256 pixels for scov (2^(J+1)); got 200×256 (use -J 6 or less for 200×256 maps)")
	if code, _, errs := runCLI(t, "stats", p, "-J", "7"); strings.Contains(errs, "default") {
		t.Errorf("-J 7: exit %d, %s", code, errs)
	}
}

// patches with a missing input said "nosuch.npy: stat nosuch.npy: no such
// file or directory"; it now says it as stats does, the path once.
func TestPatchesMissingInputNamedOnce(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nosuch.npy")
	want := "stkit: " + missing + ": no such file or directory"
	for _, args := range [][]string{
		{"patches", missing, "-o", filepath.Join(dir, "dsx")},
		{"patches", writeTestMap(t, dir, "m.npy", 1), missing, "-o", filepath.Join(dir, "dsx")},
		{"stats", missing},
	} {
		code, _, errs := runCLI(t, args...)
		if line := oneLine(t, args, errs); code != 2 || line != want {
			t.Errorf("%v: exit %d, %q, want %q", args, code, line, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "dsx")); err == nil {
		t.Error("patches made its output folder for a missing input")
	}
}

// The bench table says what its ratios mean, and the synthesis row (whose
// peer, Cheng's synthesis loop, has an s/evaluation but no forward timing)
// has no forward ratio: it divided by Cheng's scattering_cov forward. The
// JSON leaves the peer's forward out there.
func TestBenchLegendAndSynthRatio(t *testing.T) {
	sh := sharedDir(t)
	peers, err := bench.LoadPeers(filepath.Join(sh, "reference", "timings.json"))
	if err != nil {
		t.Fatal(err)
	}
	saved := benchExec
	defer func() { benchExec = saved }()
	benchExec = func(exe string, args []string, stderr io.Writer) ([]byte, error) {
		fam := "?"
		for i, a := range args {
			if a == "--row" {
				fam = strings.Split(args[i+1], "/")[0]
			}
		}
		return json.Marshal(bench.Row{Family: fam, Config: "c f g", Engine: "cpu", Batch: 1, Forward: 0.1, ForwardBack: 0.2, PeakMiB: 1})
	}
	js := filepath.Join(t.TempDir(), "b.json")
	code, out, errs := runCLI(t, "bench", "--only", "scov,synth", "--json", js)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	ratios := map[string][2]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 3 && (f[0] == "scov" || f[0] == "synth") {
			ratios[f[0]] = [2]string{f[len(f)-2], f[len(f)-1]}
		}
	}
	num := func(s string, want float64) bool {
		v, err := strconv.ParseFloat(s, 64)
		return err == nil && math.Abs(v-want) < 0.006
	}
	if r := ratios["scov"]; !num(r[0], 0.1/peers.Cheng.J7L4.CovForward) || !num(r[1], 0.2/peers.Cheng.J7L4.CovIsoGrad) {
		t.Errorf("scov ratios %v\n%s", r, out)
	}
	if r := ratios["synth"]; r[0] != "—" || !num(r[1], 0.2/peers.Cheng.Synthesis.SPerEval) {
		t.Errorf("synth ratios %v, want — and %.2f\n%s", r, 0.2/peers.Cheng.Synthesis.SPerEval, out)
	}
	if !strings.Contains(out, bench.Legend) || !strings.Contains(bench.Legend, "< 1 is faster than the peer") {
		t.Errorf("no legend under the table:\n%s", out)
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(b, &rows); err != nil || len(rows) != 2 {
		t.Fatalf("json: %v\n%s", err, b)
	}
	for _, r := range rows {
		_, fwd := r["PeerForward"]
		if fb, _ := r["PeerFB"].(float64); fwd != (r["Family"] == "scov") || fb <= 0 {
			t.Errorf("json row %v: PeerForward present %v, PeerFB %v", r["Family"], fwd, r["PeerFB"])
		}
	}
}

// powerShares: each component's share of the summed model spectra per bin,
// on the first component's bins (another's interpolated in log k).
func TestPowerShares(t *testing.T) {
	k := []float64{1, 2, 4, 8}
	big := &infer.ComponentModel{PS: []float64{10, 5, 2, 1}, PSK: k}
	tiny := &infer.ComponentModel{PS: []float64{1e-3, 1e-3, 1e-3, 1e-3}, PSK: k}
	// given at other bins: 1 at k = 1, 100 at k = 100 (linear in log k: 2.98 at k = 2)
	other := &infer.ComponentModel{PS: []float64{1, 100}, PSK: []float64{1, 100}}
	ks, sh := powerShares([]infer.SepComponent{{Name: "a", Model: big}, {Name: "b", Model: tiny}, {Name: "c", Model: other}})
	if len(ks) != 4 || len(sh) != 3 || len(sh[1]) != 4 {
		t.Fatalf("bins %v, shares %v", ks, sh)
	}
	for b := range ks {
		tot := sh[0][b] + sh[1][b] + sh[2][b]
		if math.Abs(tot-1) > 1e-12 {
			t.Errorf("bin %d: shares sum to %v", b, tot)
		}
	}
	c2 := 1 + 99*math.Log(2)/math.Log(100)
	if want := 5 / (5 + 1e-3 + c2); math.Abs(sh[0][1]-want) > 1e-12 {
		t.Errorf("share of a at k = 2: %v, want %v", sh[0][1], want)
	}
	if m := maxShare(sh[1]); m > 1e-3 || m <= 0 {
		t.Errorf("largest share of the tiny component %v", m)
	}
	if fmtShare(0.0015) != "0.15 %" || fmtShare(0.2) != "20 %" {
		t.Errorf("fmtShare: %q, %q", fmtShare(0.0015), fmtShare(0.2))
	}
	// a model without a spectrum: no shares (and no warning)
	if ks, _ := powerShares([]infer.SepComponent{{Name: "a", Model: big}, {Name: "x", Model: &infer.ComponentModel{}}}); ks != nil {
		t.Errorf("no spectrum: bins %v", ks)
	}
}

// A component holding a negligible share of the power in every bin (by the
// models' spectra) was separated silently into a meaningless map; separate
// --models now warns, naming it and its largest share, and metrics.json
// holds the shares.
func TestSeparateModelsNegligibleComponentWarns(t *testing.T) {
	dir := modelsFixture(t)
	models := filepath.Join(dir, "models")
	work := t.TempDir()
	rep := filepath.Join(work, "rep")
	code, _, errs := runModelsCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", models, "--components", "0,noise:0.001",
		"-o", filepath.Join(work, "s.npy"), "--steps", "0,1", "--log-every", "10", "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, tail(errs, 800))
	}
	i := strings.Index(errs, "separate: warning: noise:0.001 holds at most ")
	if i < 0 || !strings.Contains(errs[i:], "of the power in every spectrum bin") || !strings.Contains(errs[i:], "its separation will be poor") || strings.Contains(errs, "warning: component 0") {
		t.Errorf("no warning (only) for the noise component:\n%s", tail(errs, 800))
	}
	var mj struct {
		Settings struct {
			PowerShares struct {
				K     []float64            `json:"k"`
				Share map[string][]float64 `json:"share"`
				Max   map[string]float64   `json:"max"`
			} `json:"power_shares"`
		} `json:"settings"`
	}
	b, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
	if err != nil || json.Unmarshal(b, &mj) != nil {
		t.Fatalf("metrics.json: %v", err)
	}
	ps := mj.Settings.PowerShares
	if len(ps.K) == 0 || len(ps.Share["noise:0.001"]) != len(ps.K) || !(ps.Max["noise:0.001"] < minUsefulShare) || !(ps.Max["component 0"] > 0.9) {
		t.Errorf("metrics.json power_shares: %+v", ps)
	}
	// the fixture's two clusters (white noise, smooth field) each hold most
	// of the power somewhere: no warning
	code, _, errs = runModelsCLI(t, "separate", filepath.Join(dir, "mix.npy"), "--models", models, "--components", "0,1",
		"-o", filepath.Join(work, "s2.npy"), "--steps", "0,1", "--log-every", "10")
	if code != 0 || strings.Contains(errs, "warning") {
		t.Errorf("components 0,1: exit %d\n%s", code, tail(errs, 800))
	}
}

// stats --help did not say that the normalised statistics of a batch use one
// reference measured on the whole batch, so that a map's spectra or
// synthesis vector change with the other maps given with it; it now does.
// The numbers check the sentence: map 0 of a batch of 3 differs from the
// same map alone for --kind spectra and scov --synthesis, not for raw wst.
func TestStatsHelpBatchReference(t *testing.T) {
	code, help, _ := runCLI(t, "stats", "--help")
	flat := strings.Join(strings.Fields(help), " ")
	for _, want := range []string{
		"For a batch, the normalised statistics (--kind spectra; scov --synthesis or --iso; wph --norm auto) are divided by one reference measured on the whole batch",
		"so a map's values depend on the other maps of the batch and differ from those of the map given alone",
	} {
		if code != 0 || !strings.Contains(flat, want) {
			t.Errorf("stats --help (exit %d) lacks %q", code, want)
		}
	}
	if _, sh, _ := runCLI(t, "synth", "--help"); !strings.Contains(strings.Join(strings.Fields(sh), " "), "for a batch, by the P00 averaged over its maps") {
		t.Errorf("synth --help does not say how a batch target is normalised")
	}
	dir := t.TempDir()
	batch := writeTestMap(t, dir, "b.npy", 3)
	one := writeTestMap(t, dir, "a.npy", 1) // the same map as map 0 of b.npy
	first := func(path string, kind ...string) []float64 {
		t.Helper()
		o := filepath.Join(dir, "c.json")
		args := append([]string{"stats", path, "-J", "3", "-o", o}, kind...)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errs)
		}
		var doc struct {
			Coefficients []struct {
				Map int     `json:"map"`
				Re  float64 `json:"re"`
			} `json:"coefficients"`
		}
		bts, _ := os.ReadFile(o)
		if err := json.Unmarshal(bts, &doc); err != nil {
			t.Fatal(err)
		}
		var v []float64
		for _, c := range doc.Coefficients {
			if c.Map == 0 {
				v = append(v, c.Re)
			}
		}
		return v
	}
	maxDiff := func(a, b []float64) float64 {
		if len(a) != len(b) || len(a) == 0 {
			t.Fatalf("lengths %d, %d", len(a), len(b))
		}
		d := 0.0
		for i := range a {
			d = math.Max(d, math.Abs(a[i]-b[i]))
		}
		return d
	}
	for _, k := range [][]string{{"--kind", "spectra"}, {"--kind", "scov", "--synthesis"}} {
		if d := maxDiff(first(one, k...), first(batch, k...)); d < 1e-6 {
			t.Errorf("%v: map 0 in a batch equals the map alone (max diff %g): the help's sentence is wrong", k, d)
		}
	}
	if d := maxDiff(first(one, "--kind", "wst"), first(batch, "--kind", "wst")); d > 1e-12 {
		t.Errorf("wst: map 0 in a batch differs from the map alone by %g", d)
	}
}
