package testutil

// InteriorDiffKurtosis is the excess kurtosis (population moments) of the
// horizontal and vertical nearest-neighbour differences of the row-major
// m×n map x inside rows and columns [c, m−c) × [c, n−c): 0 for a Gaussian
// field, large where a synthesis draws facets (cells with straight edges,
// whose steps are rare large differences). The tests of the non-periodic
// statistics, the apodised start and Moisan's periodic component measure
// faceting with it.
func InteriorDiffKurtosis(x []float64, m, n, c int) float64 {
	var d []float64
	for i := c; i < m-c; i++ {
		for j := c; j < n-c; j++ {
			if j+1 < n-c {
				d = append(d, x[i*n+j+1]-x[i*n+j])
			}
			if i+1 < m-c {
				d = append(d, x[(i+1)*n+j]-x[i*n+j])
			}
		}
	}
	if len(d) == 0 {
		return 0
	}
	var mu, m2, m4 float64
	for _, v := range d {
		mu += v
	}
	mu /= float64(len(d))
	for _, v := range d {
		e := (v - mu) * (v - mu)
		m2 += e
		m4 += e * e
	}
	m2 /= float64(len(d))
	m4 /= float64(len(d))
	return m4/(m2*m2) - 3
}
