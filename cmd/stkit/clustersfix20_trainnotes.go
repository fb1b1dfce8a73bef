package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
)

// imbalanceRatio is the ratio of the largest to the smallest source's
// patch count from which train warns that --wbalance works against the
// sources' sizes.
const imbalanceRatio = 2.0

// sourceImbalanceWarning says, when the dataset's sources hold very
// different numbers of patches (largest/smallest ≥ imbalanceRatio) and the
// balance penalty is on, that --wbalance pushes the clusters toward equal
// sizes and so fills a small source's cluster with patches of the large
// ones: with 165/35/165 patches of dust I, CIB and dust Q (45/10/45 %) the
// CIB cluster held 35 CIB + 17 dust patches at the default --wbalance 0.3
// (best-match accuracy 0.953; --wbalance 0: 0.970; 35 patches per source:
// 0.981). counts are the patches per source, in names' order; "" when the
// sources are balanced enough, there is one source, or wbal is 0.
func sourceImbalanceWarning(counts []int, names []string, wbal float64) string {
	if wbal <= 0 || len(counts) < 2 {
		return ""
	}
	lo, hi, n := -1, -1, 0
	for i, c := range counts {
		n += c
		if lo < 0 || c < counts[lo] {
			lo = i
		}
		if hi < 0 || c > counts[hi] {
			hi = i
		}
	}
	if counts[lo] < 1 || float64(counts[hi]) < imbalanceRatio*float64(counts[lo]) {
		return ""
	}
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = fmt.Sprintf("%s %d (%.0f %%)", filepath.Base(names[i]), c, 100*float64(c)/float64(n))
	}
	return fmt.Sprintf("the sources hold very different numbers of patches (%s), while --wbalance %g pushes the clusters toward equal sizes: the cluster of a small source tends to take patches of the large ones (dust I/CIB/dust Q at 45/10/45 %%: 17 of the CIB cluster's 52 patches were dust at --wbalance 0.3, 11 foreign patches in all at --wbalance 0); try --wbalance 0, or the same number of patches per source (stkit patches --max-per-source %d)",
		strings.Join(parts, ", "), wbal, counts[lo])
}

// sourceCounts counts a dataset's patches per source.
func sourceCounts(sources []int, nSources int) []int {
	c := make([]int, nSources)
	for _, s := range sources {
		if s >= 0 && s < nSources {
			c[s]++
		}
	}
	return c
}

// lossFallingFrac is the relative fall of the mean training loss between
// the last two windows of 10 % of the epochs above which train notes that
// the loss has not levelled off.
const lossFallingFrac = 0.02

// lossStillFallingNote says when the training loss was still falling at the
// end of the run: the mean loss of the last 10 % of the epochs (at least 2)
// is more than lossFallingFrac below that of the 10 % before them (60
// epochs on 365 patches: 2.204 → 2.127 over epochs 49–54 and 55–60, 3.5 %,
// with no word). "" for fewer than 4 epochs or a levelled loss.
func lossStillFallingNote(h []epochRow, epochs int) string {
	E := len(h)
	n := max(2, (E+9)/10)
	if E < 2*n {
		return ""
	}
	mean := func(rs []epochRow) float64 {
		s := 0.0
		for _, r := range rs {
			s += r.Loss
		}
		return s / float64(len(rs))
	}
	a, b := mean(h[E-2*n:E-n]), mean(h[E-n:])
	if !(a > b) || a == 0 {
		return ""
	}
	fall := (a - b) / math.Abs(a)
	if !(fall > lossFallingFrac) {
		return ""
	}
	return fmt.Sprintf("the training loss was still falling at the end: mean %.4g over epochs %d–%d, %.4g over epochs %d–%d (−%.1f %%); more --epochs may help (continue this run with --resume --epochs %d)",
		a, h[E-2*n].Epoch, h[E-n-1].Epoch, b, h[E-n].Epoch, h[E-1].Epoch, 100*fall, epochs+epochs/2)
}
