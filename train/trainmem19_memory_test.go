package train

import (
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// ParamCount is the basis of stkit train's refusal of a model that cannot fit in memory (--h 1e8
// died with "fatal error: runtime: out of memory" inside vae.New): it must count exactly the
// float variables vae.New creates, trainable or not, for several architectures (channels,
// layers, K, Z, H).
func TestTrainmem19ParamCountMatchesModel(t *testing.T) {
	be := gomlxtest.Backend(t)
	for _, c := range []struct{ k, feat, ch, z, h, layers int }{
		{2, 7, 1, 3, 5, 1}, {3, 11, 1, 4, 6, 2}, {4, 5, 2, 2, 3, 3}, {2, 9, 3, 5, 4, 1},
	} {
		cfg := vae.SmallConfig(c.k, c.feat)
		cfg.Channels, cfg.Z, cfg.H, cfg.Layers = c.ch, c.z, c.h, c.layers
		m, err := vae.New(be, cfg, 1)
		if err != nil {
			t.Fatal(err)
		}
		var total, trainable float64
		for v := range m.Ctx.IterVariables() {
			if !v.DType().IsFloat() || v.Name() == "gumbel_temperature" {
				continue
			}
			n := float64(v.Shape().Size())
			total += n
			if v.Trainable {
				trainable += n
			}
		}
		gt, gtr := ParamCount(cfg)
		if gt != total || gtr != trainable {
			t.Errorf("%+v: ParamCount = %g total, %g trainable; the model has %g, %g", c, gt, gtr, total, trainable)
		}
		want := 4 * (total + 2*trainable + 16*ActivationWidth(cfg))
		if got := MemoryLowerBound(cfg, 16); got != want {
			t.Errorf("%+v: MemoryLowerBound = %g, want %g", c, got, want)
		}
	}
	// The width of one row's layer outputs, by hand for K=2, F=7, C=1, Z=3, H=5, 1 layer:
	// q(y|x) 5+5+2, q(z|x,y) 5+5+3+3, z 3, p(z|y) 3+3, p(x|z) 5+5+7.
	cfg := vae.SmallConfig(2, 7)
	cfg.Z, cfg.H, cfg.Layers = 3, 5, 1
	if got := ActivationWidth(cfg); got != 12+16+3+6+17 {
		t.Errorf("ActivationWidth = %g, want %d", got, 12+16+3+6+17)
	}
	// H = 10⁸ is counted without overflow: at 2 layers the H×H weights alone are 6·10¹⁶ (each
	// encoder's C·H→H and H→H, the decoder's H→C·H and C·H→C·H).
	big := vae.SmallConfig(3, 369)
	big.H = 100_000_000
	if tot, _ := ParamCount(big); !(tot >= 6e16) || math.IsInf(tot, 0) {
		t.Errorf("ParamCount at H=1e8 = %g, want ≥ 6e16 and finite", tot)
	}
}
