package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A demo whose VAE put most lognormal and filaments patches in one cluster
// (seen at --size 32 --patches 20 --epochs 2) passed "--components 2,2" to
// stkit separate, which refused a model named twice, a flag the user never
// gave. The demo's step 7 now says what happened.
func TestDemoforce18SeparationComponents(t *testing.T) {
	dir := t.TempDir()
	write := func(rows ...string) string {
		p := filepath.Join(dir, "a.csv")
		if err := os.WriteFile(p, []byte("id,source,cluster\n"+strings.Join(rows, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// lognormal: 2 of 3 patches in cluster 1; filaments: 2 of 3 in cluster 0
	p := write("0,d/gaussian.npy,2", "1,d/lognormal.npy,1", "2,d/lognormal.npy,1", "3,d/lognormal.npy,0",
		"4,d/filaments.npy,0", "5,d/filaments.npy,0", "6,d/filaments.npy,2")
	if got, err := demoComponentsFor(p, []int{1, 2}); err != nil || got != "1,0" {
		t.Errorf("got %q, %v; want 1,0", got, err)
	}
	// both mostly in cluster 2
	p = write("0,d/gaussian.npy,0", "1,d/lognormal.npy,2", "2,d/lognormal.npy,2", "3,d/lognormal.npy,1",
		"4,d/filaments.npy,2", "5,d/filaments.npy,2", "6,d/filaments.npy,1")
	got, err := demoComponentsFor(p, []int{1, 2})
	if err == nil || !strings.Contains(err.Error(), "the lognormal and filaments patches lie mostly in the same component (2): the VAE did not tell these processes apart") {
		t.Errorf("got %q, %v", got, err)
	}
}
