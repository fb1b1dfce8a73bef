package main

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// emptyEstimateLimit: emptyEstimateWarnings names an estimate whose pixel
// variance is below this fraction of DATA's.
const emptyEstimateLimit = 1e-6

// emptyEstimateWarnings names each component of separate --models whose
// estimate (est.Map(c)) holds less than emptyEstimateLimit of DATA's power
// (pixel variance, the mean left out as the spectra leave out k = 0; the
// pixels finite in both): a (nearly) empty map. fixd23: DATA ×1e6 with
// components 0,1,noise:1e6 exited 0 with the learned estimates at 7e-14 and
// 2e-14 of DATA's power; the warnings said the models hold little of the
// power and the terms ended far, but none that the estimates themselves
// were empty (component 0's pixel std 0.23 lay within 4× of its model's,
// so the moment check passed it). Nothing when DATA is constant, and
// nothing for a noise:σ component (infer.NoiseSigma): its estimate is as
// small as the σ given asks (noise:1e-3 on DATA of variance 1.95 under the
// patch prior: 1.1e-12 of DATA's power, named "(nearly) empty … DATA in
// other units than its training patches?", though a noise component has
// none), and the moment check already compares its std with σ itself.
func emptyEstimateWarnings(data, est *stlayer.Maps, comps []infer.SepComponent) []string {
	if data == nil || est == nil || data.B < 1 {
		return nil
	}
	x := data.Map(0)
	var out []string
	for c, comp := range comps {
		if c >= est.B {
			break
		}
		if _, noise := infer.NoiseSigma(comp.Model); noise {
			continue
		}
		y := est.Map(c)
		var n, sx, sy float64
		for i := range x {
			if i < len(y) && fixd23Finite(x[i]) && fixd23Finite(y[i]) {
				n++
				sx += x[i]
				sy += y[i]
			}
		}
		if n < 2 {
			continue
		}
		mx, my := sx/n, sy/n
		var vx, vy float64
		for i := range x {
			if i < len(y) && fixd23Finite(x[i]) && fixd23Finite(y[i]) {
				vx += (x[i] - mx) * (x[i] - mx)
				vy += (y[i] - my) * (y[i] - my)
			}
		}
		if vx == 0 || vy >= emptyEstimateLimit*vx {
			continue
		}
		out = append(out, fmt.Sprintf("%s: the estimate holds %.2g of DATA's power (pixel variance %.4g against DATA's %.4g): it is (nearly) empty, its map and scores mean little; the data carry almost none of what its model describes at this scale (DATA in other units than its training patches?), or the other components took it all", comp.Name, vy/vx, vy/(n-1), vx/(n-1)))
	}
	return out
}

func fixd23Finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
