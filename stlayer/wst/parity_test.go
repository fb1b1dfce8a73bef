package wst

import (
	"fmt"
	"math"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// Parity tolerances. The fixtures were computed in float32 by the reference
// libraries; we compute in float64. Every coefficient must agree to 1e-4
// relative; coefficients much smaller than the largest of their class (e.g.
// the off-axis second-order coefficients, whose float32 reference carries an
// absolute error ~1e-7 of the class's scale) are compared with an absolute
// tolerance of 1e-4 × floor × (largest |value| of the class), floor = 1e-3.
const (
	parityRtol  = 1e-4
	parityFloor = 1e-3
	// Cheng's for_synthesis vectors are natural logs: compared with an absolute
	// tolerance of 1e-4 (a relative error of 1e-4 on the coefficient).
	logAtol = 1e-4
)

func TestChengParity(t *testing.T) {
	x := testutil.Dust256(t)
	e := cpu.New()
	for _, J := range []int{6, 7} {
		t.Run(fmt.Sprintf("J%d", J), func(t *testing.T) {
			op, err := New(Config{J: J, L: 4}, 256, 256)
			if err != nil {
				t.Fatal(err)
			}
			c, err := e.Forward(op.Key(), op.Stat(), x)
			if err != nil {
				t.Fatal(err)
			}
			d, err := ChengDict(op, c)
			if err != nil {
				t.Fatal(err)
			}
			f := openNpz(t, fmt.Sprintf("reference/cheng_scattering_coef_J%d_L4_dust256.npz", J))
			for _, k := range []string{"S0", "mean", "S1", "S1_iso", "P00", "P00_iso", "S2", "S2_iso", "P11", "P11_iso", "s21", "s22"} {
				want := f.Float32(k)
				if fmt.Sprint(f.Shape(k)) != fmt.Sprint(d[k].Shape) {
					t.Errorf("%s: shape %v, want %v", k, d[k].Shape, f.Shape(k))
					continue
				}
				w := testutil.CompareFloor(t, k, d[k].Data, want, parityRtol, parityFloor)
				t.Logf("%-8s worst rel. error %.2e", k, w)
			}
			for _, k := range []string{"for_synthesis", "for_synthesis_iso"} {
				want := f.Float32(k)
				if fmt.Sprint(f.Shape(k)) != fmt.Sprint(d[k].Shape) {
					t.Fatalf("%s: shape %v, want %v", k, d[k].Shape, f.Shape(k))
				}
				worst := 0.0
				for i := range want {
					worst = math.Max(worst, math.Abs(d[k].Data[i]-want[i]))
				}
				if worst > logAtol {
					t.Errorf("%s: max |Δlog| %.2e > %.0e", k, worst, logAtol)
				}
				t.Logf("%-8s max |Δlog| %.2e", k, worst)
			}

			// The differentiable reductions agree with the host export.
			ci, err := e.Forward(op.Key()+":iso", op.IsoStat(), x)
			if err != nil {
				t.Fatal(err)
			}
			il := op.IsoLabels()
			if ci.K != il.Len() {
				t.Fatalf("IsoStat: %d channels, labels %d", ci.K, il.Len())
			}
			for i := range il.Len() {
				j1, j2, l2 := il.Get(i, "j1"), il.Get(i, "j2"), il.Get(i, "l2")
				var want float64
				switch il.Class[i] {
				case "S0":
					want = d["S0"].Data[0]
				case "S1_iso", "P00_iso":
					want = d[il.Class[i]].Data[j1]
				case "S2_iso", "P11_iso":
					want = d[il.Class[i]].Data[(j1*J+j2)*4+l2]
				case "s21", "s22":
					want = d[il.Class[i]].Data[j1*J+j2]
				}
				if got := real(ci.Data[i]); math.Abs(got-want) > 1e-12*math.Abs(want) {
					t.Errorf("IsoStat %s: %g, ChengDict %g", il.String(i), got, want)
				}
			}
			for _, iso := range []bool{false, true} {
				name := "for_synthesis"
				if iso {
					name += "_iso"
				}
				cs, err := e.Forward(fmt.Sprintf("%s:syn%v", op.Key(), iso), op.SynthesisStat(iso), x)
				if err != nil {
					t.Fatal(err)
				}
				if cs.K != op.SynthesisLabels(iso).Len() || cs.K != len(d[name].Data) {
					t.Fatalf("SynthesisStat(%v): %d channels, labels %d, ChengDict %d", iso, cs.K, op.SynthesisLabels(iso).Len(), len(d[name].Data))
				}
				for i := range cs.K {
					if got, want := real(cs.Data[i]), d[name].Data[i]; math.Abs(got-want) > 1e-12 {
						t.Errorf("SynthesisStat(%v)[%d] = %g, ChengDict %g", iso, i, got, want)
					}
				}
			}
		})
	}
}

func TestKymatioParityDust(t *testing.T) {
	x := testutil.Dust256(t)
	op, err := New(Config{J: 6, L: 8, Local: true}, 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	f := openNpz(t, "reference/kymatio_scat2d_J6_L8_dust256.npz")
	// Channel labels.
	lab := f.Int64("labels")
	rows := op.KymatioLabelRows()
	if len(lab) != 5*len(rows) {
		t.Fatalf("labels: %d rows in fixture, %d here", len(lab)/5, len(rows))
	}
	for i, r := range rows {
		for c := range 5 {
			if int64(r[c]) != lab[5*i+c] {
				t.Fatalf("channel %d: label %v, fixture %v", i, r, lab[5*i:5*i+5])
			}
		}
	}
	a := kymatioForward(t, op, x)
	if fmt.Sprint(a.Shape) != fmt.Sprint(f.Shape("S")) {
		t.Fatalf("shape %v, fixture %v", a.Shape, f.Shape("S"))
	}
	compareKymatio(t, op, a.Data, f.Float32("S"), 1)
}

// kymatioForward evaluates op on x with the CPU engine and returns the
// coefficients in Kymatio's layout (KymatioArray).
func kymatioForward(t *testing.T, op *Op, x *stlayer.Maps) *Array {
	t.Helper()
	c, err := cpu.New().Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	a, err := KymatioArray(op, c)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// compareKymatio compares per order (S0, S1, S2 as classes for the scale floor).
func compareKymatio(t *testing.T, op *Op, got, want []float64, batch int) {
	t.Helper()
	h, w := op.OutputSize()
	K := op.Labels().Len()
	for _, class := range []string{"S0", "S1", "S2"} {
		var g, wa []float64
		for b := range batch {
			for k := range K {
				if op.Labels().Class[k] != class {
					continue
				}
				o := (b*K + k) * h * w
				g = append(g, got[o:o+h*w]...)
				wa = append(wa, want[o:o+h*w]...)
			}
		}
		worst := testutil.CompareFloor(t, class, g, wa, parityRtol, parityFloor)
		t.Logf("%s: %d values, worst rel. error %.2e", class, len(g), worst)
	}
}

func TestKymatioGolden(t *testing.T) {
	f := openNpz(t, "data/kymatio/test_data_2d.npz")
	if J := f.Int64("J"); len(J) != 1 || J[0] != 4 {
		t.Fatalf("test_data_2d.npz: J = %v, want 4", J)
	}
	xs := f.Shape("x")
	x := &stlayer.Maps{B: xs[0] * xs[1], M: xs[2], N: xs[3], Data: f.Float32("x")}
	op, err := New(Config{J: 4, L: 8, Local: true}, x.M, x.N)
	if err != nil {
		t.Fatal(err)
	}
	a := kymatioForward(t, op, x)
	ss := f.Shape("Sx")
	if want := []int{xs[0] * xs[1], ss[2], ss[3], ss[4]}; fmt.Sprint(a.Shape) != fmt.Sprint(want) {
		t.Fatalf("shape %v, want %v (Sx %v with leading dims flattened)", a.Shape, want, ss)
	}
	compareKymatio(t, op, a.Data, f.Float32("Sx"), x.B)
}

func TestKymatioGradParity(t *testing.T) {
	x := testutil.Dust256(t)
	op, err := New(Config{J: 6, L: 8, Local: true}, 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	_, g, err := cpu.New().LossGrad(op.Key(), op.Stat(), x, testutil.SumAbs2)
	if err != nil {
		t.Fatal(err)
	}
	var want32 []float32
	testutil.ReadNpy(t, testutil.SharedFile(t, "reference", "kymatio_scat2d_J6_L8_dust256_grad_sumsq.npy"), &want32)
	want := testutil.Float64s(want32)
	// The float32 reference gradient carries an absolute error of a few 1e-7
	// of its largest value (measured: max |Δ| = 5e-7·max|∂|, relative L2 error
	// 2.7e-7), so per pixel the floor is 1e-2 of the largest |∂| (absolute
	// tolerance 1e-6·max|∂|), and the relative L2 error must be ≤ 1e-5.
	worst := testutil.CompareFloor(t, "grad", g, want, parityRtol, 1e-2)
	var num, den float64
	for i := range g {
		num += (g[i] - want[i]) * (g[i] - want[i])
		den += want[i] * want[i]
	}
	l2 := math.Sqrt(num / den)
	t.Logf("∂Σ S²/∂x: worst rel. error %.2e, relative L2 error %.2e", worst, l2)
	if l2 > 1e-5 {
		t.Errorf("relative L2 error of the gradient %.2e > 1e-5", l2)
	}
}
