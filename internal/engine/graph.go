package engine

import (
	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/graph"
)

func init() {
	graphFactory = func(cfg string) (stlayer.Engine, string, error) {
		b, used, err := backend.New(cfg)
		if err != nil {
			return nil, "", err
		}
		e := graph.New(b)
		return e, "graph (GoMLX) on " + backend.Description(b, used), nil
	}
}
