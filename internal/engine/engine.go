// Package engine chooses the statistics engine, in one place: the plain-Go CPU
// engine (stlayer/cpu) whenever the GoMLX backend is the pure-Go one, the
// GoMLX graph engine (stlayer/graph) on XLA; "cpu" or "graph" force one.
package engine

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/gomlx/gomlx/backends"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// graphFactory builds the GoMLX graph engine on backend b, started from the
// configuration backendConfig (used: the configuration it was started with,
// for the description); when b is nil it starts one (newBackend). It is set
// by the graph engine's registration (see graph.go) so that this package
// stays buildable while the graph engine evolves.
var graphFactory func(b backends.Backend, backendConfig string) (stlayer.Engine, string, error)

// Choice describes the engine picked.
type Choice struct {
	Engine      stlayer.Engine
	Name        string // "cpu" or "graph"
	Description string // engine and backend, for logs and `stkit version`
}

// New returns the engine for name ("auto", "", "cpu" or "graph") and a GoMLX
// backend configuration ("" = automatic, see internal/backend).
//
// auto: when backendConfig is empty and neither GOMLX_BACKEND nor a PJRT
// plugin found on disk selects another backend than the pure-Go one (an unset
// or blank GOMLX_BACKEND, or one naming the "go" backend with any options),
// the CPU engine is used without starting any GoMLX backend at all.
// Otherwise the backend is started once: the graph engine runs on it, or,
// when it turns out to be the pure-Go one, it is finalised and the CPU
// engine is used. "graph" starts one backend for the graph engine.
func New(name, backendConfig string) (*Choice, error) {
	switch name {
	case "", "auto":
		if backendConfig == "" {
			if _, cfg, _ := backendConfigOnly(); backend.IsPureGoConfig(cfg) {
				return cpuChoice(), nil
			}
		}
		b, cfg, err := newBackend(backendConfig)
		if err != nil {
			return nil, err
		}
		if backend.IsPureGo(b) || graphFactory == nil {
			slog.Debug("engine", "choice", "cpu", "backend", cfg)
			b.Finalize()
			return cpuChoice(), nil
		}
		return graphChoice(b, cfg)
	case "cpu":
		return cpuChoice(), nil
	case "graph":
		if graphFactory == nil {
			return nil, fmt.Errorf("the graph engine is not built into this binary")
		}
		return graphChoice(nil, backendConfig)
	}
	return nil, fmt.Errorf("unknown engine %q (want auto, cpu or graph)", name)
}

func cpuChoice() *Choice {
	e := cpu.New()
	kernels := "Go loops"
	if cpu.SIMD() {
		kernels = "AVX2 kernels"
	}
	return &Choice{Engine: e, Name: "cpu", Description: fmt.Sprintf("cpu (plain Go, %s, %d workers)", kernels, e.Workers())}
}

func graphChoice(b backends.Backend, cfg string) (*Choice, error) {
	e, desc, err := graphFactory(b, cfg)
	if err != nil {
		return nil, err
	}
	return &Choice{Engine: e, Name: "graph", Description: desc}, nil
}

// newBackend is backend.New (a variable for the tests).
var newBackend = backend.New

// backendConfigOnly reports which configuration automatic selection would use
// without starting a backend, as backend.New("") chooses it: the env var
// unless unset or blank, else an XLA plugin found on disk, else the pure-Go
// default.
func backendConfigOnly() (string, string, error) {
	if v, ok := lookupEnv(backend.EnvVar); ok && strings.TrimSpace(v) != "" {
		return "env", strings.TrimSpace(v), nil
	}
	if backend.XLACompiled() && len(backend.FindPlugins()) > 0 {
		return "plugin", "xla", nil
	}
	return "default", backend.PureGoConfig, nil
}
