// Command scaling prints the speed of the statistics on the CPU engine against
// their FFT floor (package stlayer/perf): the `stkit bench` rows, and the
// scaling of the scattering covariance (iso synthesis loss+gradient, J =
// log2 N − 2, L = 4) and WPH (forward) with map size and batch size.
//
//	go run ./stlayer/perf/scaling [-sizes 64,128,256,512,1024] [-batch 1,4,16] [-reps 5] [-workers 0] [-only bench|scaling]
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/stkit-org/stkit/internal/bench"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/perf"
)

func ints(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			fmt.Fprintf(os.Stderr, "scaling: bad integer %q\n", f)
			os.Exit(2)
		}
		out = append(out, v)
	}
	return out
}

// checkFlags returns an error naming the flag and the values it takes unless
// -reps ≥ 1 (perf.Measure refuses fewer, case by case, which printed an error
// per case and empty tables with exit status 0), -workers ≥ 0 and -only is
// empty, bench or scaling (another value ran nothing).
func checkFlags(reps, workers int, only string) error {
	switch {
	case reps < 1:
		return fmt.Errorf("-reps %d: need at least 1 timed repetition per case", reps)
	case workers < 0:
		return fmt.Errorf("-workers %d: need 0 (GOMAXPROCS) or a positive number of workers", workers)
	case only != "" && only != "bench" && only != "scaling":
		return fmt.Errorf("-only %q: want bench or scaling (or no -only for both)", only)
	}
	return nil
}

func main() {
	sizes := flag.String("sizes", "64,128,256,512,1024", "map sizes of the scaling series")
	batches := flag.String("batch", "1,4,16", "batch sizes of the scaling series (at 256²)")
	reps := flag.Int("reps", 5, "timed repetitions per case (median and minimum reported)")
	workers := flag.Int("workers", 0, "engine workers (0: GOMAXPROCS)")
	only := flag.String("only", "", "bench or scaling (default both)")
	match := flag.String("match", "", "only cases whose label contains this")
	flag.Parse()
	if err := checkFlags(*reps, *workers, *only); err != nil {
		fmt.Fprintf(os.Stderr, "scaling: %v\n", err)
		os.Exit(2)
	}
	var opts []cpu.Option
	if *workers > 0 {
		opts = append(opts, cpu.WithWorkers(*workers))
	}
	run := func(title string, cs []perf.Case) {
		var rs []*perf.Result
		for _, c := range cs {
			if *match != "" && !strings.Contains(c.Label(), *match) {
				continue
			}
			fmt.Fprintf(os.Stderr, "%s …\n", c.Label())
			r, err := perf.Measure(cpu.New(opts...), c, *reps)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: %v\n", c.Label(), err)
				continue
			}
			rs = append(rs, r)
		}
		fmt.Printf("\n%s\n", title)
		perf.Print(os.Stdout, rs)
		fmt.Println()
		perf.PrintFFTs(os.Stdout, rs)
	}
	if *only == "" || *only == "bench" {
		run("stkit bench rows (256², batch 1)", perf.BenchCases())
	}
	if *only == "" || *only == "scaling" {
		run("scaling", perf.ScalingCases(ints(*sizes), ints(*batches)))
	}
	if la := bench.LoadAvg(); la != "" {
		fmt.Printf("load average: %s\n", la)
	}
}
