package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// separate --contaminant DIR refused a folder of sample maps ("is a
// folder"): folders and comma-separated lists are read as synth reads its
// TARGET (their maps together), and an output written into such a folder is
// refused (exit 2); the folder run and the list run of the same 3 maps give
// the same separation. "separate -o x.npy mix.npy c.npy" said "needs one
// DATA map": it now suggests --contaminant c.npy. --models --steps 5 said
// "want A,B or A,B,E": it now says a single total is the samples' form.
func TestSynthcli18SeparateSampleFolders(t *testing.T) {
	dir := t.TempDir()
	s, err := datasets.GaussianRandomField(32, 32, -3, 1)
	if err != nil {
		t.Fatal(err)
	}
	cdir := filepath.Join(dir, "cib")
	if err := os.Mkdir(cdir, 0o755); err != nil {
		t.Fatal(err)
	}
	var list []string
	d := &stlayer.Maps{B: 1, M: 32, N: 32, Data: append([]float64(nil), s...)}
	for i := 0; i < 4; i++ {
		c, err := datasets.WhiteNoise(32, 32, uint64(40+i))
		if err != nil {
			t.Fatal(err)
		}
		for j := range c {
			c[j] *= 0.3
		}
		if i == 3 { // the contaminant in the data
			for j := range c {
				d.Data[j] += c[j]
			}
			break
		}
		p := filepath.Join(cdir, "c"+string(rune('0'+i))+".npy")
		if err := datasets.WriteMaps(p, &stlayer.Maps{B: 1, M: 32, N: 32, Data: c}); err != nil {
			t.Fatal(err)
		}
		list = append(list, p)
	}
	mix := filepath.Join(dir, "mix.npy")
	if err := datasets.WriteMaps(mix, d); err != nil {
		t.Fatal(err)
	}
	fromDir, fromList := filepath.Join(dir, "dir.npy"), filepath.Join(dir, "list.npy")
	for _, c := range [][2]string{{cdir, fromDir}, {strings.Join(list, ","), fromList}} {
		code, _, errs := runCLI(t, "separate", mix, "--contaminant", c[0], "--steps", "8", "--log-every", "100", "-o", c[1])
		if code != 0 || !strings.Contains(errs, "batch 3 of 3 samples") {
			t.Fatalf("--contaminant %s: exit %d (want 0, 'batch 3 of 3 samples'):\n%s", c[0], code, tail(errs, 800))
		}
	}
	a, err := datasets.ReadMaps(fromDir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := datasets.ReadMaps(fromList)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("the folder and the list of the same samples give different separations (pixel %d: %g vs %g)", i, a.Data[i], b.Data[i])
		}
	}
	inside := filepath.Join(cdir, "sep.npy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"separate", mix, "--contaminant", cdir, "--steps", "8", "-o", inside}, "read as a set of maps (--contaminant)"},
		{[]string{"separate", "-o", filepath.Join(dir, "x.npy"), mix, list[0]}, "give the samples of what is to be removed with a flag, --contaminant " + list[0]},
	} {
		code, _, errs := runCLI(t, c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d (want 2), want %q in\n%s", c.args, code, c.want, tail(errs, 600))
		}
	}
	if _, err := os.Stat(inside); err == nil {
		t.Errorf("wrote %s into the samples' folder", inside)
	}
	models := filepath.Join(modelsFixture(t), "models")
	code, _, errs := runCLI(t, "separate", mix, "--models", models, "--components", "0,1", "--steps", "5", "-o", filepath.Join(dir, "m.npy"))
	if code != 2 || !strings.Contains(errs, "--steps 5: with --models want A,B or A,B,E") || !strings.Contains(errs, "e.g. --steps 0,5") {
		t.Errorf("--models --steps 5: exit %d (want 2), want the A,B form and 'e.g. --steps 0,5' in\n%s", code, tail(errs, 600))
	}
}
