// Package stlayer computes scattering-transform statistics of 2D fields.
//
// Start with package stlayer/stats, the front door: a stats.Spec names a
// statistic (family, J, L, options, as the flags of `stkit stats`),
// stats.BuildWithRef(spec, eng, x) builds its operator for the maps' size
// and stats.Forward(eng, op, x) returns the coefficients with the label
// table of their rows:
//
//	x, err := datasets.ReadMaps("map.npy")           // *Maps [B, M, N]
//	eng := cpu.New()                                 // or a graph engine
//	op, err := stats.BuildWithRef(stats.Spec{Kind: stats.WST}, eng, x)
//	c, labels, err := stats.Forward(eng, op, x)      // c.Row(b): map b's values
//	fmt.Println(labels.String(1), real(c.Row(0)[1])) // S1(j1=0,l1=0) …
//
// This package holds what the others share: host maps (Maps) and
// coefficients (Coeffs), label tables (Labels), the Engine interface and
// ForwardChunked (a large batch evaluated a chunk at a time).
//
// It is split like Kymatio: filter construction (stlayer/filters), a narrow
// primitive layer (Prim, prim.go) implemented by engines (stlayer/cpu: plain Go
// with hand-written adjoints; stlayer/graph: GoMLX graphs), and the statistics
// families written once against Prim (stlayer/wst, stlayer/scov, stlayer/wph).
// Every coefficient vector carries a label table (Labels).
//
// Engines: cpu.New() needs nothing else and is the one to use on a CPU
// (the CLI's --engine auto picks it unless the GoMLX backend is XLA);
// graph.New(b) runs on a GoMLX backend b, e.g. graph.NewBackend("xla:cuda")
// on a GPU (graph.NewBackend takes the CLI's --backend strings). Both are
// safe for concurrent use by several goroutines; neither needs closing
// (cpu.Engine.FreePool drops the CPU engine's buffer pool,
// graph.Engine.Finalize the compiled graphs; the backend is its creator's
// to finalise). Default chunk: ForwardChunked and stats.Forward evaluate
// DefaultChunkPixels (8·256²) pixels per engine call on either engine;
// `stkit stats` takes eight times that on a graph engine.
//
// Label names: a label prints its class and its columns, e.g. "S1(j1=0,l1=0)";
// a class without columns prints as "mean()". That row of the scattering
// spectra and of the scov synthesis vectors (Iso or Synthesis) holds the
// map's mean divided by its standard deviation (mean/σ, σ unbiased,
// dimensionless: about 2 for a map of mean 0.105 and σ 0.053), not its
// mean: the class keeps the name of Cheng's for_synthesis entry (see
// scov.Op.SynthesisLabels); plain scov's "mean()" is the raw mean.
package stlayer
