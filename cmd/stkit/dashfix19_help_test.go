package main

import (
	"strings"
	"testing"
)

// stats --help says that the spectra dashboard draws the mean over scales
// (the k = 0 row / √N), that the scov dashboard's C01, C11 are divided by
// √(P00·P00), and that S4 is judged against phase surrogates, not 0 (a
// Gaussian field's S4 is not 0: turb, 8 GRFs with dust I_1's spectrum).
func TestDashfix19HelpS4Baseline(t *testing.T) {
	_, out, errs := runCLI(t, "stats", "--help")
	h := strings.Join(strings.Fields(out+errs), " ")
	for _, want := range []string{
		"judge S4 against phase surrogates (stkit surrogate), not against 0",
		"The k = 0 row is √N × the mean over the N absolute scales",
		"C01 and C11 divided by √(P00·P00) per scale",
		"the S3/S4 spectra as means over the scales (DCT mode 0 / √N)",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("stats --help lacks %q", want)
		}
	}
}
