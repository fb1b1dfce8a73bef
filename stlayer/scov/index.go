package scov

import "github.com/stkit-org/stkit/stlayer"

// c2 is a two-scale coefficient (C01, P11): scales j1 ≤ j2, angles l1, l2.
type c2 struct{ j1, j2, l1, l2 int }

// c3 is a three-scale coefficient (C11): j1 ≤ j2 ≤ j3, angles l1, l2, l3.
type c3 struct{ j1, j2, j3, l1, l2, l3 int }

// iso2 is an isotropic two-scale coefficient: j1 ≤ j2, d = (l2 − l1) mod L.
type iso2 struct{ j1, j2, d int }

// iso3 is an isotropic three-scale coefficient: j1 ≤ j2 ≤ j3,
// d2 = (l2 − l1) mod L, d3 = (l3 − l1) mod L.
type iso3 struct{ j1, j2, j3, d2, d3 int }

// indexTables enumerates the coefficients in Cheng's orders (row-major
// meshgrids filtered by select_2 = j1 ≤ j2 and select_3 = j1 ≤ j2 ≤ j3).
type indexTables struct {
	J, L int
	two  []c2
	pos2 []int // [j1][j2][l1][l2] → index in two, or −1
	thr  []c3
	pos3 []int // [j1][j2][j3][l1][l2][l3] → index in thr, or −1
	i2   []iso2
	i3   []iso3
}

func newIndexTables(J, L int) *indexTables {
	t := &indexTables{J: J, L: L}
	t.pos2 = make([]int, J*J*L*L)
	for i := range t.pos2 {
		t.pos2[i] = -1
	}
	for j1 := 0; j1 < J; j1++ {
		for j2 := 0; j2 < J; j2++ {
			for l1 := 0; l1 < L; l1++ {
				for l2 := 0; l2 < L; l2++ {
					if j1 <= j2 {
						t.pos2[((j1*J+j2)*L+l1)*L+l2] = len(t.two)
						t.two = append(t.two, c2{j1, j2, l1, l2})
					}
				}
			}
		}
	}
	t.pos3 = make([]int, J*J*J*L*L*L)
	for i := range t.pos3 {
		t.pos3[i] = -1
	}
	for j1 := 0; j1 < J; j1++ {
		for j2 := j1; j2 < J; j2++ {
			for j3 := j2; j3 < J; j3++ {
				for l1 := 0; l1 < L; l1++ {
					for l2 := 0; l2 < L; l2++ {
						for l3 := 0; l3 < L; l3++ {
							t.pos3[t.flat3(j1, j2, j3, l1, l2, l3)] = len(t.thr)
							t.thr = append(t.thr, c3{j1, j2, j3, l1, l2, l3})
						}
					}
				}
			}
		}
	}
	for j1 := 0; j1 < J; j1++ {
		for j2 := j1; j2 < J; j2++ {
			for d := 0; d < L; d++ {
				t.i2 = append(t.i2, iso2{j1, j2, d})
			}
		}
	}
	for j1 := 0; j1 < J; j1++ {
		for j2 := j1; j2 < J; j2++ {
			for j3 := j2; j3 < J; j3++ {
				for d2 := 0; d2 < L; d2++ {
					for d3 := 0; d3 < L; d3++ {
						t.i3 = append(t.i3, iso3{j1, j2, j3, d2, d3})
					}
				}
			}
		}
	}
	return t
}

func (t *indexTables) flat3(j1, j2, j3, l1, l2, l3 int) int {
	J, L := t.J, t.L
	return ((((j1*J+j2)*J+j3)*L+l1)*L+l2)*L + l3
}

// p2 returns the index of C01/P11 (j1, j2, l1, l2) in select_2 order (−1 if j1 > j2).
func (t *indexTables) p2(j1, j2, l1, l2 int) int {
	return t.pos2[((j1*t.J+j2)*t.L+l1)*t.L+l2]
}

// p3 returns the index of C11 (j1, j2, j3, l1, l2, l3) in select_3 order.
func (t *indexTables) p3(j1, j2, j3, l1, l2, l3 int) int {
	return t.pos3[t.flat3(j1, j2, j3, l1, l2, l3)]
}

// kinds lists the (fa, fb) field pairs of the cross moments: one field gives
// [(0,0)], two fields give Cheng's order [(a,a), (b,b), (a,b), (b,a)].
func kinds(nf int) [][2]int {
	if nf == 1 {
		return [][2]int{{0, 0}}
	}
	return [][2]int{{0, 0}, {1, 1}, {0, 1}, {1, 0}}
}

// rawLayout gives the channel offsets of the raw statistic for nf fields:
//
//	mean[f], var[f], P00[f](j,l), S1[f](j,l), (C00(j,l) when nf = 2),
//	C01[kind](select_2), C11[kind](select_3)
type rawLayout struct {
	nf, JL, n2, n3            int
	mean, vr, p00, s1, c00    int
	c01, c11, total, numKinds int
}

func (t *indexTables) layout(nf int) rawLayout {
	r := rawLayout{nf: nf, JL: t.J * t.L, n2: len(t.two), n3: len(t.thr), numKinds: len(kinds(nf))}
	r.mean = 0
	r.vr = nf
	r.p00 = 2 * nf
	r.s1 = r.p00 + nf*r.JL
	r.c00 = r.s1 + nf*r.JL
	r.c01 = r.c00
	if nf == 2 {
		r.c01 += r.JL
	}
	r.c11 = r.c01 + r.numKinds*r.n2
	r.total = r.c11 + r.numKinds*r.n3
	return r
}

func (t *indexTables) numRaw(nf int) int { return t.layout(nf).total }

// P00 index of field f, scale j, angle l.
func (r rawLayout) P00(f, j, l, L int) int { return r.p00 + f*r.JL + j*L + l }

// S1 index of field f, scale j, angle l.
func (r rawLayout) S1(f, j, l, L int) int { return r.s1 + f*r.JL + j*L + l }

// C01 index of kind q, coefficient i (select_2 order).
func (r rawLayout) C01(q, i int) int { return r.c01 + q*r.n2 + i }

// C11 index of kind q, coefficient i (select_3 order).
func (r rawLayout) C11(q, i int) int { return r.c11 + q*r.n3 + i }

// rawLabels builds the label table of the raw statistic for nf fields.
// For nf = 2 the columns f (field of mean/var/P00/S1), fa, fb (fields of the
// cross moments: C01 = ⟨I_fa · conj(U_fb⋆ψ)⟩, C11 = ⟨(U_fa⋆ψ)·conj(U_fb⋆ψ)⟩)
// are added.
func rawLabels(t *indexTables, nf int) *stlayer.Labels {
	cols := []string{"j1", "j2", "j3", "l1", "l2", "l3"}
	if nf == 2 {
		cols = append(cols, "f", "fa", "fb")
	}
	lb := stlayer.NewLabels(cols...)
	J, L := t.J, t.L
	field := func(m map[string]int, f int) map[string]int {
		if nf == 2 {
			m["f"] = f
		}
		return m
	}
	for f := 0; f < nf; f++ {
		lb.Add("mean", field(map[string]int{}, f))
	}
	for f := 0; f < nf; f++ {
		lb.Add("var", field(map[string]int{}, f))
	}
	for _, class := range []string{"P00", "S1"} {
		for f := 0; f < nf; f++ {
			for j := 0; j < J; j++ {
				for l := 0; l < L; l++ {
					lb.Add(class, field(map[string]int{"j1": j, "l1": l}, f))
				}
			}
		}
	}
	if nf == 2 {
		for j := 0; j < J; j++ {
			for l := 0; l < L; l++ {
				lb.Add("C00", map[string]int{"j1": j, "l1": l, "fa": 0, "fb": 1})
			}
		}
	}
	kk := kinds(nf)
	for _, k := range kk {
		for _, c := range t.two {
			m := map[string]int{"j1": c.j1, "j2": c.j2, "l1": c.l1, "l2": c.l2}
			if nf == 2 {
				m["fa"], m["fb"] = k[0], k[1]
			}
			lb.Add("C01", m)
		}
	}
	for _, k := range kk {
		for _, c := range t.thr {
			m := map[string]int{"j1": c.j1, "j2": c.j2, "j3": c.j3, "l1": c.l1, "l2": c.l2, "l3": c.l3}
			if nf == 2 {
				m["fa"], m["fb"] = k[0], k[1]
			}
			lb.Add("C11", m)
		}
	}
	return lb
}
