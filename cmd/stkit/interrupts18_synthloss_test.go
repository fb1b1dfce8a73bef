package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/stlayer"
)

// synth returned infer.NewSynthLoss's input errors unwrapped, exit 1: a
// target batch of two identical maps (std weights undefined) and a target
// with no power in a band of the --ps term are bad input, exit 2, naming
// the target.
func TestInterrupts18SynthLossInputExit2(t *testing.T) {
	dir := t.TempDir()
	x, err := datasets.LogNormalField(32, 32, -2.5, 0.8, 3)
	if err != nil {
		t.Fatal(err)
	}
	dup := filepath.Join(dir, "dup.npy")
	if err := datasets.WriteMaps(dup, &stlayer.Maps{B: 2, M: 32, N: 32, Data: append(append([]float64{}, x...), x...)}); err != nil {
		t.Fatal(err)
	}
	stripe := filepath.Join(dir, "stripe.npy")
	st := stlayer.NewMaps(1, 32, 32)
	for i := range 32 {
		for j := range 32 {
			st.Data[i*32+j] = float64(i % 2)
		}
	}
	if err := datasets.WriteMaps(stripe, st); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{dup}, "stkit: " + dup + ": target scov: no coefficient varies over the 2 target maps"},
		{[]string{stripe, "--kind", "wph"}, "stkit: " + stripe + ": power-spectrum target: map 0 has power 0"},
	} {
		code, _, errs := runCLI(t, append(append([]string{"synth"}, c.args...), "-J", "3", "--steps", "2", "-o", filepath.Join(dir, "o.npy"))...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d (want 2), want %q in\n%s", c.args, code, c.want, tail(errs, 800))
		}
	}
	if e := synthLossError("t.npy", os.ErrNotExist); e != os.ErrNotExist {
		t.Errorf("synthLossError changed a non-input error: %v", e)
	}
}
