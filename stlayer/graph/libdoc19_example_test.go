package graph_test

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/graph"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// A library program picks the GoMLX backend by the same configuration
// string as the CLI's --backend ("go:ops_sequential" here, the pure-Go
// backend that is safe on a 2-core machine; "" for the CLI's automatic
// choice, "xla:cuda" or "xla:/abs/path/pjrt_c_api_cuda_plugin.so" for a
// GPU), builds the graph engine on it and evaluates a statistic of package
// stats, as it would with cpu.New(). The graph engine computes in float32:
// its coefficients agree with the CPU engine's (float64) to about 1e-6.
func ExampleNewBackend() {
	b, err := graph.NewBackend(graph.PureGoSpec)
	if err != nil {
		panic(err)
	}
	defer b.Finalize() // after the engine's last use
	eng := graph.New(b, graph.WithConfig(graph.PureGoSpec), graph.WithFFTMethod(graph.FFTFourStep))
	defer eng.Finalize()

	x := stlayer.NewMaps(1, 16, 16)
	for i := range x.Data {
		r, c := float64(i/16), float64(i%16)
		x.Data[i] = math.Exp(math.Sin(0.4*r) + math.Cos(0.3*(r+2*c)))
	}
	op, err := stats.Build(stats.Spec{Kind: stats.WST, J: 2, L: 2}, x.M, x.N)
	if err != nil {
		panic(err)
	}
	c, labels, err := stats.Forward(eng, op, x)
	if err != nil {
		panic(err)
	}
	ref, _, err := stats.Forward(cpu.New(), op, x)
	if err != nil {
		panic(err)
	}
	worst := 0.0
	for k, v := range c.Row(0) {
		w := ref.Row(0)[k]
		worst = math.Max(worst, math.Abs(real(v)-real(w))/math.Max(math.Abs(real(w)), 1e-12))
	}
	fmt.Printf("%s on %s: %d coefficients, %s = %.4f\n", eng.Name(), eng.Config(), c.K, labels.String(1), real(c.Row(0)[1]))
	fmt.Println("FFT:", graph.FFTFourStep, "- agrees with cpu to 1e-5:", worst < 1e-5)
	// Output:
	// graph:go on go:ops_sequential: 33 coefficients, S1(j1=0,l1=0) = 0.1350
	// FFT: four-step - agrees with cpu to 1e-5: true
}
