package main

import (
	"fmt"
	"os"
	"runtime"

	"github.com/stkit-org/stkit/internal/backend"
)

func init() {
	register(&command{name: "version", summary: "print the module version and commit, Go version, backend and engine in use", run: runVersion})
}

func runVersion(g *globals, args []string) error {
	fs := newFlagSet(g, "version", "", "Print stkit's module version and commit, the Go version, the GoMLX backend that would run and the statistics engine.")
	if pos, err := parseFlags(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return badInputf("%s takes no arguments, got %q", "version", pos)
	}
	// the module version and the commit (buildVersion: the build's
	// vcs.revision; "unknown (built with -buildvcs=false)" without VCS
	// stamping), which the outputs' provenance records too
	ver, rev, mod, vt := buildVersion()
	fmt.Fprintf(g.stdout, "stkit %s (github.com/stkit-org/stkit)\n", ver)
	commit := rev
	if mod != nil && *mod {
		commit += " (modified: uncommitted changes)"
	}
	if vt != "" {
		commit += ", " + vt
	}
	fmt.Fprintf(g.stdout, "commit:  %s\n", commit)
	fmt.Fprintf(g.stdout, "go:      %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	b, cfg, err := backend.New(g.backend)
	if err != nil {
		return fmt.Errorf("backend: %w", userBackendErr(g.backend, err))
	}
	fmt.Fprintf(g.stdout, "backend: %s\n", backend.Description(b, cfg))
	fmt.Fprintf(g.stdout, "xla:     compiled in: %v; PJRT plugins found: %d\n", backend.XLACompiled(), len(backend.FindPlugins()))
	if !backend.IsPureGo(b) {
		// what the XLA backend runs with (on NVIDIA GPUs stkit turns TF32
		// off unless STKIT_TF32 is true: README, GPU)
		fmt.Fprintf(g.stdout, "xla env: XLA_FLAGS=%q NVIDIA_TF32_OVERRIDE=%q %s=%q\n",
			os.Getenv("XLA_FLAGS"), os.Getenv("NVIDIA_TF32_OVERRIDE"), backend.TF32Env, os.Getenv(backend.TF32Env))
	}
	b.Finalize()
	// chooseEngine: an unknown --engine is bad input (exit 2; engine.New's
	// error alone gave exit 1).
	c, err := chooseEngine(g)
	if err != nil {
		return err
	}
	fmt.Fprintf(g.stdout, "engine:  %s\n", c.Description)
	return nil
}
