package datasets

import (
	"testing"

	"github.com/stkit-org/stkit/stlayer"
)

// datasets.Unseen, IsUnseen and CountUnseen are stlayer's (one definition,
// shared with package stats): same constant, same answers on both sides of
// the tolerance, same count and first index.
func TestUnseenIsStlayers(t *testing.T) {
	if Unseen != stlayer.Unseen {
		t.Fatalf("datasets.Unseen %g, stlayer.Unseen %g", Unseen, stlayer.Unseen)
	}
	tol := 1e-8 + 1e-5*1.6375e30
	for _, x := range []float64{Unseen, float64(float32(Unseen)), Unseen + 0.99*tol, Unseen + 1.01*tol, 0, -Unseen} {
		if IsUnseen(x) != stlayer.IsUnseen(x) {
			t.Errorf("IsUnseen(%g): datasets %v, stlayer %v", x, IsUnseen(x), stlayer.IsUnseen(x))
		}
	}
	m := stlayer.NewMaps(1, 8, 8)
	m.Data[13], m.Data[40] = Unseen, float64(float32(Unseen))
	n, first := CountUnseen(m)
	sn, sfirst := stlayer.CountUnseen(m)
	if n != 2 || first != 13 || n != sn || first != sfirst {
		t.Errorf("CountUnseen = %d, %d; stlayer %d, %d; want 2, 13", n, first, sn, sfirst)
	}
}
