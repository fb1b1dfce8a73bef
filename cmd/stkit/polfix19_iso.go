package main

import (
	"fmt"

	"github.com/stkit-org/stkit/stlayer"
)

// isoTau0Rows keeps, of the wph --iso label table lab and its coefficient
// rows (one per map), the rows at τ = 0 (label column n ≤ 0; every row of
// a table without n), and returns how many rows at τ ≠ 0 (--dn ≥ 1) it
// left out. Those are complex (½(X̄(τ) + conj X̄(−τ)) is real only at
// τ = 0) and share j1 and Δl with the τ = 0 row of their class, so drawn
// with it they read as 4–5 unlabelled points per scale.
func isoTau0Rows(lab *stlayer.Labels, rows [][]complex128) (out *stlayer.Labels, outRows [][]complex128, dropped int) {
	out = &stlayer.Labels{Columns: lab.Columns, Values: lab.Values}
	outRows = make([][]complex128, len(rows))
	for i := 0; i < lab.Len(); i++ {
		if lab.Get(i, "n") > 0 {
			dropped++
			continue
		}
		out.Class = append(out.Class, lab.Class[i])
		out.Rows = append(out.Rows, lab.Rows[i])
		for b := range rows {
			outRows[b] = append(outRows[b], rows[b][i])
		}
	}
	return out, outRows, dropped
}

// isoTauNote is the title line of a wph --iso dashboard that left out
// dropped rows at τ ≠ 0 (isoTau0Rows); "" when none.
func isoTauNote(dropped, total int) string {
	if dropped == 0 {
		return ""
	}
	return fmt.Sprintf("drawn: the moments at τ = 0; the %d of %d rows at τ ≠ 0 (--dn ≥ 1, complex) are not drawn: they are in the printed table and -o", dropped, total)
}
