// Package backend chooses the GoMLX backend for the whole program, in one place.
//
// Selection order (see New):
//
//  1. an explicit configuration string (e.g. from a --backend flag);
//  2. the environment variable GOMLX_BACKEND;
//  3. XLA through a PJRT plugin found on disk — CUDA first (only when an NVIDIA
//     device is present), then CPU — when the XLA backend is compiled in;
//  4. the pure-Go backend "go:ops_sequential".
//
// Go-xla's automatic download of PJRT plugins is disabled: a missing plugin never
// makes New fail and never triggers network access; it falls through to the next
// choice. Configuration strings have the form "<backend>[:<options>]", e.g.
// "xla:cuda", "xla:/abs/path/xla_cuda_plugin.so", "go:ops_sequential".
//
// The XLA backend is compiled in by default (linux/amd64 or darwin, with cgo);
// build with -tags noxla for a pure-Go binary.
package backend

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gomlx/gomlx/backends"
	"github.com/gomlx/gomlx/backends/simplego"
	"github.com/gomlx/gomlx/pkg/core/dtypes"
)

// PureGoConfig is the configuration used for the pure-Go backend. The default
// simplego configuration (parallel op execution) deadlocked on a 2-core machine,
// so ops run sequentially; DotGeneral is still multi-threaded.
const PureGoConfig = "go:ops_sequential"

// EnvVar is the environment variable honoured when no explicit configuration is
// given (the same variable GoMLX itself reads).
const EnvVar = backends.ConfigEnvVar

// XLACompiled reports whether the XLA backend is compiled into this binary (false
// with -tags noxla or without cgo).
func XLACompiled() bool { return xlaCompiled }

// New creates a backend. If config is non-empty (surrounding spaces
// ignored, as for $GOMLX_BACKEND and IsPureGoConfig) it is used as is (apart
// from the pure-Go normalisation below); otherwise $GOMLX_BACKEND is honoured when set;
// otherwise XLA with a PJRT plugin found on disk (CUDA preferred, then CPU) when
// XLA is compiled in; otherwise PureGoConfig.
//
// A bare "go" configuration (no op-execution option) is turned into
// "go:ops_sequential" to avoid the parallel-ops deadlock. The returned string is
// the configuration actually used. Unknown backend names and constructor panics
// are returned as errors, never panics. An explicit configuration (argument or
// $GOMLX_BACKEND) that fails is an error, not silently replaced; only the
// automatic choice falls back (from a plugin that fails to load to the next one
// and finally to the pure-Go backend).
func New(config string) (backends.Backend, string, error) {
	config = strings.TrimSpace(config)
	if config == "" {
		if env, ok := os.LookupEnv(EnvVar); ok && strings.TrimSpace(env) != "" {
			config = strings.TrimSpace(env)
		}
	}
	if config != "" {
		config = normalise(config)
		b, err := newWithConfig(config)
		if err != nil {
			return nil, config, err
		}
		slog.Debug("backend selected", "config", config, "backend", b.Name())
		return b, config, nil
	}
	if xlaCompiled {
		for _, cfg := range autoXLAConfigs() {
			b, err := newWithConfig(cfg)
			if err == nil {
				slog.Debug("backend selected", "config", cfg, "backend", b.Name())
				return b, cfg, nil
			}
			slog.Warn("PJRT plugin found but the XLA backend failed to start; trying the next choice",
				"config", cfg, "err", err)
		}
	}
	b, err := newWithConfig(PureGoConfig)
	if err != nil {
		return nil, PureGoConfig, err
	}
	return b, PureGoConfig, nil
}

var (
	defaultOnce    sync.Once
	defaultBackend backends.Backend
	defaultConfig  string
	defaultErr     error
)

// Default returns a process-wide backend created by New("") on the first call and
// shared afterwards (never finalised).
func Default() (backends.Backend, string, error) {
	defaultOnce.Do(func() { defaultBackend, defaultConfig, defaultErr = New("") })
	return defaultBackend, defaultConfig, defaultErr
}

// normalise adds ops_sequential to a pure-Go configuration that does not choose
// an op-execution mode.
func normalise(config string) string {
	name, opts, _ := strings.Cut(config, ":")
	if name != simplego.BackendName {
		return config
	}
	for _, o := range strings.Split(opts, ",") {
		if o == "ops_sequential" || o == "ops_parallel" {
			return config
		}
	}
	if opts == "" {
		return name + ":ops_sequential"
	}
	return config + ",ops_sequential"
}

// newWithConfig wraps backends.NewWithConfig: it recovers panics (unknown backend
// names panic in GoMLX v0.26) and checks for the non-nil interface holding nil
// that backends may return together with an error.
func newWithConfig(config string) (b backends.Backend, err error) {
	name, _, _ := strings.Cut(config, ":")
	names := backends.List()
	sort.Strings(names)
	if !slices.Contains(names, name) {
		return nil, fmt.Errorf("backend %q (config %q) is not compiled in; available: %s", name, config, strings.Join(names, ", "))
	}
	if isXLAName(name) {
		prepareXLA(config)
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("creating backend %q: %v", config, r)
		}
	}()
	b, err = backends.NewWithConfig(config)
	if err != nil {
		return nil, fmt.Errorf("creating backend %q: %w", config, err)
	}
	if b == nil || isNilInterface(b) {
		return nil, fmt.Errorf("creating backend %q: constructor returned nil", config)
	}
	return b, nil
}

func isNilInterface(b backends.Backend) (isNil bool) {
	defer func() {
		if recover() != nil {
			isNil = true
		}
	}()
	_ = b.Name()
	return false
}

func isXLAName(name string) bool {
	switch name {
	case "xla", "stablehlo", "hlo", "shlo":
		return true
	}
	return false
}

// IsPureGo reports whether b is the pure-Go (simplego) backend, which has no FFT,
// no complex dtypes, no Pad/Reverse/DynamicSlice and runs elementwise ops on one
// thread.
func IsPureGo(b backends.Backend) bool {
	_, ok := b.(*simplego.Backend)
	return ok
}

// IsPureGoConfig reports whether New(config) would create the pure-Go
// backend: config's backend name (before the first ':', surrounding spaces
// ignored) is "go", e.g. "go", "go:ops_sequential", " go:ops_parallel ".
// An empty config is automatic selection and reports false.
func IsPureGoConfig(config string) bool {
	name, _, _ := strings.Cut(strings.TrimSpace(config), ":")
	return name == simplego.BackendName
}

// HasFFT reports whether b implements the FFT op with complex64 inputs.
func HasFFT(b backends.Backend) bool {
	if b == nil {
		return false
	}
	c := b.Capabilities()
	return c.Operations[backends.OpTypeFFT] && c.DTypes[dtypes.Complex64]
}

// Description returns a one-line human-readable description of b and the
// configuration it was created with, for `stkit version` and logs.
func Description(b backends.Backend, config string) string {
	if b == nil {
		return "no backend"
	}
	dev := ""
	if b.NumDevices() > 0 {
		dev = b.DeviceDescription(0)
	}
	kind := "xla"
	if IsPureGo(b) {
		kind = "pure Go"
	}
	s := fmt.Sprintf("%s [%s] config=%q", b.Name(), kind, config)
	if d := strings.TrimSpace(b.Description()); d != "" {
		s += " — " + d
	}
	if dev != "" && !strings.Contains(s, dev) {
		s += " — device: " + dev
	}
	if !xlaCompiled {
		s += " (XLA not compiled in)"
	}
	return s
}

// Plugin is a PJRT plugin file found on disk.
type Plugin struct {
	Name string // e.g. "cuda", "cpu"
	Path string // absolute path of the shared library
}

// rePluginName are go-xla v0.1.4's plugin file name patterns (with the
// extensions of the platforms the XLA backend is built on: .so, and .dylib
// on macOS).
var rePluginName = []*regexp.Regexp{
	regexp.MustCompile(`^pjrt_c_api_(.+)_plugin\.(so|dylib)$`),
	regexp.MustCompile(`^pjrt[-_]plugin[-_](.+)\.(so|dylib)$`),
}

// PluginName extracts the plugin name from a PJRT plugin file name
// (pjrt_c_api_<name>_plugin.<ext> or pjrt[-_]plugin[-_]<name>.<ext>, ext
// "so" or "dylib", as go-xla matches them); "" if it does not match.
func PluginName(file string) string {
	base := filepath.Base(file)
	for _, re := range rePluginName {
		if m := re.FindStringSubmatch(base); m != nil {
			return m[1]
		}
	}
	return ""
}

// PluginSearchPaths returns the directories searched for PJRT plugins, in order,
// as go-xla v0.1.4 does: $PJRT_PLUGIN_LIBRARY_PATH (":"-separated) when set;
// otherwise ~/.local/lib/go-xla{,/nvidia}, ~/.local/lib/gomlx/pjrt,
// /usr/local/lib/go-xla{,/nvidia}, /usr/local/lib/gomlx/pjrt and the absolute
// entries of $LD_LIBRARY_PATH. (go-xla also reads /etc/ld.so.conf; plugins are
// not installed there in practice, and that search is left out.)
func PluginSearchPaths() []string {
	if env, ok := os.LookupEnv("PJRT_PLUGIN_LIBRARY_PATH"); ok {
		var out []string
		for _, p := range strings.Split(env, ":") {
			if p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	var paths []string
	if home, err := os.UserHomeDir(); err == nil {
		p := filepath.Join(home, ".local", "lib", "go-xla")
		paths = append(paths, p, filepath.Join(p, "nvidia"), filepath.Join(home, ".local", "lib", "gomlx", "pjrt"))
	}
	paths = append(paths, "/usr/local/lib/go-xla", "/usr/local/lib/go-xla/nvidia", "/usr/local/lib/gomlx/pjrt")
	for _, p := range strings.Split(os.Getenv("LD_LIBRARY_PATH"), ":") {
		if p != "" && filepath.IsAbs(p) {
			paths = append(paths, p)
		}
	}
	return paths
}

// FindPlugins lists the PJRT plugin files in PluginSearchPaths, the files
// whose names PluginName recognises (in each directory by file name), first
// occurrence of each plugin name winning. It only looks at file names (no
// dlopen, no download).
func FindPlugins() []Plugin {
	var out []Plugin
	seen := map[string]bool{}
	for _, dir := range PluginSearchPaths() {
		entries, _ := os.ReadDir(dir) // sorted by file name
		for _, ent := range entries {
			name := PluginName(ent.Name())
			if name == "" || seen[name] {
				continue
			}
			f := filepath.Join(dir, ent.Name())
			if st, err := os.Stat(f); err != nil || st.IsDir() {
				continue
			}
			abs, err := filepath.Abs(f)
			if err != nil {
				continue
			}
			seen[name] = true
			out = append(out, Plugin{Name: name, Path: abs})
		}
	}
	return out
}

func isCUDAName(name string) bool {
	u := strings.ToUpper(name)
	return strings.Contains(u, "CUDA") || strings.Contains(u, "NVIDIA")
}

// hasNVIDIADevice reports whether /dev/nvidia* device files exist.
func hasNVIDIADevice() bool {
	m, _ := filepath.Glob("/dev/nvidia*")
	return len(m) > 0
}

// autoXLAConfigs returns the XLA configurations to try, in preference order:
// CUDA plugins (when an NVIDIA device is present), then "cpu". Plugins are given
// by absolute path so that go-xla never searches (or downloads) by itself.
func autoXLAConfigs() []string {
	plugins := FindPlugins()
	var cuda, cpu []string
	for _, p := range plugins {
		switch {
		case isCUDAName(p.Name):
			if hasNVIDIADevice() {
				cuda = append(cuda, "xla:"+p.Path)
			}
		case p.Name == "cpu":
			// Addressing host buffers directly is what go-xla enables for the
			// plugin named "cpu"; keep it when giving the path.
			cpu = append(cpu, "xla:"+p.Path+",shared_buffers")
		}
	}
	return append(cuda, cpu...)
}

// prepareXLA sets up the environment before a CUDA plugin is loaded: go-xla
// v0.1.4 may otherwise point XLA_FLAGS' --xla_gpu_cuda_data_dir to a hard-coded
// path. If XLA_FLAGS does not choose a CUDA data dir, go-xla's CUDA checks are
// disabled (GOPJRT_CUDA_CHECKS=0, unless already set) and, when the jax-style
// layout <plugin dir>/../nvidia/cuda_nvcc/nvvm (or ../../nvidia, jax's wheels) exists, XLA_FLAGS gets
// --xla_gpu_cuda_data_dir pointing to that cuda_nvcc folder.
func prepareXLA(config string) {
	_, opts, _ := strings.Cut(config, ":")
	plugin, _, _ := strings.Cut(opts, ",")
	if plugin == "" && hasNVIDIADevice() {
		// "xla" or "xla:" lets go-xla choose, CUDA first where there is a GPU.
		setFullF32()
		return
	}
	if !isCUDAName(filepath.Base(plugin)) && !isCUDAName(plugin) {
		return
	}
	setFullF32()
	flags := os.Getenv("XLA_FLAGS")
	if strings.Contains(flags, "--xla_gpu_cuda_data_dir") {
		return
	}
	if _, ok := os.LookupEnv("GOPJRT_CUDA_CHECKS"); !ok {
		_ = os.Setenv("GOPJRT_CUDA_CHECKS", "0")
	}
	if !filepath.IsAbs(plugin) {
		return
	}
	// go-xla's layout: <dir>/<plugin>, <dir>/../nvidia; jax's wheel layout:
	// site-packages/jax_plugins/xla_cuda1{2,3}/<plugin>, site-packages/nvidia
	// (the plugin folder's name is not used).
	up := filepath.Dir(filepath.Dir(plugin))
	for _, base := range []string{up, filepath.Dir(up)} {
		nvcc := filepath.Join(base, "nvidia", "cuda_nvcc")
		if st, err := os.Stat(filepath.Join(nvcc, "nvvm")); err == nil && st.IsDir() {
			f := strings.TrimSpace(flags + " --xla_gpu_cuda_data_dir=" + nvcc)
			_ = os.Setenv("XLA_FLAGS", f)
			slog.Debug("set XLA_FLAGS for the CUDA plugin", "XLA_FLAGS", f)
			return
		}
	}
}

// TF32Env names the variable that lets float32 matrix products on NVIDIA GPUs
// use TF32 (STKIT_TF32=1, or true, as strconv.ParseBool reads it); unset or
// false, stkit asks for full float32 products.
const TF32Env = "STKIT_TF32"

// setFullF32 makes float32 matrix products on NVIDIA GPUs full float32, unless
// $STKIT_TF32 is 1. XLA's default precision for a float32 dot lets cuBLAS and
// its Triton GEMMs use TF32 (10-bit mantissa) on Ampere and later GPUs: on an
// H200 `stkit check` then failed 5 of 19 parity checks (relative errors
// 1.6e-4 to 8.8e-4 in scov C01, for_synthesis and its gradient and in
// Kymatio's S, where the products are one-hot selections, weighted means and
// iso averages), against 2e-7 to 6e-6 on the CPU. GoMLX v0.26 offers no
// per-product precision, so the fix is the environment:
// NVIDIA_TF32_OVERRIDE=0 (cuBLAS and cuDNN never use TF32) and XLA_FLAGS'
// --xla_gpu_enable_triton_gemm=false (XLA's own Triton GEMMs ignore that
// variable). Values the user set are kept.
func setFullF32() {
	if on, err := strconv.ParseBool(os.Getenv(TF32Env)); err == nil && on {
		return
	}
	if _, ok := os.LookupEnv("NVIDIA_TF32_OVERRIDE"); !ok {
		_ = os.Setenv("NVIDIA_TF32_OVERRIDE", "0")
	}
	if f := os.Getenv("XLA_FLAGS"); !strings.Contains(f, "xla_gpu_enable_triton_gemm") {
		_ = os.Setenv("XLA_FLAGS", strings.TrimSpace(f+" --xla_gpu_enable_triton_gemm=false"))
	}
}
