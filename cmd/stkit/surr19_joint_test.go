package main

import (
	"math"
	"math/cmplx"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// surr19DFT is the plain 2D DFT X(k) = Σ_r x(r) e^{−2πi(k1 r1/m + k2 r2/n)},
// written out (independent of the FFT under test).
func surr19DFT(x []float64, m, n int) []complex128 {
	out := make([]complex128, m*n)
	for k1 := 0; k1 < m; k1++ {
		for k2 := 0; k2 < n; k2++ {
			var s complex128
			for r1 := 0; r1 < m; r1++ {
				for r2 := 0; r2 < n; r2++ {
					a := -2 * math.Pi * (float64(k1*r1)/float64(m) + float64(k2*r2)/float64(n))
					s += complex(x[r1*n+r2], 0) * cmplx.Exp(complex(0, a))
				}
			}
			out[k1*n+k2] = s
		}
	}
	return out
}

func surr19Read(t *testing.T, p string) ([][]float64, int, int) {
	t.Helper()
	m, err := datasets.ReadMaps(p)
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]float64, m.B)
	for i := range out {
		out[i] = m.Map(i)
	}
	return out, m.M, m.N
}

// surr19CrossErr returns the largest |Xa·conj Xb − Ya·conj Yb| over the 2D
// modes of the pairs (a, b) of channels, a = b included, relative to the
// largest |Ya|·|Yb|: 0 when every auto and cross spectrum of the maps x is
// that of the maps y, mode by mode.
func surr19CrossErr(x, y [][]float64, m, n int) float64 {
	X := make([][]complex128, len(x))
	Y := make([][]complex128, len(y))
	for i := range x {
		X[i], Y[i] = surr19DFT(x[i], m, n), surr19DFT(y[i], m, n)
	}
	worst, scale := 0.0, 0.0
	for a := range X {
		for b := range X {
			for k := range X[a] {
				d := X[a][k]*cmplx.Conj(X[b][k]) - Y[a][k]*cmplx.Conj(Y[b][k])
				worst = math.Max(worst, cmplx.Abs(d))
				scale = math.Max(scale, cmplx.Abs(Y[a][k])*cmplx.Abs(Y[b][k]))
			}
		}
	}
	return worst / scale
}

func surr19Run(t *testing.T, args ...string) {
	t.Helper()
	if code, _, errs := runCLI(t, append([]string{"surrogate"}, args...)...); code != 0 {
		t.Fatalf("surrogate %v: exit %d\n%s", args, code, errs)
	}
}

// TestSurr19JointCrossSpectra: surrogate drew every map's phases on its
// own, so Q and U surrogates lost their cross spectrum (dust Q_1, U_1 at
// one seed: Q-U correlation +0.272, the coherence bound, vs +0.019).
// --joint multiplies the DFTs of the channels of a field by one e^{iφ(k)}:
// Q.npy and U.npy of 2 maps each (12×9: a Nyquist row, no Nyquist column),
// -n 2, one file per input. For every field and surrogate, the auto and
// cross spectra of Q and U are the inputs', 2D mode by mode, to round-off,
// and the means too; the maps are new (not the inputs, not each other's);
// the two fields get different phases; another seed gives other maps with
// the same spectra; a single -o holds the two files' maps in input order.
func TestSurr19JointCrossSpectra(t *testing.T) {
	dir := t.TempDir()
	const m, n = 12, 9
	q := surr19Maps(t, dir, "Q.npy", 2, m, n, 0)
	u := surr19Maps(t, dir, "U.npy", 2, m, n, 3)
	qs, us := filepath.Join(dir, "Qs.npy"), filepath.Join(dir, "Us.npy")
	surr19Run(t, q, u, "--joint", "-n", "2", "--seed", "4", "-o", qs+","+us)
	Q, _, _ := surr19Read(t, q)
	U, _, _ := surr19Read(t, u)
	Qs, _, _ := surr19Read(t, qs)
	Us, _, _ := surr19Read(t, us)
	if len(Qs) != 4 || len(Us) != 4 {
		t.Fatalf("Qs %d maps, Us %d, want 4 each (2 maps × -n 2)", len(Qs), len(Us))
	}
	// km: the mode k ≠ 0 where the smallest of the four inputs' |X(k)| is largest
	km, best := 0, 0.0
	var ins [][]complex128
	for _, x := range [][]float64{Q[0], Q[1], U[0], U[1]} {
		ins = append(ins, surr19DFT(x, m, n))
	}
	for i := 1; i < m*n; i++ {
		low := math.Inf(1)
		for _, x := range ins {
			low = math.Min(low, cmplx.Abs(x[i]))
		}
		if low > best {
			km, best = i, low
		}
	}
	phase := map[[2]int]complex128{} // the factor of field b, surrogate k at mode km
	for b := 0; b < 2; b++ {
		for k := 0; k < 2; k++ {
			s := [][]float64{Qs[b*2+k], Us[b*2+k]}
			if e := surr19CrossErr(s, [][]float64{Q[b], U[b]}, m, n); e > 1e-12 {
				t.Errorf("field %d, surrogate %d: QQ, UU, QU spectra differ from the inputs' by %.3g of the largest", b, k, e)
			}
			// the cross spectrum of Q and the other field's U is not kept
			if e := surr19CrossErr(s, [][]float64{Q[b], U[1-b]}, m, n); e < 1e-3 {
				t.Errorf("field %d, surrogate %d: spectra also match U map %d (%.3g): the test maps are too alike", b, k, 1-b, e)
			}
			for c, x := range s {
				in := [][]float64{Q[b], U[b]}[c]
				var mx, mi, d float64
				for i := range x {
					mx += x[i] / float64(m*n)
					mi += in[i] / float64(m*n)
					d = math.Max(d, math.Abs(x[i]-in[i]))
				}
				if math.Abs(mx-mi) > 1e-12*math.Abs(mi) {
					t.Errorf("field %d, surrogate %d, channel %d: mean %.15g, input %.15g", b, k, c, mx, mi)
				}
				if d < 0.1 {
					t.Errorf("field %d, surrogate %d, channel %d: at most %.3g from the input: not a new map", b, k, c, d)
				}
			}
			XQ, XQs, XUs, XU := surr19DFT(Q[b], m, n), surr19DFT(Qs[b*2+k], m, n), surr19DFT(Us[b*2+k], m, n), surr19DFT(U[b], m, n)
			f := XQs[km] / XQ[km]
			if g := XUs[km] / XU[km]; cmplx.Abs(f-g) > 1e-9 || math.Abs(cmplx.Abs(f)-1) > 1e-9 {
				t.Errorf("field %d, surrogate %d: mode %d multiplied by %v in Q, %v in U: want one unit factor", b, k, km, f, g)
			}
			phase[[2]int{b, k}] = f
		}
	}
	for a, fa := range phase {
		for b, fb := range phase {
			if a != b && cmplx.Abs(fa-fb) < 1e-6 {
				t.Errorf("field/surrogate %v and %v share the phase factor %v", a, b, fa)
			}
		}
	}
	// another seed: other maps, the same spectra
	qs5, us5 := filepath.Join(dir, "Qs5.npy"), filepath.Join(dir, "Us5.npy")
	surr19Run(t, q, u, "--joint", "-n", "2", "--seed", "5", "-o", qs5+","+us5)
	Qs5, _, _ := surr19Read(t, qs5)
	Us5, _, _ := surr19Read(t, us5)
	for i := range Qs5 {
		if slices.Equal(Qs5[i], Qs[i]) || slices.Equal(Us5[i], Us[i]) {
			t.Errorf("--seed 5: map %d is the --seed 4 one", i)
		}
	}
	if e := surr19CrossErr([][]float64{Qs5[3], Us5[3]}, [][]float64{Q[1], U[1]}, m, n); e > 1e-12 {
		t.Errorf("--seed 5, field 1, surrogate 1: spectra differ by %.3g", e)
	}
	// one -o: Q's surrogates, then U's
	all := filepath.Join(dir, "all.npy")
	surr19Run(t, q, u, "--joint", "-n", "2", "--seed", "4", "-o", all)
	A, _, _ := surr19Read(t, all)
	if want := append(slices.Clone(Qs), Us...); len(A) != len(want) {
		t.Fatalf("one -o: %d maps, want %d", len(A), len(want))
	} else {
		for i := range A {
			if !slices.Equal(A[i], want[i]) {
				t.Errorf("one -o: map %d is not map %d of Qs.npy then Us.npy", i, i)
			}
		}
	}
}

// TestSurr19JointCube: with one MAPS argument, --joint makes its maps the
// channels of one field (an I, Q, U cube [3, M, N]): all 3×3 auto and
// cross spectra are kept mode by mode; -o lists one file per channel (here
// .npz members of one archive), each the map the single -o holds.
func TestSurr19JointCube(t *testing.T) {
	dir := t.TempDir()
	const m, n = 8, 10
	iqu := surr19Maps(t, dir, "IQU.npy", 3, m, n, 1)
	arch := filepath.Join(dir, "s.npz")
	surr19Run(t, iqu, "--joint", "--seed", "2", "-o", arch+":I,"+arch+":Q,"+arch+":U")
	in, _, _ := surr19Read(t, iqu)
	var got [][]float64
	for _, c := range []string{"I", "Q", "U"} {
		x, _, _ := surr19Read(t, arch+":"+c)
		if len(x) != 1 {
			t.Fatalf("member %s: %d maps, want 1", c, len(x))
		}
		got = append(got, x[0])
	}
	if e := surr19CrossErr(got, in, m, n); e > 1e-12 {
		t.Errorf("I, Q, U: auto and cross spectra differ from the inputs' by %.3g of the largest", e)
	}
	one := filepath.Join(dir, "one.npy")
	surr19Run(t, iqu, "--joint", "--seed", "2", "-o", one)
	O, _, _ := surr19Read(t, one)
	for c := range got {
		if !slices.Equal(O[c], got[c]) {
			t.Errorf("channel %d of the single -o is not member %d", c, c)
		}
	}
}

// TestSurr19Refused: --kind iso keeps no cross spectrum and is refused with
// --joint; --joint pairs map b of every argument, so the arguments must
// hold as many maps; -o lists as many files as there are inputs (or
// channels), each once. All exit 2 before writing. Without --joint, -o
// A,B splits the output of one -o by argument.
func TestSurr19Refused(t *testing.T) {
	dir := t.TempDir()
	q := surr19Maps(t, dir, "Q.npy", 2, 6, 8, 0)
	u := surr19Maps(t, dir, "U.npy", 1, 6, 8, 3)
	a, b := filepath.Join(dir, "a.npy"), filepath.Join(dir, "b.npy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{q, q, "--joint", "--kind", "iso", "-o", a}, "--joint needs --kind phase: --kind iso draws every map from its own ring-averaged spectrum"},
		{[]string{q, u, "--joint", "-o", a}, "--joint pairs map b of every MAPS argument (the channels of field b), but Q.npy holds 2 maps and U.npy 1"},
		{[]string{q, q, "--joint", "-o", a + "," + b + "," + filepath.Join(dir, "c.npy")}, "lists 3 files, but the surrogates go to 2 (one per MAPS argument (with one argument: one per map, its channels): Q.npy, Q.npy)"},
		{[]string{q, "--joint", "-o", a + "," + a}, "names " + a + " twice"},
		{[]string{q, "-o", a + "," + b}, "lists 2 files, but the surrogates go to 1 (one per MAPS argument: Q.npy)"},
	} {
		code, _, errs := runCLI(t, append([]string{"surrogate"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr\n%s\nwant exit 2 with %q", c.args, code, errs, c.want)
		}
		for _, o := range []string{a, b} {
			if _, err := datasets.ReadMaps(o); err == nil {
				t.Errorf("%v: wrote %s", c.args, o)
			}
		}
	}
	all := filepath.Join(dir, "all.npy")
	surr19Run(t, q, u, "-n", "2", "-o", all)
	surr19Run(t, q, u, "-n", "2", "-o", a+","+b)
	A, _, _ := surr19Read(t, all)
	Sa, _, _ := surr19Read(t, a)
	Sb, _, _ := surr19Read(t, b)
	if len(Sa) != 4 || len(Sb) != 2 || !slices.EqualFunc(A, append(Sa, Sb...), slices.Equal) {
		t.Errorf("-o a.npy,b.npy: %d and %d maps, not the 6 of one -o split after 4", len(Sa), len(Sb))
	}
}

// TestSurr19JointHistory: FITS outputs of --joint say in HISTORY that the
// maps were drawn jointly, which maps form a field, the seeds, and which
// input each file holds; --help shows --joint and its polarisation use.
func TestSurr19JointHistory(t *testing.T) {
	dir := t.TempDir()
	q := surr19Maps(t, dir, "Q.npy", 2, 6, 8, 0)
	u := surr19Maps(t, dir, "U.npy", 2, 6, 8, 3)
	qs, us := filepath.Join(dir, "Qs.fits"), filepath.Join(dir, "Us.fits")
	surr19Run(t, q, u, "--joint", "-n", "2", "--seed", "4", "-o", qs+","+us)
	for i, c := range []struct{ file, this string }{{qs, "This file (output 1 of 2): the surrogates of Q.npy, input maps 0 to 1; its map j*2 + k is surrogate k of its map j."},
		{us, "This file (output 2 of 2): the surrogates of U.npy, input maps 2 to 3; its map j*2 + k is surrogate k of its map j."}} {
		_, cards, err := datasets.ReadMapsHeader(c.file)
		if err != nil {
			t.Fatal(err)
		}
		var h []string
		for _, cd := range cards {
			if cd.Key == "HISTORY" {
				h = append(h, cd.Comment)
			}
		}
		got := strings.Join(h, " ")
		for _, want := range []string{"stkit surrogate --joint --kind phase -n 2: joint phase surrogates of 2 fields of 2 channels, field b being map b of each input (Q.npy, U.npy), drawn jointly",
			"all auto and cross spectra of the channels are kept at every frequency",
			"map b*2 + k is surrogate k of input map b, and surrogate k of field g has the seed 4 + k*2 + g (seeds 4 to 7)", c.this} {
			if !strings.Contains(got, want) {
				t.Errorf("output %d HISTORY\n%s\nlacks %q", i, got, want)
			}
		}
	}
	_, help, _ := runCLI(t, "surrogate", "--help")
	help = strings.Join(strings.Fields(help), " ")
	for _, want := range []string{"-joint", "stkit surrogate Q.npy U.npy --joint -o Qs.npy,Us.npy", "Surrogate k of field g (of G) uses the seed --seed + k·G + g"} {
		if !strings.Contains(help, want) {
			t.Errorf("surrogate --help lacks %q", want)
		}
	}
}
