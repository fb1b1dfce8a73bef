package backend

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// isolate points the plugin search at an empty directory and clears GOMLX_BACKEND.
func isolate(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	t.Setenv(EnvVar, "")
	os.Unsetenv(EnvVar)
	return dir
}

func TestFallbackPureGo(t *testing.T) {
	isolate(t)
	b, cfg, err := New("")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer b.Finalize()
	if cfg != PureGoConfig || !IsPureGo(b) {
		t.Fatalf("got config %q, backend %q; want %q pure Go", cfg, b.Name(), PureGoConfig)
	}
	if HasFFT(b) {
		t.Errorf("pure-Go backend reported FFT support")
	}
	if d := Description(b, cfg); !strings.Contains(d, "go") || !strings.Contains(d, "pure Go") {
		t.Errorf("description %q", d)
	}
}

func TestEnvAndExplicit(t *testing.T) {
	isolate(t)
	t.Setenv(EnvVar, "go")
	b, cfg, err := New("")
	if err != nil {
		t.Fatalf("New with env: %v", err)
	}
	b.Finalize()
	if cfg != "go:ops_sequential" {
		t.Errorf("env config used %q, want go:ops_sequential", cfg)
	}
	b, cfg, err = New("go:parallelism=1")
	if err != nil {
		t.Fatalf("explicit: %v", err)
	}
	b.Finalize()
	if cfg != "go:parallelism=1,ops_sequential" {
		t.Errorf("explicit config used %q", cfg)
	}
	b, cfg, err = New("go:ops_parallel")
	if err != nil {
		t.Fatalf("explicit: %v", err)
	}
	b.Finalize()
	if cfg != "go:ops_parallel" {
		t.Errorf("explicit config used %q", cfg)
	}
}

func TestUnknownBackendIsError(t *testing.T) {
	isolate(t)
	b, _, err := New("nosuchbackend:foo")
	if err == nil || b != nil {
		t.Fatalf("want an error and a nil backend, got %v, %v", b, err)
	}
	if _, _, err := New("go:bogus_option"); err == nil {
		t.Fatalf("want an error for an unknown simplego option")
	}
}

func TestPluginNames(t *testing.T) {
	cases := map[string]string{
		"/x/pjrt_c_api_cuda_plugin.so": "cuda",
		"pjrt_c_api_cpu_plugin.so":     "cpu",
		"/y/pjrt-plugin-tpu.so":        "tpu",
		"/y/pjrt_plugin_metal.so":      "metal",
		"/y/xla_cuda_plugin.so":        "",
		"/y/libfoo.so":                 "",
	}
	for f, want := range cases {
		if got := PluginName(f); got != want {
			t.Errorf("PluginName(%q) = %q, want %q", f, got, want)
		}
	}
}

// A broken plugin file must be found, tried, and fall back to the pure-Go backend.
func TestBrokenPluginFallsBack(t *testing.T) {
	dir := isolate(t)
	second := t.TempDir()
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir+"::"+second)
	for _, f := range []string{filepath.Join(dir, "pjrt_c_api_cpu_plugin.so"), filepath.Join(second, "pjrt_c_api_cpu_plugin.so"), filepath.Join(second, "pjrt-plugin-foo.so")} {
		if err := os.WriteFile(f, []byte("not an ELF file"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ps := FindPlugins()
	if len(ps) != 2 || ps[0].Name != "cpu" || ps[0].Path != filepath.Join(dir, "pjrt_c_api_cpu_plugin.so") || ps[1].Name != "foo" {
		t.Fatalf("FindPlugins = %+v", ps)
	}
	cfgs := autoXLAConfigs()
	if len(cfgs) != 1 || !strings.HasPrefix(cfgs[0], "xla:"+dir) {
		t.Fatalf("autoXLAConfigs = %v", cfgs)
	}
	b, cfg, err := New("")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer b.Finalize()
	if !IsPureGo(b) || cfg != PureGoConfig {
		t.Fatalf("got %q (%s), want the pure-Go fallback", cfg, b.Name())
	}
}

func TestExplicitMissingPluginIsError(t *testing.T) {
	isolate(t)
	if !XLACompiled() {
		if _, _, err := New("xla:cpu"); err == nil {
			t.Fatal("xla not compiled in: want an error")
		}
		return
	}
	_, _, err := New("xla:/nonexistent/xla_cuda_plugin.so")
	if err == nil {
		t.Fatal("want an error for a missing plugin path")
	}
}

func TestPrepareXLA(t *testing.T) {
	root := t.TempDir()
	plugDir := filepath.Join(root, "jax_plugins", "xla_cuda12")
	nvvm := filepath.Join(root, "nvidia", "cuda_nvcc", "nvvm")
	if err := os.MkdirAll(plugDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(nvvm, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XLA_FLAGS", "")
	t.Setenv("GOPJRT_CUDA_CHECKS", "")
	os.Unsetenv("GOPJRT_CUDA_CHECKS")
	t.Setenv("NVIDIA_TF32_OVERRIDE", "")
	os.Unsetenv("NVIDIA_TF32_OVERRIDE")
	t.Setenv(TF32Env, "")
	prepareXLA("xla:" + filepath.Join(plugDir, "xla_cuda_plugin.so"))
	if got, want := os.Getenv("XLA_FLAGS"), "--xla_gpu_enable_triton_gemm=false --xla_gpu_cuda_data_dir="+filepath.Join(root, "nvidia", "cuda_nvcc"); got != want {
		t.Errorf("XLA_FLAGS = %q, want %q", got, want)
	}
	if os.Getenv("GOPJRT_CUDA_CHECKS") != "0" {
		t.Errorf("GOPJRT_CUDA_CHECKS not disabled")
	}
	if os.Getenv("NVIDIA_TF32_OVERRIDE") != "0" {
		t.Errorf("TF32 not disabled: NVIDIA_TF32_OVERRIDE=%q", os.Getenv("NVIDIA_TF32_OVERRIDE"))
	}
	// A user choice is kept.
	t.Setenv("XLA_FLAGS", "--xla_gpu_cuda_data_dir=/mine --xla_gpu_enable_triton_gemm=true")
	t.Setenv("NVIDIA_TF32_OVERRIDE", "1")
	prepareXLA("xla:" + filepath.Join(plugDir, "xla_cuda_plugin.so"))
	if os.Getenv("XLA_FLAGS") != "--xla_gpu_cuda_data_dir=/mine --xla_gpu_enable_triton_gemm=true" {
		t.Errorf("XLA_FLAGS overwritten: %q", os.Getenv("XLA_FLAGS"))
	}
	if os.Getenv("NVIDIA_TF32_OVERRIDE") != "1" {
		t.Errorf("NVIDIA_TF32_OVERRIDE overwritten")
	}
	// STKIT_TF32=1 leaves TF32 on.
	t.Setenv("XLA_FLAGS", "")
	os.Unsetenv("NVIDIA_TF32_OVERRIDE")
	t.Setenv(TF32Env, "true")
	prepareXLA("xla:" + filepath.Join(plugDir, "xla_cuda_plugin.so"))
	if strings.Contains(os.Getenv("XLA_FLAGS"), "triton") || os.Getenv("NVIDIA_TF32_OVERRIDE") != "" {
		t.Errorf("STKIT_TF32=1: XLA_FLAGS %q, NVIDIA_TF32_OVERRIDE %q", os.Getenv("XLA_FLAGS"), os.Getenv("NVIDIA_TF32_OVERRIDE"))
	}
}

func TestIsPureGoConfig(t *testing.T) {
	for cfg, want := range map[string]bool{"go": true, "go:ops_sequential": true, " go:ops_parallel ": true, "": false, "xla": false, "xla:cpu": false, "gopher": false, "xla:go": false} {
		if got := IsPureGoConfig(cfg); got != want {
			t.Errorf("IsPureGoConfig(%q) = %v, want %v", cfg, got, want)
		}
	}
	b, used, err := New("go:ops_parallel")
	if err != nil {
		t.Fatal(err)
	}
	if !IsPureGo(b) || !IsPureGoConfig(used) {
		t.Errorf("New(go:ops_parallel) gave %s (%s)", b.Name(), used)
	}
}

// TestFindPluginsEveryNamePattern: FindPlugins lists every file PluginName
// recognises. It globbed pjrt-plugin-*, pjrt_plugin_* and pjrt_c_api_*_plugin
// with .so only, so go-xla's mixed separators (pjrt_plugin-x.so) and macOS's
// .dylib plugins were never found, although PluginName (and go-xla) accept
// them.
func TestFindPluginsEveryNamePattern(t *testing.T) {
	dir := isolate(t)
	t.Setenv("PJRT_PLUGIN_LIBRARY_PATH", dir)
	for _, f := range []string{"pjrt_c_api_cuda_plugin.so", "pjrt_plugin-metal.so", "pjrt-plugin_tpu.so", "pjrt_c_api_cpu_plugin.dylib", "pjrt_plugin_cpu.so", "libfoo.so", "pjrt_plugin_x.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "pjrt_plugin_dir.so"), 0o755); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range FindPlugins() {
		got[p.Name] = filepath.Base(p.Path)
	}
	// By file name, pjrt_c_api_cpu_plugin.dylib comes before pjrt_plugin_cpu.so.
	want := map[string]string{"cuda": "pjrt_c_api_cuda_plugin.so", "metal": "pjrt_plugin-metal.so", "tpu": "pjrt-plugin_tpu.so", "cpu": "pjrt_c_api_cpu_plugin.dylib"}
	if len(got) != len(want) {
		t.Errorf("FindPlugins = %v, want %v", got, want)
	}
	for n, f := range want {
		if got[n] != f {
			t.Errorf("plugin %s: %q, want %q", n, got[n], f)
		}
		if PluginName(f) != n {
			t.Errorf("PluginName(%q) = %q", f, PluginName(f))
		}
	}
}
