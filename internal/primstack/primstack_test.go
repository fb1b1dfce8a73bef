package primstack

import "testing"

type fake struct{}

// FFT2 has the name of a stlayer.Prim method; helper does not.
func (fake) FFT2(f func() string) string   { return f() }
func (fake) helper(f func() string) string { return f() }

func TestOutermost(t *testing.T) {
	const recv = "internal/primstack.fake."
	var x fake
	if got := x.FFT2(func() string { return x.helper(func() string { return Outermost(recv) }) }); got != "FFT2" {
		t.Errorf("inside FFT2: Outermost = %q, want FFT2", got)
	}
	if got := x.helper(func() string { return Outermost(recv) }); got != "" {
		t.Errorf("no Prim method on the stack: Outermost = %q, want \"\"", got)
	}
}
