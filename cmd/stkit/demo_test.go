package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A tiny demo runs end to end: every step succeeds and index.html shows the
// figures it lists.
func TestDemoTiny(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, out, errs := runCLI(t, "demo", "-o", dir, "--size", "32", "--patches", "24", "--epochs", "3", "--steps", "6")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr (tail):\n%s", code, out, tail(errs, 3000))
	}
	var sum struct {
		Steps []struct {
			Name string
			Err  string
		} `json:"steps"`
		Numbers [][2]string `json:"numbers"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if len(sum.Steps) != 7 {
		t.Errorf("%d steps ran, want 7: %+v", len(sum.Steps), sum.Steps)
	}
	for _, s := range sum.Steps {
		if s.Err != "" {
			t.Errorf("step %s failed: %s", s.Name, s.Err)
		}
	}
	idx, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(idx)
	n := 0
	for _, part := range strings.Split(html, `<img src="`)[1:] {
		src := part[:strings.Index(part, `"`)]
		if _, err := os.Stat(filepath.Join(dir, src)); err != nil {
			t.Errorf("index.html shows a missing image %s", src)
		}
		n++
	}
	if n < 8 {
		t.Errorf("index.html shows %d images", n)
	}
	for _, want := range []string{"cluster accuracy", "confusion"} {
		if !strings.Contains(html, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if !strings.Contains(out, "index.html") {
		t.Errorf("summary table does not point to index.html:\n%s", out)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
