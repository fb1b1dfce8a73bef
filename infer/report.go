package infer

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"

	"github.com/stkit-org/stkit/internal/plotx"
	"github.com/stkit-org/stkit/stlayer"
)

// Thresholds at which Minkowski functionals are reported, in units of the
// target's σ.
var MinkowskiThresholds = []float64{-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3}

// ValidationMetrics compares syntheses with their target(s). It is what
// metrics.json holds.
type ValidationMetrics struct {
	// Power spectrum (see PowerSpectrum): bin edges, target and mean synthesis
	// spectra, ratio synth/target, and max/mean |ratio − 1| over the bins whose
	// lower edge is ≥ 2 cycles per map.
	PSEdges        []float64 `json:"ps_bin_edges"`
	PSTarget       []float64 `json:"ps_target"`
	PSSynth        []float64 `json:"ps_synth"`
	PSRatio        []float64 `json:"ps_ratio"`
	PSMaxDev       float64   `json:"ps_max_abs_ratio_minus_1"`
	PSMeanDev      float64   `json:"ps_mean_abs_ratio_minus_1"`
	PSTargetSpread []float64 `json:"ps_target_relative_std,omitempty"`
	// W1 between the pixel distributions of each synthesis and the target set,
	// in units of the target's std; W1Ref is the W1 between two target maps
	// (when the target set has ≥ 2 maps), the natural scale of comparison.
	W1    []float64 `json:"w1_normalised"`
	W1Ref float64   `json:"w1_between_targets,omitempty"`
	// Minkowski functionals at MinkowskiThresholds: target mean, synthesis mean,
	// and the deviation in units of the target set's std (when ≥ 2 targets).
	MFNu        []float64    `json:"mf_nu"`
	MFTarget    [3][]float64 `json:"mf_target"`
	MFSynth     [3][]float64 `json:"mf_synth"`
	MFDevSigma  [3][]float64 `json:"mf_deviation_in_target_sigma,omitempty"`
	MFMaxSigma  float64      `json:"mf_max_abs_deviation_sigma,omitempty"`
	Moments     [][4]float64 `json:"moments_synth"`
	MomentsTgt  [][4]float64 `json:"moments_target"`
	Loss        float64      `json:"final_loss,omitempty"`
	InitialLoss float64      `json:"initial_loss,omitempty"`
	Iterations  int          `json:"iterations,omitempty"`
	Seconds     float64      `json:"seconds,omitempty"`
	SecPerEval  float64      `json:"seconds_per_evaluation,omitempty"`
}

// Validate computes ValidationMetrics for syntheses against target maps (the
// same size).
func Validate(target, synth *stlayer.Maps) (*ValidationMetrics, error) {
	if target.M != synth.M || target.N != synth.N {
		return nil, fmt.Errorf("target maps are %d×%d, syntheses %d×%d", target.M, target.N, synth.M, synth.N)
	}
	m, n := target.M, target.N
	split := func(x *stlayer.Maps) [][]float64 {
		out := make([][]float64, x.B)
		for b := range out {
			out[b] = x.Map(b)
		}
		return out
	}
	tm, sm := split(target), split(synth)
	vm := &ValidationMetrics{}
	pt := MeanPowerSpectrum(tm, m, n)
	ps := MeanPowerSpectrum(sm, m, n)
	vm.PSEdges, vm.PSTarget, vm.PSSynth = pt.Edges, pt.P, ps.P
	vm.PSRatio, vm.PSMaxDev, vm.PSMeanDev = PSRatioStats(ps, pt, 2)
	if len(tm) >= 2 {
		vm.PSTargetSpread = make([]float64, len(pt.P))
		for _, x := range tm {
			p := IsoPowerSpectrum(x, m, n)
			for b := range p.P {
				d := p.P[b]/pt.P[b] - 1
				vm.PSTargetSpread[b] += d * d / float64(len(tm)-1)
			}
		}
		for b := range vm.PSTargetSpread {
			vm.PSTargetSpread[b] = math.Sqrt(vm.PSTargetSpread[b])
		}
	}
	mu, sd, _, _ := Moments(target.Data)
	for _, x := range sm {
		vm.W1 = append(vm.W1, Wasserstein1(x, target.Data)/sd)
		a, b, c, d := Moments(x)
		vm.Moments = append(vm.Moments, [4]float64{a, b, c, d})
	}
	for _, x := range tm {
		a, b, c, d := Moments(x)
		vm.MomentsTgt = append(vm.MomentsTgt, [4]float64{a, b, c, d})
	}
	if len(tm) >= 2 {
		vm.W1Ref = Wasserstein1(tm[0], tm[1]) / sd
	}
	vm.MFNu = MinkowskiThresholds
	mfs := func(maps [][]float64) (mean, std [3][]float64) {
		nt := len(MinkowskiThresholds)
		for f := 0; f < 3; f++ {
			mean[f] = make([]float64, nt)
			std[f] = make([]float64, nt)
		}
		all := make([]*Minkowski, len(maps))
		for i, x := range maps {
			all[i] = MinkowskiFunctionals(x, m, n, mu, sd, MinkowskiThresholds)
			for t := 0; t < nt; t++ {
				mean[0][t] += all[i].V0[t] / float64(len(maps))
				mean[1][t] += all[i].V1[t] / float64(len(maps))
				mean[2][t] += all[i].V2[t] / float64(len(maps))
			}
		}
		if len(maps) >= 2 {
			for _, a := range all {
				for t := 0; t < nt; t++ {
					for f, v := range [3]float64{a.V0[t], a.V1[t], a.V2[t]} {
						d := v - mean[f][t]
						std[f][t] += d * d / float64(len(maps)-1)
					}
				}
			}
			for f := 0; f < 3; f++ {
				for t := range std[f] {
					std[f][t] = math.Sqrt(std[f][t])
				}
			}
		}
		return
	}
	var tstd [3][]float64
	vm.MFTarget, tstd = mfs(tm)
	vm.MFSynth, _ = mfs(sm)
	if len(tm) >= 2 {
		for f := 0; f < 3; f++ {
			vm.MFDevSigma[f] = make([]float64, len(MinkowskiThresholds))
			for t := range MinkowskiThresholds {
				if tstd[f][t] > 0 {
					d := (vm.MFSynth[f][t] - vm.MFTarget[f][t]) / tstd[f][t]
					vm.MFDevSigma[f][t] = d
					vm.MFMaxSigma = math.Max(vm.MFMaxSigma, math.Abs(d))
				}
			}
		}
	}
	return vm, nil
}

// WriteJSON writes v as indented JSON atomically.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return plotx.WriteFileAtomic(path, append(b, '\n'))
}

// WriteSynthReport writes the validation report of syntheses against target
// maps into dir: maps.png (targets and syntheses side by side),
// power_spectrum.png (spectra and ratio), histogram.png, minkowski.png, and
// metrics.json. res may be nil.
func WriteSynthReport(dir string, target, synth *stlayer.Maps, res *Result) (*ValidationMetrics, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	vm, err := Validate(target, synth)
	if err != nil {
		return nil, err
	}
	if res != nil {
		vm.Loss, vm.InitialLoss, vm.Iterations = res.Loss, res.InitialLoss, res.Iters
		vm.Seconds = res.Elapsed.Seconds()
		if res.Evals > 0 {
			vm.SecPerEval = res.EvalTime.Seconds() / float64(res.Evals)
		}
	}
	if err := PlotMaps(filepath.Join(dir, "maps.png"), target, synth); err != nil {
		return nil, err
	}
	if err := plotSpectra(filepath.Join(dir, "power_spectrum.png"), vm); err != nil {
		return nil, err
	}
	if err := plotHistograms(filepath.Join(dir, "histogram.png"), target, synth); err != nil {
		return nil, err
	}
	if err := plotMinkowski(filepath.Join(dir, "minkowski.png"), vm); err != nil {
		return nil, err
	}
	if res != nil && len(res.History) > 0 {
		if err := plotLoss(filepath.Join(dir, "loss.png"), res.History); err != nil {
			return nil, err
		}
	}
	return vm, WriteJSON(filepath.Join(dir, "metrics.json"), vm)
}

// PlotMaps writes up to 4 target maps (first row) and up to 4 syntheses
// (second row) with the target's colour scale.
func PlotMaps(path string, target, synth *stlayer.Maps) error {
	lo, hi := plotx.Range(target.Data, 0.005)
	nt, ns := min(target.B, 4), min(synth.B, 4)
	cols := max(nt, ns)
	rows := [][]*plot.Plot{make([]*plot.Plot, cols), make([]*plot.Plot, cols)}
	for b := 0; b < nt; b++ {
		rows[0][b] = plotx.MapPlot(fmt.Sprintf("target %d", b), target.Map(b), target.M, target.N, lo, hi)
	}
	for b := 0; b < ns; b++ {
		rows[1][b] = plotx.MapPlot(fmt.Sprintf("synthesis %d", b), synth.Map(b), synth.M, synth.N, lo, hi)
	}
	return plotx.SaveGrid(path, rows, vg.Length(cols)*3*vg.Inch, 6.2*vg.Inch)
}

func plotSpectra(path string, vm *ValidationMetrics) error {
	nb := len(vm.PSTarget)
	k := make([]float64, nb)
	for b := range k {
		k[b] = math.Sqrt(vm.PSEdges[b] * vm.PSEdges[b+1])
	}
	p := plot.New()
	p.Title.Text = "isotropic power spectrum"
	p.X.Label.Text = "k (cycles per map)"
	p.Y.Label.Text = "P(k)"
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker, p.Y.Tick.Marker = plot.LogTicks{}, plot.LogTicks{}
	if err := plotutil.AddLinePoints(p, "target", plotx.XY(k, vm.PSTarget, true), "synthesis", plotx.XY(k, vm.PSSynth, true)); err != nil {
		return err
	}
	r := plot.New()
	r.Title.Text = fmt.Sprintf("ratio synth/target (max |r−1| = %.3f for k ≥ 2)", vm.PSMaxDev)
	r.X.Label.Text = "k (cycles per map)"
	r.X.Scale = plot.LogScale{}
	r.X.Tick.Marker = plot.LogTicks{}
	one := make([]float64, nb)
	for i := range one {
		one[i] = 1
	}
	if err := plotutil.AddLinePoints(r, "ratio", plotx.XY(k, vm.PSRatio, false), "1", plotx.XY(k, one, false)); err != nil {
		return err
	}
	return plotx.SaveGrid(path, [][]*plot.Plot{{p, r}}, 10*vg.Inch, 4*vg.Inch)
}

func plotHistograms(path string, target, synth *stlayer.Maps) error {
	p := plot.New()
	p.Title.Text = "pixel histogram (density)"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{}
	lo, hi := plotx.Range(append(append([]float64(nil), target.Data...), synth.Data...), 0)
	const nb = 60
	hist := func(x []float64) plotter.XYs {
		c := make([]float64, nb)
		for _, v := range x {
			i := int((v - lo) / (hi - lo) * nb)
			if i >= 0 && i < nb {
				c[i]++
			} else if i == nb {
				c[nb-1]++
			}
		}
		var xy plotter.XYs
		for i := range c {
			if c[i] > 0 {
				xy = append(xy, plotter.XY{X: lo + (float64(i)+0.5)*(hi-lo)/nb, Y: c[i] / float64(len(x)) / ((hi - lo) / nb)})
			}
		}
		return xy
	}
	if err := plotutil.AddLines(p, "target", hist(target.Data), "synthesis", hist(synth.Data)); err != nil {
		return err
	}
	return plotx.Save(path, p, 6*vg.Inch, 4*vg.Inch)
}

func plotMinkowski(path string, vm *ValidationMetrics) error {
	names := []string{"V0 (area)", "V1 (perimeter/4)", "V2 (Euler characteristic)"}
	row := make([]*plot.Plot, 3)
	for f := 0; f < 3; f++ {
		p := plot.New()
		p.Title.Text = names[f]
		p.X.Label.Text = "threshold ν (target σ)"
		if err := plotutil.AddLinePoints(p, "target", plotx.XY(vm.MFNu, vm.MFTarget[f], false), "synthesis", plotx.XY(vm.MFNu, vm.MFSynth[f], false)); err != nil {
			return err
		}
		row[f] = p
	}
	return plotx.SaveGrid(path, [][]*plot.Plot{row}, 13*vg.Inch, 4*vg.Inch)
}

func plotLoss(path string, hist []float64) error {
	p := plot.New()
	p.Title.Text = "loss"
	p.X.Label.Text = "iteration"
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = plot.LogTicks{}
	it := make([]float64, len(hist))
	for i := range it {
		it[i] = float64(i + 1)
	}
	if err := plotutil.AddLines(p, "loss", plotx.XY(it, hist, true)); err != nil {
		return err
	}
	return plotx.Save(path, p, 6*vg.Inch, 4*vg.Inch)
}
