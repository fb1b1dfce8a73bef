package perf

import (
	"fmt"
	"testing"

	"github.com/stkit-org/stkit/stlayer/cpu"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// TestMeasureSmall: the measurement machinery on a small case: FFT counts by
// plane size, a positive floor and finite ratios.
func TestMeasureSmall(t *testing.T) {
	c := Case{Name: "wph J3 L4", Spec: stats.Spec{Kind: stats.WPH, J: 3, L: 4}, Size: 32, Batch: 2}
	r, err := Measure(cpu.New(), c, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.FFTs) != 1 || r.FFTs[[2]int{32, 32}] < 2 {
		t.Errorf("FFT counts %v, want 32×32 transforms only, at least one per map", r.FFTs)
	}
	if !(r.Floor > 0) || !(r.FloorRatio > 0) || !(r.CPUMedian >= 0) || r.WallMin > r.WallMedian {
		t.Errorf("implausible result %+v", r)
	}
}

// BenchmarkScaling runs the scaling series (scattering covariance iso
// synthesis loss+gradient and WPH forward, J = log2 N − 2, L = 4) over map
// sizes at batch 1 and over batch sizes at 256², reporting CPU seconds per
// call, the FFT floor (the call's FFTs alone on one worker) and their ratio.
// go test ./stlayer/perf -run XXX -bench Scaling -benchtime 3x
func BenchmarkScaling(b *testing.B) {
	for _, c := range ScalingCases([]int{64, 128, 256, 512, 1024}, []int{1, 4, 16}) {
		b.Run(fmt.Sprintf("%s/%d/B%d", c.Name, c.Size, c.Batch), func(b *testing.B) {
			e := cpu.New()
			p, err := Prepare(e, c)
			if err != nil {
				b.Fatal(err)
			}
			e.ResetFFTCount()
			if err := p.Run(); err != nil {
				b.Fatal(err)
			}
			floor := NewFloorRun(e.FFTCount())
			floor.Run()
			var cpuT, fl float64
			n := 0
			b.ResetTimer()
			for b.Loop() {
				c0 := cpuSeconds()
				if err := p.Run(); err != nil {
					b.Fatal(err)
				}
				cpuT += cpuSeconds() - c0
				b.StopTimer()
				fl += floor.Run()
				b.StartTimer()
				n++
			}
			b.ReportMetric(cpuT/float64(n), "cpu-s/op")
			b.ReportMetric(fl/float64(n), "floor-s/op")
			b.ReportMetric(cpuT/fl, "cpu/floor")
		})
	}
}
