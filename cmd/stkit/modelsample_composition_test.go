package main

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestExportPrintsClusterComposition: export said per component only its weight and count, not
// which source files its patches came from (astro3: component 1 holds 196 Quijote and 47 dust
// patches, seen only through clusters --labels). It now prints, per component, its patches'
// count per source file, largest first ("its patches come from quijote_train.npy (196),
// dust_train.npy (47)"); the counts add up to the component's. clusterComposition returns ""
// when the provenance is unknown.
func TestExportPrintsClusterComposition(t *testing.T) {
	dir := modelsFixture(t)
	out := filepath.Join(t.TempDir(), "m")
	code, _, errs := runCLI(t, "export", filepath.Join(dir, "run"), "-o", out, "--samples", "10")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errs)
	}
	comp := regexp.MustCompile(`component (\d+): weight [0-9.]+ \((\d+) patches`)
	from := regexp.MustCompile(`(noise|smooth)\.npy \((\d+)\)`)
	lines := strings.Split(errs, "\n")
	seen := 0
	for i, l := range lines {
		m := comp.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		seen++
		want, _ := strconv.Atoi(m[2])
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "    its patches come from ") {
			t.Errorf("component %s: no composition line after %q", m[1], l)
			continue
		}
		sum := 0
		for _, f := range from.FindAllStringSubmatch(lines[i+1], -1) {
			n, _ := strconv.Atoi(f[2])
			sum += n
		}
		if sum != want {
			t.Errorf("component %s: %q adds up to %d, want %d", m[1], lines[i+1], sum, want)
		}
	}
	if seen != 2 {
		t.Errorf("%d component lines, want 2:\n%s", seen, errs)
	}
	if s := clusterComposition([]int{0, 1, 2}, []int{1, 0, 1}, []string{"a.npy", "b.npy"}); s != "b.npy (2), a.npy (1)" {
		t.Errorf("composition %q, want \"b.npy (2), a.npy (1)\"", s)
	}
	if s := clusterComposition([]int{0}, nil, nil); s != "" {
		t.Errorf("unknown provenance: %q, want \"\"", s)
	}
}
