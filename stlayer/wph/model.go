package wph

import (
	"fmt"
	"math"

	"github.com/stkit-org/stkit/stlayer"
)

// Class names of the WPH moments, in PyWPH's canonical order (WPHOp.load_model
// reorders the requested classes this way before building the model).
var canonicalClasses = []string{"S11", "S00", "C00", "S01", "C01", "S10", "C10", "Cphase", "Cphase_inv", "L"}

// DefaultClasses is PyWPH's default model: S11, S00, S01, C01, Cphase and the
// scaling moments L.
var DefaultClasses = []string{"S11", "S00", "S01", "C01", "Cphase", "L"}

// DefaultSMP is the default list of (p1, p2) pairs of the scaling moments.
var DefaultSMP = [][2]int{{0, 0}, {0, 1}, {1, 1}}

// Moment is one WPH coefficient:
//
//	C = Cov([x⋆ψ_{j1,θ1}]^{p1}(r+τ), [x⋆ψ_{j2,θ2}]^{p2}(r))
//	  = ⟨(a(r+τ) − ⟨a⟩)·conj(b(r) − ⟨b⟩)⟩_r,
//
// θ_l = l·π/L, τ = (Tau[0], Tau[1]) = (row, column) shift in pixels applied to
// the FIRST factor (PyWPH's cov[..., τ_y, τ_x] of ifft(fft(a)·conj(fft(b)))).
// (N, A) index τ on the grid of Config.TauGrid. With Pseudo = 1 (Complex
// only) the second factor is conjugated before the covariance:
//
//	C = ⟨(a(r+τ) − ⟨a⟩)·(b(r) − ⟨b⟩)⟩_r   (no conjugate on b),
//
// PyWPH's pseudo-moments (its pseudo index). This is the NormNone value;
// with NormAuto the means and the division by σ_a σ_b come from the
// reference map (see the package documentation).
type Moment struct {
	// Class is the PyWPH class name: "S11", "S00", "C00", "S01", "C01",
	// "S10", "C10", "Cphase" or "Cphase_inv".
	Class string
	// J1, L1, P1 are the scale j, orientation index l (θ = l·π/L) and phase
	// harmonic p of the first factor, J2, L2, P2 those of the second.
	J1, L1, P1, J2, L2, P2 int
	// N and A are the radial and azimuthal indices of τ (0, 0 for τ = 0);
	// Pseudo is 1 for PyWPH's pseudo-moments (Config.Complex only; S11
	// class, L2 = L1 + L), else 0.
	N, A, Pseudo int
	// Tau is τ = (row, column) shift in pixels of the first factor.
	Tau [2]int
}

// ScalingMoment is one scaling ("L") moment:
//
//	L = Cov([y − ⟨y⟩]^{P1}, [y − ⟨y⟩]^{P2}),  y = x⋆φ_J,
//
// φ_J the Gaussian low-pass of PyWPH (filters.GaussianPyWPH) of width
// σ0·2^J (J ≥ −1), ⟨·⟩ the mean over the map (periodic) or over the cut
// window (NonPeriodic): x⋆φ_J is centred before the harmonic, as PyWPH 1.1
// does ("kill the mean"), so the moment does not see the map's mean. With
// NormAuto y − ⟨y⟩ is replaced by (x − μ)⋆φ_J, μ the reference map's mean
// (see NormAuto). With Pseudo = 1 (Config.Complex only, P1 = P2 = 1) the
// second factor is not conjugated: L = ⟨(y − ⟨y⟩)²⟩.
type ScalingMoment struct {
	// J is the scale of the low-pass φ_J (−1 allowed); P1, P2 the phase
	// harmonics of the two factors; Pseudo is PyWPH's pseudo index.
	J, P1, P2, Pseudo int
}

// covKey identifies a covariance (moments sharing it differ only by τ).
type covKey struct {
	class                  string
	j1, l1, p1, j2, l2, p2 int
	pseudo                 int
}

// cov is one covariance with its list of τ (moment indices in op.moments).
type cov struct {
	covKey
	rows []int // indices into the coefficient vector
	taus [][2]int
}

func hasClass(cs []string, c string) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// tau returns PyWPH's translation (row, col) for orientation index l2 of
// scale j2 (θ = l2·π/L; l2 < 2L with Complex), radial index n and azimuthal
// index a (α = a·π/A).
func (op *Op) tau(j2, l2, n, a int) [2]int {
	if n == 0 {
		return [2]int{0, 0}
	}
	theta := float64(l2) * math.Pi / float64(op.cfg.L)
	alpha := float64(a) * math.Pi / float64(op.cfg.A)
	var r float64
	if op.cfg.TauGrid == "legacy" {
		r = 3 * float64(n) * math.Pow(2, float64(j2))
	} else {
		r = math.Pow(2, float64(n))
	}
	tx := math.RoundToEven(r * math.Cos(theta-alpha))
	ty := math.RoundToEven(r * math.Sin(theta-alpha))
	return [2]int{int(ty), int(tx)}
}

// buildModel builds the moment lists in PyWPH's order (WPHOp.load_model with
// cplx = Config.Complex, cross_moments=False). With DN > 0 on the "exp" τ
// grid, S11, S00 and C01 (l1 = l2) take every n ≤ DN at every scale, Cphase only
// n ≤ min(J−1−j2, DN): this reproduces PyWPH 1.1's coefficient counts (J=7,
// L=4: 513 for dn=0, 6113 for dn=5). On the "legacy" grid (radius 3n·2^j)
// PyWPH's get_dn_eff limits S11 and S00 to n ≤ min(J−1−j1, DN) and C01 to
// n ≤ min(J−1−j2, DN) as well.
func (op *Op) buildModel() error {
	cfg := op.cfg
	J, L, dn, A := cfg.J, cfg.L, cfg.DN, cfg.A
	dj, dl := cfg.DJ, cfg.DL
	// dnEff is PyWPH 1.1's get_dn_eff: min(J−1−j, DN) on the legacy grid,
	// DN on the exp grid.
	dnEff := func(j int) int {
		if cfg.TauGrid == "legacy" {
			return min(J-1-j, dn)
		}
		return dn
	}
	// nt orientations (2L over [0, 2π) with Complex, PyWPH cplx=True).
	nt := L
	if cfg.Complex {
		nt = 2 * L
	}
	// t2s lists the unwrapped second orientations of the C01 (C00, C10)
	// pairs of t1: [t1 − dl, t1 + dl), and with Complex also
	// [t1 + L − dl, t1 + L + dl) (PyWPH's chain of two ranges).
	t2s := func(t1 int) []int {
		var ts []int
		for t2 := t1 - dl; t2 < t1+dl; t2++ {
			ts = append(ts, t2)
		}
		if cfg.Complex {
			for t2 := t1 + L - dl; t2 < t1+L+dl; t2++ {
				ts = append(ts, t2)
			}
		}
		return ts
	}
	var ms []Moment
	add := func(class string, j1, l1, p1, j2, l2, p2, n, a int) {
		ms = append(ms, Moment{Class: class, J1: j1, L1: l1, P1: p1, J2: j2, L2: l2, P2: p2, N: n, A: a, Tau: op.tau(j2, l2, n, a)})
	}
	// addPseudo appends PyWPH's pseudo S11 moments of scale j1 (Complex):
	// t1 = 0…L−1 (they are π-periodic in t1), second wavelet θ_{t1} + π, all
	// 2A azimuths of τ for n ≥ 1, stored with PyWPH's α index (a + A) mod 2A.
	addPseudo := func(j1 int) {
		for t1 := 0; t1 < L; t1++ {
			t2 := (t1 + L) % nt
			for n := 0; n <= dnEff(j1); n++ {
				if n == 0 {
					add("S11", j1, t1, 1, j1, t2, 1, 0, 0)
					ms[len(ms)-1].Pseudo = 1
					continue
				}
				for a := 0; a < 2*A; a++ {
					add("S11", j1, t1, 1, j1, t2, 1, n, (a+A)%(2*A))
					ms[len(ms)-1].Pseudo = 1
				}
			}
		}
	}
	mirrored := false
	for _, class := range canonicalClasses {
		if !hasClass(cfg.Classes, class) {
			continue
		}
		switch class {
		case "S11", "S00":
			p := 1
			if class == "S00" {
				p = 0
			}
			for j1 := 0; j1 < J; j1++ {
				for l1 := 0; l1 < nt; l1++ {
					for n := 0; n <= dnEff(j1); n++ {
						if n == 0 {
							add(class, j1, l1, p, j1, l1, p, 0, 0)
							continue
						}
						for a := 0; a < A; a++ {
							add(class, j1, l1, p, j1, l1, p, n, a)
						}
					}
				}
				if cfg.Complex && class == "S11" {
					addPseudo(j1)
				}
			}
		case "S01", "S10":
			p1, p2 := 0, 1
			if class == "S10" {
				p1, p2, mirrored = 1, 0, true
			}
			for j1 := 0; j1 < J; j1++ {
				for l1 := 0; l1 < nt; l1++ {
					add(class, j1, l1, p1, j1, l1, p2, 0, 0)
				}
			}
		case "C00", "C01", "C10":
			if class != "C01" {
				mirrored = true
			}
			for j1 := 0; j1 < J; j1++ {
				for j2 := j1 + 1; j2 < min(j1+1+dj, J); j2++ {
					for l1 := 0; l1 < nt; l1++ {
						for _, t2 := range t2s(l1) {
							l2 := ((t2 % nt) + nt) % nt
							switch class {
							case "C00":
								add(class, j1, l1, 0, j2, l2, 0, 0, 0)
							case "C10":
								add(class, j2, l2, 1, j1, l1, 0, 0, 0)
							default:
								if t2 == l1 {
									for n := 0; n <= dnEff(j2); n++ {
										if n == 0 {
											add(class, j1, l1, 0, j2, l2, 1, 0, 0)
											continue
										}
										for a := 0; a < 2*A; a++ {
											add(class, j1, l1, 0, j2, l2, 1, n, a)
										}
									}
								} else {
									add(class, j1, l1, 0, j2, l2, 1, 0, 0)
								}
							}
						}
					}
				}
			}
		case "Cphase", "Cphase_inv":
			for j1 := 0; j1 < J; j1++ {
				for j2 := j1 + 1; j2 < min(j1+1+dj, J); j2++ {
					p := 1 << (j2 - j1)
					for l1 := 0; l1 < nt; l1++ {
						if class == "Cphase_inv" {
							mirrored = true
							add(class, j2, l1, p, j1, l1, 1, 0, 0)
							continue
						}
						for n := 0; n <= min(J-1-j2, dn); n++ {
							if n == 0 {
								add(class, j1, l1, 1, j2, l1, p, 0, 0)
								continue
							}
							for a := 0; a < 2*A; a++ {
								add(class, j1, l1, 1, j2, l1, p, n, a)
							}
						}
					}
				}
			}
		case "L":
			for _, j := range cfg.SMJ {
				for _, pp := range cfg.SMP {
					op.sms = append(op.sms, ScalingMoment{J: j, P1: pp[0], P2: pp[1]})
					if cfg.Complex && pp == [2]int{1, 1} { // PyWPH's pseudo scaling moment
						op.sms = append(op.sms, ScalingMoment{J: j, P1: 1, P2: 1, Pseudo: 1})
					}
				}
			}
		}
	}
	for _, c := range cfg.Classes {
		if !hasClass(canonicalClasses, c) {
			return fmt.Errorf("wph: unknown class %q (known: %v)", c, canonicalClasses)
		}
	}
	if mirrored && dn > 0 {
		return fmt.Errorf("wph: classes C00, S10, C10 and Cphase_inv are only supported with DN = 0")
	}
	op.moments = ms

	// Group consecutive moments sharing (j1, l1, p1, j2, l2, p2) into covariances.
	op.covs = nil
	for i, m := range ms {
		k := covKey{m.Class, m.J1, m.L1, m.P1, m.J2, m.L2, m.P2, m.Pseudo}
		if n := len(op.covs); n == 0 || op.covs[n-1].covKey != k {
			op.covs = append(op.covs, &cov{covKey: k})
		}
		c := op.covs[len(op.covs)-1]
		c.rows = append(c.rows, i)
		c.taus = append(c.taus, m.Tau)
	}
	op.maxTau = [2]int{}
	for _, m := range ms {
		op.maxTau[0] = max(op.maxTau[0], abs(m.Tau[0]))
		op.maxTau[1] = max(op.maxTau[1], abs(m.Tau[1]))
	}

	// Label table.
	lb := stlayer.NewLabels(LabelColumns...)
	for _, m := range ms {
		lb.Add(m.Class, map[string]int{"j1": m.J1, "l1": m.L1, "p1": m.P1, "j2": m.J2, "l2": m.L2, "p2": m.P2, "n": m.N, "a": m.A, "pseudo": m.Pseudo})
	}
	for _, s := range op.sms {
		lb.Add("L", map[string]int{"j1": s.J, "p1": s.P1, "j2": s.J, "p2": s.P2, "pseudo": s.Pseudo})
	}
	if len(op.sms) > 0 {
		lb.MarkValues("L", "j1", "j2") // j = −1 is PyWPH's φ_{−1}, not "absent"
	}
	op.labels = lb
	return nil
}

// LabelColumns are the columns of the label table: j1, l1 (θ1 = l1·π/L), p1,
// j2, l2, p2, n, a, pseudo — PyWPH's wph_moments_indices columns (j1, theta1,
// p1, j2, theta2, p2, n, alpha, pseudo). For class "L" rows j1 = j2 = the
// scaling-function scale j (which may be −1: for "L" a −1 in j1/j2 is a real
// scale, not "absent"), p1, p2 as in PyWPH's scaling_moments_indices, l1, l2,
// n, a absent (−1) and pseudo 0 (1 for the pseudo scaling moments of
// Config.Complex). The default scales are j = −1, 0, …, ⌊J/4⌋ (Config.SMJ), so the first three "L" rows are j1 = j2 = −1. The table says
// so (Labels.Values["L"] = ["j1", "j2"]): Labels.Has(i, "j1") is true for
// every "L" row and Labels.String prints the scale,
// "L(j1=-1,p1=0,j2=-1,p2=0,pseudo=0)"; Labels.Get and
// Labels.Select("L", map[string]int{"j1": -1}) read it as −1. Renderers that
// test a row's −1 themselves instead of Labels.Has leave it out as "absent".
var LabelColumns = []string{"j1", "l1", "p1", "j2", "l2", "p2", "n", "a", "pseudo"}

func abs(a int) int {
	if a < 0 {
		return -a
	}
	return a
}

// Moments returns the WPH moments in coefficient order (the first
// len(Moments()) coefficients); the scaling moments follow.
func (op *Op) Moments() []Moment { return append([]Moment(nil), op.moments...) }

// ScalingMoments returns the scaling moments (the last coefficients).
func (op *Op) ScalingMoments() []ScalingMoment { return append([]ScalingMoment(nil), op.sms...) }

// PyWPHIndices returns the model in PyWPH's own layout: wph rows
// [j1, theta1, p1, j2, theta2, p2, n, alpha, pseudo] (WPHOp.wph_moments_indices)
// and sm rows [j, p1, p2, pseudo] (WPHOp.scaling_moments_indices), plus the
// translations [τ_x, τ_y] in PyWPH's column order (WPHOp._translation_pos).
// The coefficient vector is the concatenation wph ‖ sm in this order, which is
// PyWPH's order.
func (op *Op) PyWPHIndices() (wph [][9]int, sm [][4]int, tau [][2]int) {
	for _, m := range op.moments {
		wph = append(wph, [9]int{m.J1, m.L1, m.P1, m.J2, m.L2, m.P2, m.N, m.A, m.Pseudo})
		tau = append(tau, [2]int{m.Tau[1], m.Tau[0]})
	}
	for _, s := range op.sms {
		sm = append(sm, [4]int{s.J, s.P1, s.P2, s.Pseudo})
	}
	return
}
