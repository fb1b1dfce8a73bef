package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// With a target of several maps synth matches every synthesis to the mean
// of Φ over them with per-coefficient std weights (--weights auto), but
// neither the console nor metrics.json's settings said so (no "weights"
// entry). synth now prints what it does with the maps and records
// target_maps, weights and weights_zero; one map: weights mean, no note.
func TestSynthAveragedTargetWeightsRecorded(t *testing.T) {
	dir := t.TempDir()
	three := writeGRFMaps(t, dir, "three.npy", 3, 16, 1)
	one := writeGRFMaps(t, dir, "one.npy", 1, 16, 7)
	coeffs := regexp.MustCompile(`, (\d+) coefficients, engine`)
	zeroNote := regexp.MustCompile(`; (\d+) of (\d+) coefficients, constant over the maps, weigh 0\)`)
	for _, c := range []struct {
		name, target string
		extra        []string
		maps         int
		weights      string
		note         string
	}{
		{"auto", three, nil, 3, "std", "target of 3 maps: each synthesis matches the mean of Φ over them (not any one map), coefficient k weighted 1/(K σ_k²), K = %s coefficients, σ_k its std over the 3 maps (--weights std"},
		{"mean", three, []string{"--weights", "mean"}, 3, "mean", "target of 3 maps: each synthesis matches the mean of Φ over them (not any one map), every coefficient weighted 1/K, K = %s coefficients (--weights mean)"},
		{"one map", one, nil, 1, "mean", ""},
	} {
		rep := filepath.Join(dir, "rep-"+strings.ReplaceAll(c.name, " ", ""))
		args := append([]string{"--engine", "cpu", "synth", c.target, "-J", "2", "--steps", "1", "-o", rep + ".npy", "--report", rep}, c.extra...)
		code, _, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, code, tail(errs, 600))
		}
		m := coeffs.FindStringSubmatch(errs)
		if m == nil {
			t.Fatalf("%s: no coefficient count in the summary:\n%s", c.name, tail(errs, 600))
		}
		if c.note != "" && !strings.Contains(errs, "synth: note: "+fmt.Sprintf(c.note, m[1])) {
			t.Errorf("%s: stderr lacks %q:\n%s", c.name, fmt.Sprintf(c.note, m[1]), tail(errs, 800))
		}
		if c.note == "" && strings.Contains(errs, "each synthesis matches the mean") {
			t.Errorf("%s: a one-map target has the averaging note:\n%s", c.name, tail(errs, 800))
		}
		raw, err := os.ReadFile(filepath.Join(rep, "metrics.json"))
		if err != nil {
			t.Fatal(err)
		}
		var vm struct {
			Settings struct {
				TargetMaps  int     `json:"target_maps"`
				Weights     *string `json:"weights"`
				WeightsZero *int    `json:"weights_zero"`
			} `json:"settings"`
		}
		if err := json.Unmarshal(raw, &vm); err != nil {
			t.Fatal(err)
		}
		// std weights leave out the coefficients constant over the maps (the
		// normalised ones); the note counts them as metrics.json does
		zero := 0
		if z := zeroNote.FindStringSubmatch(errs); z != nil {
			if z[2] != m[1] {
				t.Errorf("%s: the note counts %s coefficients, the summary %s", c.name, z[2], m[1])
			}
			zero, _ = strconv.Atoi(z[1])
		}
		if c.weights == "std" && zero == 0 {
			t.Errorf("%s: no coefficient of weight 0 noted (the normalised scov vector has constant ones):\n%s", c.name, tail(errs, 800))
		}
		s := vm.Settings
		if s.TargetMaps != c.maps || s.Weights == nil || *s.Weights != c.weights || s.WeightsZero == nil || *s.WeightsZero != zero {
			t.Errorf("%s: settings target_maps %d, weights %s, weights_zero %s; want %d, %q, %d", c.name, s.TargetMaps, show(s.Weights), show(s.WeightsZero), c.maps, c.weights, zero)
		}
	}
}

// show prints a JSON field read through a pointer: its value, or "absent".
func show[T any](p *T) string {
	if p == nil {
		return "absent"
	}
	return fmt.Sprint(*p)
}
