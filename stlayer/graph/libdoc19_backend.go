package graph

import (
	"github.com/gomlx/gomlx/backends"

	"github.com/stkit-org/stkit/internal/backend"
	"github.com/stkit-org/stkit/internal/gfft"
)

// PureGoSpec is the backend configuration of the pure-Go GoMLX backend
// that stkit uses, "go:ops_sequential": elementwise ops run one after the
// other (matrix products still use every core). The pure-Go backend's own
// default, parallel op execution (what GoMLX's backends.New gives when no
// XLA plugin is installed), deadlocked on a 2-core machine.
const PureGoSpec = backend.PureGoConfig

// NewBackend starts a GoMLX backend from a configuration string, the
// choice the CLI's --backend flag makes (internal/backend.New), for the
// functions that take a backends.Backend: New (this package), vae.New,
// infer.OpenRun. spec is "<backend>[:<options>]", surrounding spaces
// ignored:
//
//   - "" chooses as the CLI does without --backend: $GOMLX_BACKEND when set
//     (not blank), else XLA with a PJRT plugin found on disk (CUDA first,
//     only where an NVIDIA device exists, then CPU; see below), else
//     PureGoSpec;
//   - "go" (any "go" spec that names no op-execution mode) becomes
//     "go:ops_sequential" (PureGoSpec), the one to use on a small machine
//     (2 cores) and the safe choice anywhere; "go:ops_parallel" asks for
//     the parallel mode explicitly;
//   - "xla:cuda", "xla:cpu" let the XLA backend find the named plugin;
//     "xla:/abs/path/pjrt_c_api_cuda_plugin.so" (any absolute path to a
//     PJRT plugin file) loads that file. Plugins are searched in
//     $PJRT_PLUGIN_LIBRARY_PATH (":"-separated) when set, else in
//     ~/.local/lib/go-xla, ~/.local/lib/go-xla/nvidia,
//     ~/.local/lib/gomlx/pjrt, /usr/local/lib/go-xla (and its nvidia
//     folder), /usr/local/lib/gomlx/pjrt and the absolute folders of
//     $LD_LIBRARY_PATH. Nothing is ever downloaded.
//
// An explicit spec (the argument or $GOMLX_BACKEND) that fails to start is
// an error, never replaced by another backend; an unknown backend name is
// an error naming the compiled-in ones. XLA is compiled in on linux/amd64
// and darwin with cgo, unless built with -tags noxla. On NVIDIA GPUs
// float32 matrix products are kept full float32 (TF32 off) unless
// $STKIT_TF32=1.
//
// The caller owns the backend: Finalize it when done (after the engines
// and models using it; an Engine never finalises its backend). For
// statistics on the pure-Go backend the plain-Go engine of stlayer/cpu is
// much faster than this package's graphs (`stkit check`'s 19 checks on 2
// cores: about 2 s against 46–90 s, compilation included): the CLI's
// --engine auto uses it there and the graph engine only on XLA.
func NewBackend(spec string) (backends.Backend, error) {
	b, _, err := backend.New(spec)
	return b, err
}

// NewFromSpec starts a backend with NewBackend(spec) and returns an engine
// on it that records the configuration actually used (Config; with spec ""
// the automatic choice, e.g. "go:ops_sequential"). The backend belongs to
// the caller: e.Backend().Finalize() when done with the engine.
func NewFromSpec(spec string, opts ...Option) (*Engine, error) {
	b, cfg, err := backend.New(spec)
	if err != nil {
		return nil, err
	}
	return New(b, append([]Option{WithConfig(cfg)}, opts...)...), nil
}

// FFTMethod selects how the engine computes FFTs (WithFFTMethod): FFTAuto
// (the default), FFTNative or FFTFourStep. Its String is "auto", "native"
// or "four-step".
type FFTMethod = gfft.Method

const (
	// FFTAuto uses the backend's FFT op where it has one on complex64
	// (XLA), else FFTFourStep.
	FFTAuto FFTMethod = gfft.Auto
	// FFTNative uses the backend's FFT op (XLA; the pure-Go backend has
	// none).
	FFTNative FFTMethod = gfft.Native
	// FFTFourStep computes each axis's transform as DotGeneral stages
	// against host-built DFT and twiddle matrices, on any backend (per
	// axis: any length ≤ 128, longer ones splitting as n1·n2 with both
	// factors ≤ 128).
	FFTFourStep FFTMethod = gfft.FourStep
)
