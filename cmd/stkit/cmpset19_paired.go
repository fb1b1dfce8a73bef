package main

import (
	"fmt"
)

// checkPaired19 refuses --paired for sets of different sizes.
func checkPaired19(a, b statsInput) error {
	if na, nb := a.set.Maps.B, b.set.Maps.B; na != nb {
		return badInputf("--paired: %s holds %s, %s %s: paired sets pair map i of A with map i of B, so they need the same number of maps (leave --paired out to compare them as independent sets)", a.describe(), plural(na, "map"), b.describe(), plural(nb, "map"))
	}
	return nil
}

// zLine19 is printCompare's line of the counts of |z| > 3, with the
// Student t of z: ν = n_A + n_B − 2, or n − 1 for paired sets.
func zLine19(r compareResult, x compareExtra19) string {
	nu := "n_A + n_B − 2"
	if x.Paired {
		nu = "n − 1 (paired)"
	}
	return fmt.Sprintf("|z| > 3: %d of %d (%.3g expected of independent z: Student t with ν = %s = %d, P(|t| > 3) = %.2g; %.3g if z were normal)",
		r.Over3, r.Dof, r.ExpOver3, nu, r.Nu, r.ExpOver3/float64(r.Dof), 0.0027*float64(r.Dof))
}

// pairedFormula19 is the JSON's "z" of paired sets (--paired).
const pairedFormula19 = "mean(d)/(sd(d)/sqrt(n)), d = a_i − b_i the differences of the n paired maps, sd the unbiased standard deviation; re and im of complex coefficients separately"
