package stats

import (
	"strings"
	"testing"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/cpu"
)

// StrictJ2 was ignored by every family but the global wst (a wph or scov
// spec with it built as without it); Build and BuildWithRef now refuse it there, and the
// global wst with it has fewer S2 coefficients (no j2 = j1 pairs).
func TestStrictJ2OnlyGlobalWST(t *testing.T) {
	for _, s := range []Spec{{Kind: WPH, J: 3, StrictJ2: true}, {Kind: SCov, J: 3, StrictJ2: true}, {Kind: WST, J: 3, Local: true, StrictJ2: true}} {
		if _, err := Build(s, 32, 32); err == nil || !strings.Contains(err.Error(), "--strict-j2 (second-order pairs j2 > j1 only) applies to the global wst, not "+string(s.Kind)) {
			t.Errorf("%s: %v", s, err)
		}
		x := stlayer.NewMaps(1, 32, 32)
		x.Data[5] = 1
		if _, err := BuildWithRef(s, cpu.New(), x); err == nil || !strings.Contains(err.Error(), "--strict-j2 (second-order pairs j2 > j1 only) applies to the global wst, not "+string(s.Kind)) {
			t.Errorf("BuildWithRef %s: %v", s, err)
		}
	}
	a, err := Build(Spec{Kind: WST, J: 3}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(Spec{Kind: WST, J: 3, StrictJ2: true}, 32, 32)
	if err != nil {
		t.Fatal(err)
	}
	// L = 4: the j2 = j1 pairs are J·L·L = 48 S2 coefficients
	if na, nb := len(a.Labels().Select("S2", nil)), len(b.Labels().Select("S2", nil)); na-nb != 48 || len(b.Labels().Select("S2", map[string]int{"j1": 1, "j2": 1})) != 0 {
		t.Errorf("S2: %d coefficients, %d with StrictJ2 (want 48 fewer, none at j1 = j2)", na, nb)
	}
}
