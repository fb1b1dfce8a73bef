package engine

import (
	"github.com/gomlx/gomlx/backends"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/graph"
)

func init() {
	graphFactory = func(b backends.Backend, cfg string) (stlayer.Engine, string, error) {
		used := cfg
		if b == nil {
			var err error
			if b, used, err = newBackend(cfg); err != nil {
				return nil, "", err
			}
		}
		e := graph.New(b, graph.WithConfig(used))
		return e, "graph (GoMLX) on " + backend.Description(b, used), nil
	}
}
