package scov

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/internal/testutil"
	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// A Ref recorded J and L only, so a reference measured with periodic means
// was used by a non-periodic (crop) operator, or one measured on other map
// sizes, and the synthesis vector silently changed. RefFromCoeffs now
// records M, N and Boundary, and Synthesis, SpectraStat and Results refuse
// a mismatch naming it; a Ref of the old form (no M, N, Boundary) still
// reads and is used unchecked, with the values of the new form.
func TestRefSizeAndBoundary(t *testing.T) {
	eng := cpu.New()
	rng := rand.New(rand.NewPCG(7, 8))
	maps := func(m int) *stlayer.Maps {
		x := stlayer.NewMaps(2, m, m)
		for i := range x.Data {
			x.Data[i] = rng.NormFloat64()
		}
		return x
	}
	x32, x64 := maps(32), maps(64)
	mk := func(nonPer bool, m int) *Op {
		t.Helper()
		op, err := New(Config{J: 3, L: 4, NonPeriodic: nonPer}, m, m)
		if err != nil {
			t.Fatal(err)
		}
		return op
	}
	ref := func(op *Op, x *stlayer.Maps) *Ref {
		t.Helper()
		r, err := op.NewRef(eng, x)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	per, crop, per64 := mk(false, 32), mk(true, 32), mk(false, 64)
	rp, rc, r64 := ref(per, x32), ref(crop, x32), ref(per64, x64)
	if rp.M != 32 || rp.N != 32 || rp.Boundary != "periodic" || rc.Boundary != "crop=4" || r64.M != 64 {
		t.Errorf("recorded: periodic %d×%d %q, crop %q, 64² %d", rp.M, rp.N, rp.Boundary, rc.Boundary, r64.M)
	}
	worst := 0.0
	for i := range rp.P00 {
		worst = math.Max(worst, math.Abs(rp.P00[i]-rc.P00[i])/rp.P00[i])
	}
	if worst < 1e-3 {
		t.Errorf("periodic and cropped P00 of the same maps differ by %.3g at most", worst)
	}
	t.Logf("periodic vs crop reference: P00 differs by up to %.3g relative", worst)

	raw, err := stlayer.ForwardChunked(eng, per.Key(), per.Stat(), x32, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	uses := []struct {
		name string
		f    func(op *Op, r *Ref) error
	}{
		{"Synthesis", func(op *Op, r *Ref) error { _, err := op.Synthesis(r, true); return err }},
		{"SpectraStat", func(op *Op, r *Ref) error { _, err := op.SpectraStat(r, nil); return err }},
		{"Results", func(op *Op, r *Ref) error { _, err := op.Results(raw, r); return err }},
	}
	for _, u := range uses {
		testutil.Refused(t, u.name+" periodic ref, crop op", func() error { return u.f(crop, rp) }, "boundary periodic", "crop=4", "NonPeriodic")
		testutil.Refused(t, u.name+" crop ref, periodic op", func() error { return u.f(per, rc) }, "boundary crop=4", "periodic")
		testutil.Refused(t, u.name+" 64² ref, 32² op", func() error { return u.f(per, r64) }, "64×64", "32×32")
		for _, ok := range []struct {
			op *Op
			r  *Ref
		}{{per, rp}, {crop, rc}} {
			if err := u.f(ok.op, ok.r); err != nil {
				t.Errorf("%s with its own reference: %v", u.name, err)
			}
		}
	}

	// old form: no M, N, boundary
	var buf bytes.Buffer
	if err := rp.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "M")
	delete(m, "N")
	delete(m, "boundary")
	oldJS, _ := json.Marshal(m)
	if strings.Contains(string(oldJS), "boundary") || strings.Contains(string(oldJS), `"M"`) {
		t.Fatalf("old form keeps the fields: %s", oldJS)
	}
	old, err := ReadRef(bytes.NewReader(oldJS))
	if err != nil {
		t.Fatalf("old form: %v", err)
	}
	if old.M != 0 || old.Boundary != "" {
		t.Fatalf("old form read as %d×%d %q", old.M, old.N, old.Boundary)
	}
	for _, u := range uses {
		if err := u.f(crop, old); err != nil {
			t.Errorf("%s with an old-form reference: %v", u.name, err)
		}
	}
	eval := func(r *Ref) []complex128 {
		t.Helper()
		s, err := per.Synthesis(r, false)
		if err != nil {
			t.Fatal(err)
		}
		c, err := stlayer.ForwardChunked(eng, s.Key(), s.Stat(), x32, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c.Data
	}
	a, b := eval(rp), eval(old)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("synthesis vector %d: %v with the new form, %v with the old", i, a[i], b[i])
		}
	}

	js := buf.String()
	testutil.Refused(t, "ReadRef M only", func() error {
		_, err := ReadRef(strings.NewReader(strings.Replace(js, `"N": 32`, `"N": 0`, 1)))
		return err
	}, "map size 32×0")
	testutil.Refused(t, "ReadRef bad boundary", func() error {
		_, err := ReadRef(strings.NewReader(strings.Replace(js, `"periodic"`, `"crop=x"`, 1)))
		return err
	}, `"crop=x"`)
}
