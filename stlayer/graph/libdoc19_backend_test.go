package graph

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/internal/gfft"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestLibdoc19NewBackendSpecs pins the exported backend choice: a bare "go"
// becomes the sequential pure-Go backend (the parallel default deadlocked on
// 2 cores), "" follows $GOMLX_BACKEND as the CLI does, an unknown backend is
// an error naming it, and the FFT constants are the engine's methods.
func TestLibdoc19NewBackendSpecs(t *testing.T) {
	if PureGoSpec != "go:ops_sequential" {
		t.Fatalf("PureGoSpec = %q", PureGoSpec)
	}
	for _, c := range []struct{ spec, env, want string }{
		{"go", "", "go:ops_sequential"},
		{" go ", "", "go:ops_sequential"},
		{"go:ops_parallel", "", "go:ops_parallel"},
		{"", "go", "go:ops_sequential"},
		{"", " go:ops_sequential ", "go:ops_sequential"},
	} {
		t.Setenv(backend.EnvVar, c.env)
		e, err := NewFromSpec(c.spec)
		if err != nil {
			t.Fatalf("NewFromSpec(%q) with $%s=%q: %v", c.spec, backend.EnvVar, c.env, err)
		}
		if e.Config() != c.want || e.Name() != "graph:go" || !backend.IsPureGo(e.Backend()) {
			t.Errorf("NewFromSpec(%q) with $%s=%q: config %q name %q, want %q on the pure-Go backend", c.spec, backend.EnvVar, c.env, e.Config(), e.Name(), c.want)
		}
		e.Backend().Finalize()
		b, err := NewBackend(c.spec)
		if err != nil || !backend.IsPureGo(b) {
			t.Fatalf("NewBackend(%q): %v, %v", c.spec, b, err)
		}
		b.Finalize()
	}
	t.Setenv(backend.EnvVar, "")
	b, err := NewBackend("nosuchbackend:x")
	if err == nil || b != nil || !strings.Contains(err.Error(), `"nosuchbackend"`) || !strings.Contains(err.Error(), "go") {
		t.Errorf("NewBackend(unknown) = %v, %v; want an error naming it and the available backends", b, err)
	}
	if e, err := NewFromSpec("nosuchbackend"); err == nil || e != nil {
		t.Errorf("NewFromSpec(unknown) = %v, %v; want an error", e, err)
	}
	for _, c := range []struct {
		m    FFTMethod
		g    gfft.Method
		name string
	}{{FFTAuto, gfft.Auto, "auto"}, {FFTNative, gfft.Native, "native"}, {FFTFourStep, gfft.FourStep, "four-step"}} {
		if c.m != c.g || c.m.String() != c.name {
			t.Errorf("FFT method %v: want %v (%s)", c.m, c.g, c.name)
		}
		if e := New(nil, WithFFTMethod(c.m)); e.method != c.g {
			t.Errorf("WithFFTMethod(%v): engine method %v", c.m, e.method)
		}
	}
	if FFTAuto != (FFTMethod(0)) {
		t.Error("FFTAuto is not the zero value (the default)")
	}
}

// TestLibdoc19FinalizeReuse pins what the engine_doc patch documents:
// Finalize drops the compiled graphs but leaves the engine usable (the next
// Forward compiles again and gives the same values), and NewDefault engines
// share one process-wide backend.
func TestLibdoc19FinalizeReuse(t *testing.T) {
	e, err := NewFromSpec(PureGoSpec)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Backend().Finalize()
	op, err := stats.Build(stats.Spec{Kind: stats.WST, J: 2, L: 2}, 16, 16)
	if err != nil {
		t.Fatal(err)
	}
	x := stlayer.NewMaps(1, 16, 16)
	for i := range x.Data {
		x.Data[i] = float64(i%7) - 3 + 0.1*float64(i/16)
	}
	before, err := e.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	if e.NumExecs() != 1 {
		t.Fatalf("%d compiled graphs after one Forward, want 1", e.NumExecs())
	}
	e.Finalize()
	if e.NumExecs() != 0 {
		t.Fatalf("%d compiled graphs after Finalize, want 0", e.NumExecs())
	}
	after, err := e.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatalf("Forward after Finalize: %v", err)
	}
	if e.NumExecs() != 1 {
		t.Errorf("%d compiled graphs after Forward again, want 1 (recompiled)", e.NumExecs())
	}
	for i, v := range after.Data {
		if v != before.Data[i] {
			t.Fatalf("value %d: %v after Finalize, %v before", i, v, before.Data[i])
		}
	}
	t.Setenv(backend.EnvVar, "go")
	d1, err := NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	d2, err := NewDefault()
	if err != nil {
		t.Fatal(err)
	}
	if d1.Backend() != d2.Backend() {
		t.Error("two NewDefault engines have different backends; the doc says one process-wide backend")
	}
}
