package checkpoints

import (
	"errors"
	"testing"

	"github.com/gomlx/gomlx/pkg/core/dtypes"
	"github.com/gomlx/gomlx/pkg/core/shapes"
	"github.com/gomlx/gomlx/pkg/core/tensors"
	"github.com/gomlx/gomlx/pkg/ml/context"

	"github.com/stkit-org/stkit/internal/testutil"
)

// Restore checked shapes first but then converted and set the variables one by one, so a failure
// part-way (a conversion or a SetValue error) left the context partly restored. Every value is now
// converted before the first write and the writes cannot fail: a conversion failure injected at the
// last variable leaves every value, trainable flag and the set of variables as they were, and
// frees the tensors converted so far. A successful Restore frees the replaced values, as
// Variable.SetValue does.
func TestRestoreAllOrNothing(t *testing.T) {
	m, _ := Open(t.TempDir(), 1)
	saved := context.New()
	saved.In("model").VariableWithValue("a", []float32{10, 20}).SetTrainable(false)
	saved.In("model").VariableWithValue("b", []float32{1, 2, 3})
	saved.In("other").VariableWithValue("c", []int64{7})
	if _, err := m.Save(saved, State{Step: 1}, nil, nil); err != nil {
		t.Fatal(err)
	}
	ck, _, err := m.Latest()
	if err != nil {
		t.Fatal(err)
	}

	target := context.New()
	a := target.In("model").VariableWithValue("a", []float32{-1, -2}) // trainable
	b := target.In("model").VariableWithValue("b", []float32{0, 0, 0})
	oldA := a.MustValue()

	orig := newTensor
	defer func() { newTensor = orig }()
	var made []*tensors.Tensor
	newTensor = func(c *Checkpoint, r varRecord) (*tensors.Tensor, error) {
		if r.Name == "c" {
			return nil, errors.New("injected conversion failure")
		}
		tt, err := orig(c, r)
		made = append(made, tt)
		return tt, err
	}
	testutil.Refused(t, "Restore with a failing conversion", func() error { return ck.Restore(target) },
		"/other/c", "injected conversion failure", "nothing restored")
	if got := a.MustValue().Value().([]float32); got[0] != -1 || got[1] != -2 || !a.Trainable {
		t.Errorf("failed Restore changed /model/a to %v (trainable %v)", got, a.Trainable)
	}
	if got := b.MustValue().Value().([]float32); got[0] != 0 || got[2] != 0 {
		t.Errorf("failed Restore changed /model/b to %v", got)
	}
	if v := target.GetVariableByScopeAndName("/other", "c"); v != nil {
		t.Errorf("failed Restore created %s", v.ScopeAndName())
	}
	if len(made) != 2 || made[0].Ok() || made[1].Ok() || !oldA.Ok() {
		t.Errorf("failed Restore: %d tensors converted (want 2, freed: %v), current value of /model/a valid: %v", len(made), len(made) == 2 && !made[0].Ok(), oldA.Ok())
	}

	newTensor = orig
	if err := ck.Restore(target); err != nil {
		t.Fatal(err)
	}
	if got := a.MustValue().Value().([]float32); got[0] != 10 || got[1] != 20 || a.Trainable {
		t.Errorf("Restore: /model/a = %v (trainable %v), want [10 20], not trainable", got, a.Trainable)
	}
	if got := b.MustValue().Value().([]float32); got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("Restore: /model/b = %v", got)
	}
	if v := target.GetVariableByScopeAndName("/other", "c"); v == nil || v.MustValue().Value().([]int64)[0] != 7 {
		t.Errorf("Restore did not create /other/c = [7]: %v", v)
	}
	if oldA.Ok() {
		t.Errorf("Restore kept the replaced value of /model/a alive (SetValue frees it)")
	}
}

// A variable with a zero-sized dimension made Save panic (ConstBytes indexes element 0) and a
// checkpoint holding one made Restore panic; it now round-trips with no payload bytes.
func TestZeroSizeVariableRoundTrip(t *testing.T) {
	m, _ := Open(t.TempDir(), 1)
	src := context.New()
	src.In("m").VariableWithValue("empty", tensors.FromShape(shapes.Make(dtypes.Float32, 0, 3)))
	src.In("m").VariableWithValue("x", []float64{1.5})
	var p string
	testutil.Refused(t, "", func() error { // used for its panic check only
		var err error
		p, err = m.Save(src, State{Step: 1}, nil, nil)
		if err == nil {
			err = errors.New("saved")
		}
		return err
	}, "saved")
	ck, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, dst := range []*context.Context{context.New(), src} {
		testutil.Refused(t, "", func() error {
			err := ck.Restore(dst)
			if err == nil {
				err = errors.New("restored")
			}
			return err
		}, "restored")
		e := dst.GetVariableByScopeAndName("/m", "empty")
		x := dst.GetVariableByScopeAndName("/m", "x")
		if e == nil || !e.Shape().Equal(shapes.Make(dtypes.Float32, 0, 3)) || x == nil || x.MustValue().Value().([]float64)[0] != 1.5 {
			t.Errorf("restored %v and %v", e, x)
		}
	}
}

// A checkpoint (with a valid SHA-256) recording a variable under a relative scope made Restore
// panic in GoMLX's InAbsPath after it had written the variables before it, and a variable recorded
// twice was set twice (the second value ignored for a new variable); Read refuses both as corrupt.
func TestReadRefusesBadVariableNames(t *testing.T) {
	rec := func(scope, name string, off int64) varRecord {
		return varRecord{Scope: scope, Name: name, DType: "Float32", Dims: []int{1}, Offset: off, Length: 4}
	}
	payload := make([]byte, 8)
	for _, c := range []struct {
		name string
		vars []varRecord
		want string
	}{
		{"relative scope", []varRecord{rec("/m", "a", 0), rec("m", "b", 4)}, "must be absolute"},
		{"empty scope", []varRecord{rec("", "b", 4)}, "must be absolute"},
		{"empty name", []varRecord{rec("/m", "", 4)}, "name not empty"},
		{"duplicate", []varRecord{rec("/m", "a", 0), rec("/m", "a", 4)}, "recorded twice"},
	} {
		p := craft(t, c.vars, payload)
		err := testutil.Refused(t, c.name, func() error { _, err := Read(p); return err }, c.want)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: %v does not wrap ErrCorrupt", c.name, err)
		}
	}
}
