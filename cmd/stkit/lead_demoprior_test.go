package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The demo's separation summary gives the Gaussian-field prior's value at
// the end when metrics.json records it (settings.gauss_prior_term, 2bd82c8):
// "the rest of the loss" alone left the reader to subtract.
func TestDemoSeparationLossPriorValue(t *testing.T) {
	p := filepath.Join(t.TempDir(), "metrics.json")
	if err := os.WriteFile(p, []byte(`{"final_term_values": [1.08, 2.48], "iterations": 187, "settings": {"gauss_prior": 30, "stopped_early": [false], "gauss_prior_term": {"start": [150, 148.8], "end": [150.1, 150.2]}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := demoSeparationLoss(p, []string{"lognormal", "filaments"})
	if err != nil {
		t.Fatal(err)
	}
	if want := "the rest of the loss plotted in loss.png, 300.3 at the end"; !strings.Contains(got, want) {
		t.Errorf("summary lacks %q:\n%s", want, got)
	}
}
