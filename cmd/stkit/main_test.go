package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
)

// runCLI runs stkit with args and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeTestMap writes a 64×64 log-normal field to dir/name and returns the path.
func writeTestMap(t *testing.T, dir, name string, b int) string {
	t.Helper()
	m := stlayer.NewMaps(b, 64, 64)
	for i := 0; i < b; i++ {
		x, err := datasets.LogNormalField(64, 64, -2.5, 0.8, uint64(i+1))
		if err != nil {
			t.Fatal(err)
		}
		copy(m.Map(i), x)
	}
	p := filepath.Join(dir, name)
	if err := datasets.WriteMaps(p, m); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVersion(t *testing.T) {
	code, out, errs := runCLI(t, "version")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"stkit", "go1.", "backend:", "engine:"} {
		if !strings.Contains(out, want) {
			t.Errorf("version output lacks %q:\n%s", want, out)
		}
	}
}

func TestHelpEverywhere(t *testing.T) {
	code, out, _ := runCLI(t, "help")
	if code != 0 || !strings.Contains(out, "stats") {
		t.Fatalf("help: %d %s", code, out)
	}
	for name := range commands {
		code, out, errs := runCLI(t, name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: stkit "+name) || errs != "" {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", name, code, out, errs)
		}
	}
	if code, _, _ := runCLI(t, "nonsense"); code != 2 {
		t.Errorf("unknown command exit %d, want 2", code)
	}
}

// A batch is evaluated in chunks of --chunk maps (default: as many as hold
// 8·256² pixels): the same coefficients as one evaluation of the whole batch,
// with a progress bar over the maps; the npz reference dictionary of the
// scattering covariance (a second, raw evaluation) is chunked alike.
func TestStatsChunkedBatch(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 5)
	for _, kind := range [][]string{{"wph"}, {"scov", "--synthesis"}} {
		var outs [2]*datasets.Array
		for i, chunk := range []string{"0", "2"} {
			out := filepath.Join(dir, kind[0]+chunk+".npz")
			args := append([]string{"stats", mp, "--kind"}, kind...)
			code, _, errs := runCLI(t, append(args, "-J", "3", "--chunk", chunk, "-o", out)...)
			if code != 0 {
				t.Fatalf("%s --chunk %s: exit %d: %s", kind, chunk, code, tail(errs, 600))
			}
			if !strings.Contains(errs, "stats: wrote "+out+" (") || !strings.Contains(errs, "5 maps of ") {
				t.Errorf("%s --chunk %s: no line naming the output and its 5 maps in %q", kind, chunk, tail(errs, 300))
			}
			if chunk == "2" && !strings.Contains(errs, "(5/5)") {
				t.Errorf("%s --chunk 2: no progress over the 5 maps in %q", kind, tail(errs, 300))
			}
			members, err := datasets.ReadNPZ(out)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range members {
				if m.Name == "coeffs" {
					outs[i] = m.Array
				}
			}
			if outs[i] == nil {
				t.Fatalf("%s: no coeffs member", out)
			}
		}
		a, b := outs[0], outs[1]
		if len(a.Complex128) == 0 || len(a.Complex128) != len(b.Complex128) || a.Shape[0] != 5 {
			t.Fatalf("%s: shapes %v and %v", kind, a.Shape, b.Shape)
		}
		testutil.CompareScaled(t, kind[0]+" chunked", b.Complex128, a.Complex128, 1e-12, 1e-14)
	}
	wantBadInput(t, []string{"stats", mp, "--chunk", "-1"}, "--chunk -1")
}

func TestStatsWSTFormats(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 2)
	for _, ext := range []string{"npy", "npz", "json"} {
		out := filepath.Join(dir, "o."+ext)
		code, _, errs := runCLI(t, "stats", mp, "--kind", "wst", "-J", "3", "-o", out)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", ext, code, errs)
		}
		if st, err := os.Stat(out); err != nil || st.Size() == 0 {
			t.Fatalf("%s not written", out)
		}
	}
	a, err := datasets.Read(filepath.Join(dir, "o.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != 2 {
		t.Errorf("npy shape %v, want [2, K]", a.Shape)
	}
	var doc struct {
		Config       map[string]any   `json:"config"`
		Coefficients []map[string]any `json:"coefficients"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "o.json"))
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Config["kind"] != "wst" || len(doc.Coefficients) != 2*a.Shape[1] || doc.Coefficients[1]["class"] != "S1" {
		t.Errorf("json: config %v, %d coefficients, first %v", doc.Config, len(doc.Coefficients), doc.Coefficients[:2])
	}
	// config.map_shape is the input's [B, M, N] (it was always [0, 0, 0]).
	if ms, _ := json.Marshal(doc.Config["map_shape"]); string(ms) != "[2,64,64]" {
		t.Errorf("json: map_shape %s, want [2,64,64]", ms)
	}
	named, err := datasets.ReadNPZ(filepath.Join(dir, "o.npz"))
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, n := range named {
		have[n.Name] = true
	}
	for _, want := range []string{"S0", "S1", "S2", "P00", "coeffs"} {
		if !have[want] {
			t.Errorf("npz lacks %s (has %v)", want, have)
		}
	}
	// local WST: Kymatio layout [B, K, h, w]
	out := filepath.Join(dir, "local.npy")
	if code, _, errs := runCLI(t, "stats", mp, "--kind", "wst", "-J", "3", "-L", "8", "--local", "-o", out); code != 0 {
		t.Fatalf("local: %s", errs)
	}
	a, _ = datasets.Read(out)
	if len(a.Shape) != 4 || a.Shape[1] != 1+3*8+64*3 || a.Shape[2] != 8 {
		t.Errorf("local shape %v", a.Shape)
	}
	// one map: [K, h, w], as Kymatio's output for a 2D input
	one := writeTestMap(t, dir, "one.npy", 1)
	if code, _, errs := runCLI(t, "stats", one, "--kind", "wst", "-J", "3", "-L", "8", "--local", "-o", out); code != 0 {
		t.Fatalf("local, one map: %s", errs)
	}
	a, _ = datasets.Read(out)
	if len(a.Shape) != 3 || a.Shape[0] != 1+3*8+64*3 || a.Shape[1] != 8 {
		t.Errorf("local shape of one map %v", a.Shape)
	}
}

func TestStatsBadInput(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	trunc := filepath.Join(dir, "t.npy")
	b, _ := os.ReadFile(mp)
	os.WriteFile(trunc, b[:len(b)/2], 0o644)
	nan := filepath.Join(dir, "nan.npy")
	m := stlayer.NewMaps(1, 32, 32)
	m.Data[5] = 0 / func() float64 { return 0 }()
	datasets.WriteMaps(nan, m)
	cases := [][]string{
		{"stats", trunc, "-o", filepath.Join(dir, "x.npy")},
		{"stats", nan, "-o", filepath.Join(dir, "x.npy")},
		{"stats", mp, "-J", "7", "-o", filepath.Join(dir, "x.npy")},
		{"stats", filepath.Join(dir, "missing.npy")},
		{"stats", mp, "-o", filepath.Join(dir, "nodir", "x.npy")},
		{"stats", mp, "--format", "xml"},
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c...)
		if code != 2 {
			t.Errorf("%v: exit %d (want 2), stderr %q", c, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.npy")); err == nil {
		t.Error("an output was written despite bad input")
	}
}

func TestSynthSmall(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	out := filepath.Join(dir, "s.npy")
	rep := filepath.Join(dir, "rep")
	code, _, errs := runCLI(t, "synth", mp, "--kind", "wst", "-J", "3", "-n", "2", "--steps", "8", "--ps", "1", "--hist", "1", "-o", out, "--report", rep)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	a, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 3 || a.Shape[0] != 2 || a.Shape[1] != 64 || a.DType != "float32" {
		t.Errorf("output %v %s", a.Shape, a.DType)
	}
	for _, f := range []string{"metrics.json", "maps.png", "power_spectrum.png"} {
		if _, err := os.Stat(filepath.Join(rep, f)); err != nil {
			t.Errorf("report lacks %s", f)
		}
	}
	// same seed, same bytes
	out2 := filepath.Join(dir, "s2.npy")
	runCLI(t, "synth", mp, "--kind", "wst", "-J", "3", "-n", "2", "--steps", "8", "--ps", "1", "--hist", "1", "-o", out2)
	b1, _ := os.ReadFile(out)
	b2, _ := os.ReadFile(out2)
	if !bytes.Equal(b1, b2) {
		t.Error("same seed gave different bytes")
	}
	// constant target: bad input before any work
	c := stlayer.NewMaps(1, 64, 64)
	cp := filepath.Join(dir, "c.npy")
	datasets.WriteMaps(cp, c)
	if code, _, _ := runCLI(t, "synth", cp, "--kind", "wst", "-J", "3", "-o", filepath.Join(dir, "c_out.npy")); code != 2 {
		t.Errorf("constant target: exit %d, want 2", code)
	}
}

// sharedDir returns the shared/ folder beside the repository (fixtures and
// real maps; CI has it too), failing the test when it is missing.
func sharedDir(t *testing.T) string {
	t.Helper()
	sh := bench.FindShared()
	if sh == "" {
		t.Fatal("cannot find the shared/ folder (reference fixtures, data) beside the repository")
	}
	return sh
}

// The --kind scov --format npz output is Cheng's scattering_cov dictionary:
// same names, shapes and values as the fixture.
func TestStatsSCovNPZMatchesCheng(t *testing.T) {
	sh := sharedDir(t)
	out := filepath.Join(t.TempDir(), "c.npz")
	code, _, errs := runCLI(t, "stats", filepath.Join(sh, "reference", "dust256.npy"), "--kind", "scov", "-J", "6", "-L", "4", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got, err := datasets.ReadNPZ(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := datasets.ReadNPZ(filepath.Join(sh, "reference", "cheng_scattering_cov_J6_L4_dust256.npz"))
	if err != nil {
		t.Fatal(err)
	}
	gm := map[string]*datasets.Array{}
	for _, a := range got {
		gm[a.Name] = a.Array
	}
	for _, w := range want {
		switch w.Name {
		case "P00", "S1", "for_synthesis", "for_synthesis_iso", "C01":
		default:
			continue
		}
		g := gm[w.Name]
		if g == nil {
			t.Errorf("%s missing from the npz", w.Name)
			continue
		}
		if len(g.Shape) != len(w.Array.Shape) {
			t.Errorf("%s: shape %v, Cheng %v", w.Name, g.Shape, w.Array.Shape)
			continue
		}
		n := w.Array.Size()
		scale := 0.0
		val := func(a *datasets.Array, i int) complex128 {
			if a.Complex128 != nil {
				return a.Complex128[i]
			}
			return complex(a.Float64[i], 0)
		}
		for i := 0; i < n; i++ {
			scale = max(scale, cmplxAbs(val(w.Array, i)))
		}
		for i := 0; i < n; i++ {
			wv, gv := val(w.Array, i), val(g, i)
			if wv != wv || gv != gv { // NaN entries Cheng leaves uncomputed
				continue
			}
			if d := cmplxAbs(wv - gv); d > 1e-4*cmplxAbs(wv)+1e-6*scale {
				t.Errorf("%s[%d] = %v, Cheng %v", w.Name, i, gv, wv)
				break
			}
		}
	}
}

// --kind wph with PyWPH's defaults writes PyWPH's coefficient vector (same
// order, complex64) so that a PyWPH user can diff the two.
func TestStatsWPHMatchesPyWPH(t *testing.T) {
	sh := sharedDir(t)
	out := filepath.Join(t.TempDir(), "w.npy")
	code, _, errs := runCLI(t, "stats", filepath.Join(sh, "reference", "dust256.npy"), "--kind", "wph", "-J", "6", "-L", "4", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	got, err := datasets.Read(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := datasets.Read(filepath.Join(sh, "reference", "pywph_wph_J6_L4_dn0_dust256_coeffs.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if got.DType != "complex64" || len(got.Shape) != 1 || got.Shape[0] != want.Shape[0] {
		t.Fatalf("got %s %v, PyWPH %s %v", got.DType, got.Shape, want.DType, want.Shape)
	}
	scale := 0.0
	for _, v := range want.Complex128 {
		scale = max(scale, cmplxAbs(v))
	}
	for i, w := range want.Complex128 {
		if d := cmplxAbs(got.Complex128[i] - w); d > 1e-4*cmplxAbs(w)+1e-6*scale {
			t.Errorf("coefficient %d: %v, PyWPH %v", i, got.Complex128[i], w)
		}
	}
}

func TestStatsCross(t *testing.T) {
	dir := t.TempDir()
	a := writeTestMap(t, dir, "a.npy", 1)
	b := filepath.Join(dir, "b.npy")
	m := stlayer.NewMaps(1, 64, 64)
	f, _ := datasets.GaussianRandomField(64, 64, -2, 7)
	copy(m.Data, f)
	datasets.WriteMaps(b, m)
	for _, kind := range []string{"scov", "wph"} {
		out := filepath.Join(dir, kind+".json")
		if code, _, errs := runCLI(t, "stats", a, "--kind", kind, "-J", "3", "--cross", b, "-o", out); code != 0 {
			t.Errorf("%s cross: exit %d %s", kind, code, errs)
		}
	}
	// .npz: Cheng's scattering_cov_2fields dictionary (kinds aa, bb, ab, ba).
	npz := filepath.Join(dir, "scov.npz")
	if code, _, errs := runCLI(t, "stats", a, "--kind", "scov", "-J", "3", "--cross", b, "-o", npz); code != 0 {
		t.Fatalf("scov cross npz: exit %d %s", code, errs)
	}
	named, err := datasets.ReadNPZ(npz)
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string]string{}
	for _, n := range named {
		shapes[n.Name] = fmt.Sprint(n.Array.Shape)
	}
	for name, want := range map[string]string{"P00_a": "[1 3 4]", "P00_b_iso": "[1 3]", "Corr00": "[1 3 4]", "C01": "[1 4 3 3 4 4]", "C01_iso": "[1 4 3 3 4]", "Corr11": "[1 4 3 3 3 4 4 4]", "Corr11_iso": "[1 4 3 3 3 4 4]", "P11_b": "[1 3 3 4 4]", "coeffs": "[3008]"} {
		if shapes[name] != want {
			t.Errorf("cross npz member %s: shape %s, want %s", name, shapes[name], want)
		}
	}
	small := filepath.Join(dir, "small.npy")
	datasets.WriteMaps(small, stlayer.NewMaps(1, 32, 32))
	if code, _, _ := runCLI(t, "stats", a, "--kind", "scov", "-J", "3", "--cross", small); code != 2 {
		t.Errorf("mismatched --cross shape: exit %d, want 2", code)
	}
}

// TestUserBackendErr: a backend that fails to start because of the user's
// --backend or $GOMLX_BACKEND is bad input (exit 2) and names its source;
// otherwise the error stays an internal one (exit 1).
func TestUserBackendErr(t *testing.T) {
	base := errors.New("unknown backend \"bogus\"")
	t.Setenv("GOMLX_BACKEND", "")
	if err := userBackendErr("", base); err != base || exitCode(err, io.Discard) != 1 {
		t.Errorf("no user configuration: %v (exit %d), want the error unchanged (exit 1)", err, exitCode(err, io.Discard))
	}
	if err := userBackendErr("bogus", base); exitCode(err, io.Discard) != 2 || !strings.Contains(err.Error(), "--backend bogus") {
		t.Errorf("--backend: %v (exit %d)", err, exitCode(err, io.Discard))
	}
	t.Setenv("GOMLX_BACKEND", "bogus")
	if err := userBackendErr("", base); exitCode(err, io.Discard) != 2 || !strings.Contains(err.Error(), "$GOMLX_BACKEND=bogus") {
		t.Errorf("$GOMLX_BACKEND: %v (exit %d)", err, exitCode(err, io.Discard))
	}
	if userBackendErr("", nil) != nil {
		t.Error("nil error became non-nil")
	}
}

// TestNPZNoticeStyle: the datasets package's notice that an .npz of several
// arrays is read from its first member was printed through slog as a raw
// "time=… level=WARN msg=…" line; it is now a warning line of the command,
// and run restores the package's previous handler when it returns.
func TestNPZNoticeStyle(t *testing.T) {
	dir := t.TempDir()
	a := stlayer.NewMaps(1, 16, 16)
	for i := range a.Data {
		a.Data[i] = float64((i*7919)%101) / 101
	}
	aa, _ := datasets.MapsToArray(a, "float64")
	p := filepath.Join(dir, "two.npz")
	if err := datasets.WriteNPZ(p, []datasets.NamedArray{{Name: "first", Array: aa}, {Name: "second", Array: aa}}, false); err != nil {
		t.Fatal(err)
	}
	var seen []string
	outer := func(msg string) { seen = append(seen, msg) }
	prev := datasets.SetNotify(outer)
	defer datasets.SetNotify(prev)
	code, _, errs := runCLI(t, "stats", p, "--kind", "wst", "-J", "2", "-o", filepath.Join(dir, "c.npy"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := `stats: warning: ` + p + ` has 2 arrays (first, second): reading the first, "first"; choose one with FILE.npz:NAME` + "\n"
	if strings.Count(errs, want) != 1 || strings.Contains(errs, "level=") {
		t.Errorf("stderr should hold the notice once as\n%s and no slog record; got\n%s", want, errs)
	}
	if len(seen) != 0 {
		t.Errorf("the handler installed before run got %q during it", seen)
	}
	// After run, the handler in place before it is back.
	if _, err := datasets.ReadMaps(p); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || !strings.Contains(seen[0], "has 2 arrays") {
		t.Errorf("after run, the notice went elsewhere than the previous handler: %q", seen)
	}
}
