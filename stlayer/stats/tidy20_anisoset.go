package stats

import "math"

// circularRTol is the mean resultant length R below which CircularStat
// calls the angles' mean undefined (NaN): R's round-off.
const circularRTol = 1e-9

// CircularStat returns the circular mean of the angles ph (radians, period
// 2π; NaN values left out), in (−π, π], and their circular standard
// deviation √(−2 ln R), R = |Σ e^{iφ}|/n the length of the mean unit vector
// (0 for one angle; for several identical ones round-off, ~1e-8 rad;
// growing without bound as R → 0). Both are NaN when every angle is NaN,
// and when R < circularRTol (1e-9): the angles cancel (0 and π; 0, 2π/3
// and 4π/3), and what is left of R is round-off (6e-17 for 0 and π; at
// most about n·ε/2 = 1.1e-10 for n = 10⁶ angles), whose direction is no
// mean (it gave σ ≈ 8.6 rad and an arbitrary one). R = 1e-9 is σ = 6.4 rad:
// any R near the tolerance already says that the angles have no mean
// direction. For axial data (directions modulo π, such as
// AnisotropyScale's DirectionDeg) use AxialStatDeg, which doubles the
// angles first.
func CircularStat(ph []float64) (mean, sd float64) {
	var c, s float64
	n := 0
	for _, v := range ph {
		if math.IsNaN(v) {
			continue
		}
		c, s, n = c+math.Cos(v), s+math.Sin(v), n+1
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	if n == 1 {
		return math.Atan2(s, c), 0
	}
	r := math.Hypot(c, s) / float64(n)
	if r < circularRTol {
		return math.NaN(), math.NaN()
	}
	return math.Atan2(s, c), math.Sqrt(max(0, -2*math.Log(min(r, 1))))
}

// AxialStatDeg returns the axial mean and circular standard deviation, in
// degrees, of directions given in degrees modulo 180° (ψ and ψ + 180° are
// one direction; NaN values left out): CircularStat of the doubled angles
// 2ψ, halved, the mean reduced to [0°, 180°) (Deg180). Directions 10° and
// 170° average to 0°, not 90°, with σ = √(−2 ln cos 20°)/2 rad = 10.10°.
// Directions whose doubled angles cancel (0° and 90°; 0°, 60° and 120°)
// have no axial mean: both are then NaN (CircularStat's R below its
// tolerance), as when every direction is NaN. One direction (NaN ones aside) gives itself, Deg180,
// and σ exactly 0.
func AxialStatDeg(deg []float64) (meanDeg, sdDeg float64) {
	one, n := 0.0, 0
	for _, d := range deg {
		if !math.IsNaN(d) {
			one, n = d, n+1
		}
	}
	if n == 1 {
		return Deg180(one), 0
	}
	ph := make([]float64, len(deg))
	for i, d := range deg {
		ph[i] = 2 * d * math.Pi / 180
	}
	m, sd := CircularStat(ph)
	return Deg180(m / 2 * 180 / math.Pi), sd / 2 * 180 / math.Pi
}

// AnisotropySetScale is the anisotropy of one scale J over the maps of a
// set (AnisotropyOverMaps).
type AnisotropySetScale struct {
	J int
	// Amplitude, AmplitudeSD: the mean of A_j over the maps and its
	// standard deviation (n − 1 in the denominator, 0 for one map); NaN
	// and ±Inf values are left out (both NaN when all are).
	Amplitude, AmplitudeSD float64
	// NoiseFloor: the mean of the maps' noise floors (NaN, ±Inf left out).
	NoiseFloor float64
	// DirectionDeg, DirectionSD: the axial mean of ψ_j in [0°, 180°) and
	// its circular standard deviation in degrees (AxialStatDeg: the mean of
	// e^{2iψ} over the maps; σ = √(−2 ln R)/2, R its length).
	DirectionDeg, DirectionSD float64
	// Significant: how many of the Measured maps have A_j above their
	// noise floor; Measured: how many maps have an entry for J.
	Significant, Measured int
}

// AnisotropyOverMaps gathers the per-map entries of maps
// (AnisotropySummary.Maps: maps[b] holds map b's scales) per scale J over
// the maps, in increasing J; a scale no map has is left out. For one map
// the means are its values and the standard deviations exactly 0
// (AxialStatDeg of one direction).
func AnisotropyOverMaps(maps [][]AnisotropyScale) []AnisotropySetScale {
	byJ := map[int][]AnisotropyScale{}
	maxJ := -1
	for _, m := range maps {
		for _, s := range m {
			byJ[s.J] = append(byJ[s.J], s)
			maxJ = max(maxJ, s.J)
		}
	}
	var out []AnisotropySetScale
	for j := 0; j <= maxJ; j++ {
		ss := byJ[j]
		if len(ss) == 0 {
			continue
		}
		a, f, d := make([]float64, len(ss)), make([]float64, len(ss)), make([]float64, len(ss))
		e := AnisotropySetScale{J: j, Measured: len(ss)}
		for i, s := range ss {
			a[i], f[i], d[i] = s.Amplitude, s.NoiseFloor, s.DirectionDeg
			if s.Significant {
				e.Significant++
			}
		}
		e.Amplitude, e.AmplitudeSD = FiniteMeanSD(a)
		e.NoiseFloor, _ = FiniteMeanSD(f)
		e.DirectionDeg, e.DirectionSD = AxialStatDeg(d)
		out = append(out, e)
	}
	return out
}

// FiniteMeanSD is the mean and standard deviation (n − 1 in the
// denominator, 0 for one value) of the finite values of ys (NaN, NaN when
// none is).
func FiniteMeanSD(ys []float64) (mean, sd float64) {
	var fin []float64
	for _, y := range ys {
		if !math.IsNaN(y) && !math.IsInf(y, 0) {
			fin = append(fin, y)
		}
	}
	if len(fin) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, y := range fin {
		mean += y
	}
	mean /= float64(len(fin))
	if len(fin) < 2 {
		return mean, 0
	}
	for _, y := range fin {
		sd += (y - mean) * (y - mean)
	}
	return mean, math.Sqrt(sd / float64(len(fin)-1))
}
