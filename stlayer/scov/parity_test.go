package scov

import (
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// TestChengParity compares every array of Cheng's scattering_cov(x) (J=6,
// L=4, 256², defaults: C11_criteria 'j2>=j1', normalization 'P00',
// use_ref=False) with the fixture computed in float32 by Cheng's code.
// Tolerance per coefficient: 1e-4 relative, plus 1e-6 of the array's largest
// magnitude (absolute floor for coefficients that are ~0 in float32, e.g.
// imaginary parts that cancel).
func TestChengParity(t *testing.T) {
	x := loadMap(t, "dust256.npy")
	op, err := New(DefaultConfig(), 256, 256)
	if err != nil {
		t.Fatal(err)
	}
	eng := cpu.New()
	raw, err := eng.Forward(op.Key(), op.Stat(), x)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := op.Results(raw, nil)
	if err != nil {
		t.Fatal(err)
	}
	fx := testutil.OpenNpz(t, testutil.RefFile(t, "cheng_scattering_cov_J6_L4_dust256.npz"))
	const rel, abs = 1e-4, 1e-6
	for _, a := range op.ChengDict(rs) {
		if a.Int != nil {
			want := fx.Int64(a.Name)
			if len(want) != len(a.Int) {
				t.Fatalf("%s: %d values, want %d", a.Name, len(a.Int), len(want))
			}
			for i := range want {
				if want[i] != a.Int[i] {
					t.Fatalf("%s[%d] = %d, want %d", a.Name, i, a.Int[i], want[i])
				}
			}
			continue
		}
		shape := fx.Shape(a.Name)
		if len(shape) != len(a.Shape) {
			t.Errorf("%s: shape %v, want %v", a.Name, a.Shape, shape)
		} else {
			for i := range shape {
				if shape[i] != a.Shape[i] {
					t.Errorf("%s: shape %v, want %v", a.Name, a.Shape, shape)
					break
				}
			}
		}
		var got, want []complex128
		if a.Complex != nil {
			got, want = a.Complex, fx.Complex64(a.Name)
		} else {
			got, want = testutil.ToComplex(a.Real), testutil.ToComplex(fx.Floats(a.Name))
		}
		w := testutil.CompareScaled(t, a.Name, got, want, rel, abs)
		t.Logf("%-18s worst rel err %.2e", a.Name, w)
	}

	// The Prim assembly of for_synthesis(_iso) must equal the host one.
	for _, iso := range []bool{false, true} {
		s, err := op.Synthesis(nil, iso)
		if err != nil {
			t.Fatal(err)
		}
		c, err := eng.Forward(s.Key(), s.Stat(), x)
		if err != nil {
			t.Fatal(err)
		}
		want := rs[0].ForSynthesis
		name := "for_synthesis(prim)"
		if iso {
			want = rs[0].ForSynthesisIso
			name = "for_synthesis_iso(prim)"
		}
		testutil.CompareScaled(t, name, c.Row(0), testutil.ToComplex(want), 1e-10, 1e-12)
	}
}
