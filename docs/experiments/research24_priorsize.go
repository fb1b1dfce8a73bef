//go:build ignore

// research24_priorsize.go (refy, session 24): at which map sizes can
// FitPatchPrior fit the priors of RefineWithPatchPriors (stkit separate
// --patch-refine) on one map? Defaults: 6×6 sub-patches at training stride
// 4 with 8 rotations/flips, so an n² map gives 8·o(n)² rows (o(n) the
// patch origins per axis: 72 at 11²/12², 128 at 16², 512 at 32², 800 at
// 39²). EM keeps only components that hold P² = 36 rows and fails when
// none does ("EM: no mixture component holds 36 rows … (iteration 1)").
// Six seeds each of a log-normal field (slope −3, σ 0.6), a slope −3
// Gaussian field and white noise, one map per fit.
//
//	go run docs/experiments/research24_priorsize.go -seeds 6            (K 20)
//	go run docs/experiments/research24_priorsize.go -seeds 4 -cap -sizes 11,12,16,20,24,32,38
//
// K 20 (fails of 6 log-normal / Gaussian / white; components kept by the
// fits that succeeded):
//
//	12²  6 / 6 / 6   —
//	16²  2 / 6 / 6   2 2 2 1
//	20²  0 / 4 / 5   2–3
//	24²  0 / 2 / 1   2–3
//	28²  0 / 0 / 0   2–5
//	32²  0 / 0 / 0   2–7
//	36²  0 / 0 / 0   3–9
//	38²  0 / 0 / 0   2–7
//	39²  0 / 0 / 0   4–11
//	40²  0 / 0 / 0   3–10
//
// K = PriorK = min(20, ⌊rows/37⌋) (1, 1, 3, 5, 7, 13, 17 at 11², 12², 16²,
// 20², 24², 32², 38²), 4 seeds each: no fit failed; components kept 1 at
// 11²/12², 1–2 at 16², 1–4 at 20², 2–4 at 24², 2–7 at 32², 2–7 at 38².
// RefineWithPatchPriors now asks PriorK of every fit; CheckSize refuses
// maps under P² + 1 = 37 rows (10×10: 32), where every fit fails.
package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/datasets"
	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

func main() {
	k := flag.Int("k", 0, "K (0 default)")
	sizes := flag.String("sizes", "12,16,20,24,28,32,36,38,39,40", "")
	seeds := flag.Int("seeds", 6, "")
	capK := flag.Bool("cap", false, "K = PatchRefineOptions.PriorK (min(20, rows/37))")
	flag.Parse()
	for _, ss := range strings.Split(*sizes, ",") {
		var n int
		fmt.Sscan(ss, &n)
		fails := map[string]int{}
		kept := map[string][]int{}
		for _, kind := range []string{"lognormal", "grf-3", "white"} {
			for s := 1; s <= *seeds; s++ {
				var x []float64
				var err error
				switch kind {
				case "lognormal":
					x, err = datasets.LogNormalField(n, n, -3, 0.6, uint64(s))
				case "grf-3":
					x, err = datasets.GaussianRandomField(n, n, -3, uint64(s))
				case "white":
					x, err = datasets.WhiteNoise(n, n, uint64(s))
				}
				if err != nil {
					panic(err)
				}
				kk := *k
				if *capK {
					kk = infer.PatchRefineOptions{}.PriorK(1, n, n)
				}
				pp, err := infer.FitPatchPrior(&stlayer.Maps{B: 1, M: n, N: n, Data: x}, infer.PatchPriorOptions{K: kk})
				if err != nil {
					fails[kind]++
					if s == 1 {
						fmt.Printf("  %d² %s: %v\n", n, kind, err)
					}
					continue
				}
				kept[kind] = append(kept[kind], pp.K)
			}
		}
		fmt.Printf("%d²: fails lognormal %d grf-3 %d white %d of %d each; kept K %v %v %v\n", n, fails["lognormal"], fails["grf-3"], fails["white"], *seeds, kept["lognormal"], kept["grf-3"], kept["white"])
	}
}
