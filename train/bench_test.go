package train

import (
	"testing"

	"github.com/gomlx/gomlx/pkg/core/tensors"

	"github.com/stkit-org/stkit/internal/gomlxfix"
	"github.com/stkit-org/stkit/internal/testutil/gomlxtest"
	"github.com/stkit-org/stkit/vae"
)

// BenchmarkTrainStep times one optimiser step (forward, backward, clipped Adam, batch-norm updates)
// of the CPU preset (vae.SmallConfig: Z=8, H=128, 2 layers; K=4, F=64, batch 128) with the fixed
// matmul VJPs of internal/gomlxfix and with GoMLX's upstream rules.
func BenchmarkTrainStep(b *testing.B) {
	for _, mode := range []string{"gomlxfix", "upstream"} {
		b.Run(mode, func(b *testing.B) {
			if mode == "upstream" {
				gomlxfix.Uninstall()
				defer gomlxfix.Install()
			}
			be := gomlxtest.Backend(b)
			cfg := vae.SmallConfig(4, 64)
			m, err := vae.New(be, cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			data, _ := blobs(4, 32, 64, 6, 1)
			tr, _ := newTrainer(m, Options{}.withDefaults())
			in := tensors.FromFlatDataAndDimensions(data.X, data.N, data.D)
			step := func() {
				ms, err := tr.TrainStep(nil, []*tensors.Tensor{in}, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, t := range ms {
					t.MustFinalizeAll()
				}
			}
			step() // compile
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				step()
			}
		})
	}
}
