package infer

import (
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// TestMinkowskiWindowRamp checks MinkowskiFunctionalsWindow against hand
// values on a ramp x[i, j] = i cut at rows ≥ m/2: one straight boundary of
// n − 1 cells of length 1 and one rectangle (Euler characteristic 1) in the
// window, where the periodic functionals also count the wrap-around jump
// from row m − 1 to row 0 (a second boundary, and a band round the torus:
// χ = 0).
func TestMinkowskiWindowRamp(t *testing.T) {
	const m, n = 8, 6
	x := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			x[i*n+j] = float64(i)
		}
	}
	nu := []float64{float64(m)/2 - 0.5}
	w := MinkowskiFunctionalsWindow(x, m, n, 0, 1, nu)
	p := MinkowskiFunctionals(x, m, n, 0, 1, nu)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"window V0", w.V0[0], 0.5},
		{"window V1 = (n−1)/((m−1)(n−1))/4", w.V1[0], 1.0 / (4 * (m - 1))},
		{"window V2 = 1/(mn)", w.V2[0], 1.0 / (m * n)},
		{"periodic V0", p.V0[0], 0.5},
		{"periodic V1 = 2n/(mn)/4", p.V1[0], 2.0 * n / (m * n) / 4},
		{"periodic V2", p.V2[0], 0},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %g, want %g", c.name, c.got, c.want)
		}
	}
	// one pixel above threshold: one component, no boundary cell at the edge
	y := make([]float64, m*n)
	y[0] = 1
	w = MinkowskiFunctionalsWindow(y, m, n, 0, 1, []float64{0.5})
	if w.V0[0] != 1.0/(m*n) || math.Abs(w.V2[0]-1.0/(m*n)) > 1e-15 {
		t.Errorf("corner pixel: V0 %g, V2 %g, want both 1/(mn) = %g", w.V0[0], w.V2[0], 1.0/(m*n))
	}
	// the corner cell's contour: from (0, 0.5) to (0.5, 0), length √0.5
	if want := math.Sqrt(0.5) / float64((m-1)*(n-1)) / 4; math.Abs(w.V1[0]-want) > 1e-15 {
		t.Errorf("corner pixel: V1 %g, want %g", w.V1[0], want)
	}
	if v := MinkowskiFunctionalsWindow(make([]float64, n), 1, n, 0, 1, []float64{0}); !math.IsNaN(v.V1[0]) {
		t.Errorf("a 1×n window has no cell: V1 %g, want NaN", v.V1[0])
	}
}

// cropreportMaps returns b random m×n maps (correlated along rows so that
// the Minkowski functionals are not trivial).
func cropreportMaps(r *rand.Rand, b, m, n int) *stlayer.Maps {
	x := stlayer.NewMaps(b, m, n)
	for k := 0; k < b; k++ {
		v := x.Map(k)
		for i := 0; i < m; i++ {
			for j := 0; j < n; j++ {
				v[i*n+j] = r.NormFloat64()
				if j > 0 {
					v[i*n+j] += 0.7 * v[i*n+j-1]
				}
			}
		}
	}
	return x
}

// TestValidateInterior checks ValidateOptions.Interior: syntheses equal to
// the target inside the window [c, M−c) × [c, N−c) and different in the
// border score W1 = 0 and the target's Minkowski functionals exactly, the
// functionals are MinkowskiFunctionalsWindow's of the crop, the reference
// set's spreads are its crops', metrics.json
// and the metrics name the window; c = 0 scores the whole maps (the
// border's difference shows), and a border that is negative or leaves
// nothing of the maps is an input error.
func TestValidateInterior(t *testing.T) {
	const m, n, c = 24, 32, 4
	r := rand.New(rand.NewPCG(3, 17))
	target := cropreportMaps(r, 1, m, n)
	ref := cropreportMaps(r, 3, m, n)
	synth := cropreportMaps(r, 2, m, n)
	for b := 0; b < synth.B; b++ {
		s, tg := synth.Map(b), target.Map(0)
		for i := c; i < m-c; i++ {
			for j := c; j < n-c; j++ {
				s[i*n+j] = tg[i*n+j]
			}
		}
		for i := 0; i < m; i++ { // the border far from the target's values
			for j := 0; j < n; j++ {
				if i < c || i >= m-c || j < c || j >= n-c {
					s[i*n+j] = 5 * s[i*n+j]
				}
			}
		}
	}
	dir := t.TempDir()
	vm, err := WriteSynthReportWith(dir, target, synth, nil, ValidateOptions{Reference: ref, Interior: c}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := PixelWindow{Border: c, Rows: [2]int{c, m - c}, Cols: [2]int{c, n - c}}
	if vm.Window == nil || *vm.Window != want {
		t.Fatalf("Window = %+v, want %+v", vm.Window, want)
	}
	for b, w := range vm.W1 {
		if w != 0 {
			t.Errorf("interior W1 of synthesis %d = %g, want 0 (its window is the target's)", b, w)
		}
	}
	// the target's functionals: MinkowskiFunctionalsWindow of its crop at
	// the crop's mean and std; the syntheses' the same; the spread: the
	// reference crops' std
	crop, rcrop := cropMaps(target, vm.Window), cropMaps(ref, vm.Window)
	mu, sd, _, _ := Moments(crop.Data)
	mf := MinkowskiFunctionalsWindow(crop.Data, m-2*c, n-2*c, mu, sd, MinkowskiThresholds)
	var rf [3][][]float64
	for b := 0; b < rcrop.B; b++ {
		x := MinkowskiFunctionalsWindow(rcrop.Map(b), m-2*c, n-2*c, mu, sd, MinkowskiThresholds)
		for f, v := range [3][]float64{x.V0, x.V1, x.V2} {
			rf[f] = append(rf[f], v)
		}
	}
	for f, want := range [3][]float64{mf.V0, mf.V1, mf.V2} {
		for ti, nu := range MinkowskiThresholds {
			if math.Abs(vm.MFTarget[f][ti]-want[ti]) > 1e-12 || math.Abs(vm.MFSynth[f][ti]-want[ti]) > 1e-12 {
				t.Errorf("V%d(ν = %g): target %g, syntheses %g, want the crop's %g", f, nu, vm.MFTarget[f][ti], vm.MFSynth[f][ti], want[ti])
			}
			mr, v := 0.0, 0.0
			for _, x := range rf[f] {
				mr += x[ti] / 3
			}
			for _, x := range rf[f] {
				v += (x[ti] - mr) * (x[ti] - mr) / 2
			}
			if math.Abs(vm.MFSpread[f][ti]-math.Sqrt(v)) > 1e-12 {
				t.Errorf("V%d(ν = %g) spread %g, want the reference crops' %g", f, nu, vm.MFSpread[f][ti], math.Sqrt(v))
			}
		}
	}
	if vm.MFMaxSigma != 0 {
		t.Errorf("MFMaxSigma = %g, want 0", vm.MFMaxSigma)
	}
	var js map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "metrics.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &js); err != nil {
		t.Fatal(err)
	}
	win, _ := js["window"].(map[string]any)
	if win == nil || win["border_pixels"] != float64(c) || len(win["rows"].([]any)) != 2 || win["rows"].([]any)[1] != float64(m-c) || win["columns"].([]any)[1] != float64(n-c) {
		t.Errorf("metrics.json window = %v, want border %d, rows [%d, %d], columns [%d, %d]", js["window"], c, c, m-c, c, n-c)
	}
	for _, f := range []string{"histogram.png", "minkowski.png", "power_spectrum.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	whole, err := ValidateWith(target, synth, ValidateOptions{Reference: ref})
	if err != nil {
		t.Fatal(err)
	}
	if whole.Window != nil || !(whole.W1Mean > 0.1) {
		t.Errorf("whole maps: Window %v, W1 %g; want no window and the border's W1 > 0.1", whole.Window, whole.W1Mean)
	}
	if whole.PSMaxDev != vm.PSMaxDev {
		t.Errorf("the spectra stay on the whole maps: max dev %g with the window, %g without", vm.PSMaxDev, whole.PSMaxDev)
	}
	for _, bad := range []int{-1, 12, 20} {
		if _, err := ValidateWith(target, synth, ValidateOptions{Interior: bad}); !errors.Is(err, ErrModelInput) {
			t.Errorf("Interior %d on %d×%d maps: err %v, want ErrModelInput", bad, m, n, err)
		}
	}
}
