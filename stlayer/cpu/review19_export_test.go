package cpu

// PlanRadices19 is planRadices with this package's Bluestein threshold:
// the radices of the default plan of length n (package cpu_test checks the
// plan its statistics test runs on).
func PlanRadices19(n int) []int { return planRadices(n, bluesteinMinRadix) }

// UsesBluestein19 reports whether the default plan of length n has a
// Bluestein stage.
func UsesBluestein19(n int) bool {
	for _, st := range newMixedPlanWith(n, bluesteinMinRadix).stages {
		if st.gen != nil && st.gen.fft != nil {
			return true
		}
	}
	return false
}
