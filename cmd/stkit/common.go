package main

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/internal/engine"
	"github.com/stkit-org/stkit/stlayer"
)

// readMaps reads a map file as a batch [B, M, N]; file problems are bad input.
func readMaps(path string) (*stlayer.Maps, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, badInputf("%s: %v", path, errors.Unwrap(err))
	}
	m, err := datasets.ReadMaps(path)
	if err != nil {
		return nil, asBadInput(err)
	}
	return m, nil
}

// validate checks maps for an operator with J scales (bad input on failure).
func validate(path string, m *stlayer.Maps, J int) error {
	if err := datasets.ValidateMaps(m, J); err != nil {
		return badInputf("%s: %v", path, err)
	}
	return nil
}

// chooseEngine picks the statistics engine from the global flags.
func chooseEngine(g *globals) (*engine.Choice, error) {
	c, err := engine.New(g.engine, g.backend)
	if err != nil {
		return nil, badInputf("%v", err)
	}
	slog.Info("statistics engine", "engine", c.Description)
	return c, nil
}

// checkOutput refuses an output path whose directory does not exist, before
// any work is done.
func checkOutput(path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return badInputf("output directory %s does not exist", dir)
	}
	return nil
}

func plural(n int, s string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, s)
	}
	if strings.HasSuffix(s, "ch") || strings.HasSuffix(s, "s") {
		return fmt.Sprintf("%d %ses", n, s)
	}
	return fmt.Sprintf("%d %ss", n, s)
}

// isSet reports whether flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}
