package main

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestFixa23UnusedFlagsNamed: a run with the patch prior alone names every
// unused flag given in its header and its warning (stderr and
// settings.warnings), as settings.unused records them: --stride and
// --min-fraction alone, and with --positive and --gauss-prior; none given,
// no warning. Fails on the old code (--stride 8 --min-fraction 0.5 were
// recorded in settings.unused but the header named steps, tau and init
// only, and no warning was printed; with --positive 0 the warning named
// --positive alone).
func TestFixa23UnusedFlagsNamed(t *testing.T) {
	dir := modelsFixture(t)
	work := t.TempDir()
	pp := exportPatchPriorFixture(t, dir, work)
	mix := filepath.Join(dir, "mix.npy")
	const tail = ": unused, no L-BFGS stage runs (they act only there); --patch-prior off runs the statistics with them"
	for _, c := range []struct {
		name, header, warning string
		args                  []string
		unused                map[string]any
	}{
		{"stat", "steps, tau, init, --stride 8 and --min-fraction 0.5", "--stride 8 and --min-fraction 0.5" + tail,
			[]string{"--stride", "8", "--min-fraction", "0.5"}, map[string]any{"stride": "8", "min_fraction": "0.5"}},
		{"all", "steps, tau, init, --positive 0, --gauss-prior 5, --stride 8 and --min-fraction 0.5",
			"--positive 0 (nothing keeps those components ≥ 0), --gauss-prior 5, --stride 8 and --min-fraction 0.5" + tail,
			[]string{"--min-fraction", "0.5", "--gauss-prior", "5", "--stride", "8", "--positive", "0"},
			map[string]any{"stride": "8", "min_fraction": "0.5", "positive": "0", "gauss_prior": "5"}},
		{"none", "steps, tau and init", "", nil, nil},
	} {
		rep := filepath.Join(work, c.name)
		args := append([]string{"separate", mix, "--models", pp, "--components", "0,1", "-o", rep + ".npy", "--report", rep}, c.args...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s", c.name, code, errs)
		}
		if want := "the patch-prior estimate alone (no L-BFGS stage: " + c.header + " unused), engine "; !strings.Contains(errs, want) {
			t.Errorf("%s: header lacks %q\n%s", c.name, want, errs)
		}
		st := pfixcliSettings(t, rep)
		var warns []string
		if ws, ok := st["warnings"].([]any); ok {
			for _, w := range ws {
				if s, ok := w.(string); ok && strings.HasSuffix(s, tail) {
					warns = append(warns, s)
				}
			}
		}
		if c.warning == "" {
			if strings.Contains(errs, tail) || len(warns) != 0 {
				t.Errorf("%s: an unused-flag warning without flags given\n%s", c.name, errs)
			}
		} else {
			if !strings.Contains(errs, "separate: warning: "+c.warning+"\n") {
				t.Errorf("%s: stderr lacks the warning %q\n%s", c.name, c.warning, errs)
			}
			if !slices.Equal(warns, []string{c.warning}) {
				t.Errorf("%s: settings.warnings %q, want [%q]", c.name, warns, c.warning)
			}
		}
		var want any
		if c.unused != nil {
			want = c.unused
		}
		if u := st["unused"]; !reflect.DeepEqual(u, want) {
			t.Errorf("%s: settings.unused %v, want %v", c.name, u, want)
		}
	}
}
