package stats

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

func buildWPH(s Spec, m, n int) (Op, error) {
	return nil, fmt.Errorf("wph: not built into this version yet")
}

func buildSCov(s Spec, m, n int) (Op, error) {
	return nil, fmt.Errorf("%s: not built into this version yet", s.Kind)
}

func buildSCovRef(s Spec, eng stlayer.Engine, ref *stlayer.Maps) (Op, error) {
	return buildSCov(s, ref.M, ref.N)
}

func buildWPHRef(s Spec, eng stlayer.Engine, ref *stlayer.Maps) (Op, error) {
	return buildWPH(s, ref.M, ref.N)
}
