package stats

import "fmt"

func buildWPH(s Spec, m, n int) (Op, error) {
	return nil, fmt.Errorf("wph: not built into this version yet")
}

func buildSCov(s Spec, m, n int) (Op, error) {
	return nil, fmt.Errorf("%s: not built into this version yet", s.Kind)
}
