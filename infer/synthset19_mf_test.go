package infer

import (
	"math"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// The Minkowski yardstick of a mean of K syntheses against a mean of N
// targets is the standard error σ√(1/K + 1/N): with N = 6 targets and K = 4
// syntheses, MFStdErr = MFSpread·√(1/4 + 1/6), MFDevStdErr = MFDevSigma /
// √(1/4 + 1/6), MFMaxStdErr its largest |·| (> MFMaxSigma); MFPerSynth
// holds each synthesis's functionals, whose mean is MFSynth and whose std
// is MFSynthStd; the band's legend names K and N.
func TestSynthset19MFStandardError(t *testing.T) {
	const s = 32
	set := synthsetSet(6, s)
	other := synthsetSet(10, s)
	syn := &stlayer.Maps{B: 4, M: s, N: s, Data: other.Data[6*s*s:]}
	for i := range syn.Data {
		syn.Data[i] = 1 + 1.2*(syn.Data[i]-1) // a wider synthesis: deviations
	}
	vm, err := ValidateWith(set, syn, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	se := math.Sqrt(1.0/4 + 1.0/6)
	if vm.MFSyntheses != 4 || vm.MFTargets != 6 || len(vm.MFPerSynth) != 4 || len(vm.MFSynthStd) != 3 || len(vm.MFStdErr) != 3 {
		t.Fatalf("K %d, N %d, %d per-synthesis rows, synth std %d, standard errors %d; want 4, 6, 4, 3, 3", vm.MFSyntheses, vm.MFTargets, len(vm.MFPerSynth), len(vm.MFSynthStd), len(vm.MFStdErr))
	}
	mx := 0.0
	for f := 0; f < 3; f++ {
		for i := range vm.MFNu {
			if d := vm.MFStdErr[f][i] - vm.MFSpread[f][i]*se; math.Abs(d) > 1e-12*vm.MFSpread[f][i] {
				t.Errorf("V%d ν=%g: standard error %g, σ√(1/K+1/N) %g", f, vm.MFNu[i], vm.MFStdErr[f][i], vm.MFSpread[f][i]*se)
			}
			if d := vm.MFDevStdErr[f][i] - vm.MFDevSigma[f][i]/se; math.Abs(d) > 1e-9*math.Abs(vm.MFDevSigma[f][i]/se) {
				t.Errorf("V%d ν=%g: deviation %g standard errors, %g σ / √(1/K+1/N) = %g", f, vm.MFNu[i], vm.MFDevStdErr[f][i], vm.MFDevSigma[f][i], vm.MFDevSigma[f][i]/se)
			}
			mx = math.Max(mx, math.Abs(vm.MFDevStdErr[f][i]))
			var m, v float64
			for k := range vm.MFPerSynth {
				m += vm.MFPerSynth[k][f][i] / 4
			}
			for k := range vm.MFPerSynth {
				d := vm.MFPerSynth[k][f][i] - m
				v += d * d / 3
			}
			if math.Abs(m-vm.MFSynth[f][i]) > 1e-12 || math.Abs(math.Sqrt(v)-vm.MFSynthStd[f][i]) > 1e-12 {
				t.Errorf("V%d ν=%g: per-synthesis mean %g std %g; MFSynth %g, MFSynthStd %g", f, vm.MFNu[i], m, math.Sqrt(v), vm.MFSynth[f][i], vm.MFSynthStd[f][i])
			}
		}
	}
	t.Logf("MF max deviation %.3f standard errors, %.3f σ of one map", vm.MFMaxStdErr, vm.MFMaxSigma)
	if vm.MFMaxStdErr != mx || !(vm.MFMaxStdErr > vm.MFMaxSigma) || !(vm.MFMaxSigma > 0) {
		t.Errorf("MFMaxStdErr %g, want the largest |deviation| %g (> MFMaxSigma %g > 0)", vm.MFMaxStdErr, mx, vm.MFMaxSigma)
	}
	if l := mfBandLabel(vm); !strings.Contains(l, "2σ√(1/K+1/N), K=4, N=6") {
		t.Errorf("band label %q", l)
	}
	// one target, no reference: no yardstick, but the per-synthesis values
	one, err := ValidateWith(&stlayer.Maps{B: 1, M: s, N: s, Data: set.Data[:s*s]}, syn, ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if one.MFStdErr != nil || one.MFMaxStdErr != 0 || len(one.MFPerSynth) != 4 {
		t.Errorf("one target: standard errors %v, max %g, %d per-synthesis rows; want none, 0, 4", one.MFStdErr, one.MFMaxStdErr, len(one.MFPerSynth))
	}
}
