package vae

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
)

// TestNewInitialisation pins New's documented initial values: weights He-normal (mean 0, std
// sqrt(2/fan_in), fan_in the first axis of Dense's [in, out] weights), biases 0, BN scale 1 and
// offset 0, running mean 0 and running variance 1 (New's forward pass runs in evaluation mode and
// leaves them alone), temperature τ = 1.
func TestNewInitialisation(t *testing.T) {
	cfg := SmallConfig(4, 40)
	cfg.Channels, cfg.H, cfg.Z = 2, 64, 6
	m, err := New(gomlxtest.Backend(t), cfg, 11)
	if err != nil {
		t.Fatal(err)
	}
	if tau := m.Temperature(); tau != 1 {
		t.Errorf("initial temperature %g, want 1", tau)
	}
	checked := 0
	for v := range m.Ctx.IterVariables() {
		if !v.DType().IsFloat() || v.Name() == "gumbel_temperature" {
			continue
		}
		val := tensors.MustCopyFlatData[float32](v.MustValue())
		name := v.ScopeAndName()
		constant := map[string]float32{"biases": 0, "scale": 1, "offset": 0, "running_mean": 0, "running_var": 1}
		if want, ok := constant[v.Name()]; ok {
			for i, x := range val {
				if x != want {
					t.Fatalf("%s[%d] = %g, want %g", name, i, x, want)
				}
			}
			continue
		}
		if v.Name() != "weights" || v.Shape().Rank() != 2 {
			t.Fatalf("unexpected variable %s %s", name, v.Shape())
		}
		if !strings.HasPrefix(name, "/vae/") {
			t.Errorf("variable %s outside Scope %q", name, Scope)
		}
		if len(val) < 2000 {
			continue // too few values for a std estimate
		}
		s, s2 := 0.0, 0.0
		for _, x := range val {
			s += float64(x)
			s2 += float64(x) * float64(x)
		}
		n := float64(len(val))
		mean, std := s/n, math.Sqrt(s2/n-(s/n)*(s/n))
		want := math.Sqrt(2 / float64(v.Shape().Dimensions[0]))
		// Relative standard error of a sample std ≈ 1/sqrt(2n) ≤ 1.6 % here; allow 5 σ.
		if math.Abs(std/want-1) > 5/math.Sqrt(2*n) || math.Abs(mean) > 5*want/math.Sqrt(n) {
			t.Errorf("%s: mean %.4g std %.4g over %d values, want He-normal mean 0 std sqrt(2/%d) = %.4g",
				name, mean, std, len(val), v.Shape().Dimensions[0], want)
		}
		checked++
	}
	if checked < 6 {
		t.Fatalf("only %d weight matrices large enough to check", checked)
	}
}

// TestLayersCountsBlocks pins Config.Layers' doc: with Layers = n each MLP (q(y|x), q(z|x,y),
// p(x|z)) has n + 1 Linear → BN → LReLU blocks, the widths the doc gives (encoders: per-channel
// F→H or (F+K)→H, then C·H→H and H→H; decoder: Z→H, H→C·H and C·H→C·H).
func TestLayersCountsBlocks(t *testing.T) {
	for _, n := range []int{1, 3} {
		cfg := SmallConfig(3, 4)
		cfg.Channels, cfg.Z, cfg.H, cfg.Layers = 2, 3, 5, n
		m, err := New(gomlxtest.Backend(t), cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		blocks := map[string]int{}
		for v := range m.Ctx.IterVariables() {
			if v.Name() != "weights" || strings.Contains(v.Scope(), "/pzy/") || strings.HasSuffix(v.Scope(), "/dense") &&
				(strings.Contains(v.Scope(), "/logits/") || strings.Contains(v.Scope(), "/mu/") || strings.Contains(v.Scope(), "/var/") || strings.Contains(v.Scope(), "/out/")) {
				continue
			}
			// A block's Linear is <net>/<block>/dense/weights and has a <net>/<block>/bn.
			parts := strings.Split(v.Scope(), "/") // "", "vae", net, block, "dense"
			net, block := parts[2], parts[3]
			if m.Ctx.GetVariableByScopeAndName("/vae/"+net+"/"+block+"/bn", "scale") == nil {
				t.Errorf("%s has no batch norm", v.ScopeAndName())
			}
			dims := v.Shape().Dimensions
			blocks[net]++
			want := map[string][2]int{
				"qyx/in": {cfg.Features, cfg.H}, "qzxy/in": {cfg.Features + cfg.K, cfg.H},
				"qyx/flat": {cfg.Channels * cfg.H, cfg.H}, "qzxy/flat": {cfg.Channels * cfg.H, cfg.H},
				"pxz/in": {cfg.Z, cfg.H}, "pxz/expand": {cfg.H, cfg.Channels * cfg.H},
			}[net+"/"+block]
			if strings.HasPrefix(block, "hidden") {
				want = [2]int{cfg.H, cfg.H}
				if net == "pxz" {
					want = [2]int{cfg.Channels * cfg.H, cfg.Channels * cfg.H}
				}
			}
			if dims[0] != want[0] || dims[1] != want[1] {
				t.Errorf("Layers %d: %s is %v, want %v", n, v.ScopeAndName(), dims, want)
			}
		}
		for _, net := range []string{"qyx", "qzxy", "pxz"} {
			if blocks[net] != n+1 {
				t.Errorf("Layers %d: %s has %d Linear → BN → LReLU blocks, want n + 1 = %d", n, net, blocks[net], n+1)
			}
		}
	}
}

// TestPresets pins DefaultConfig's and SmallConfig's documented values.
func TestPresets(t *testing.T) {
	d := DefaultConfig(4, 100)
	want := Config{K: 4, Channels: 1, Features: 100, Z: 32, H: 1024, Layers: 4, Slope: 0.2, WRec: 0.15, WGauss: 1,
		WCat: 1, WBalance: 0, PriorVarOffset: 1, BNMomentum: 0.1, BNEpsilon: 1e-5}
	if d != want || d.Validate() != nil {
		t.Errorf("DefaultConfig(4, 100) = %+v (Validate %v), want %+v", d, d.Validate(), want)
	}
	s := SmallConfig(4, 100)
	want.Z, want.H, want.Layers = 8, 128, 2
	if s != want || s.Validate() != nil {
		t.Errorf("SmallConfig(4, 100) = %+v (Validate %v), want %+v", s, s.Validate(), want)
	}
}
