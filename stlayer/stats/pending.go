package stats

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

func buildWPH(s Spec, m, n int) (Op, error) {
	return nil, fmt.Errorf("wph: not built into this version yet")
}

func buildWPHRef(s Spec, eng stlayer.Engine, ref *stlayer.Maps) (Op, error) {
	return buildWPH(s, ref.M, ref.N)
}

func buildWPHStored(s Spec, m, n int, ref []byte) (Op, error) {
	return buildWPH(s, m, n)
}
