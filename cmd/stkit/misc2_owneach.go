package main

import (
	"errors"

	"github.com/stkit-org/stkit/stlayer"
	"github.com/stkit-org/stkit/stlayer/stats"
)

// compareEachSets is the statistic of every map of A (am) and then of B
// (bm), each map with its own reference (--compare-ref each:
// compareCoeffsEach19), one set at a time, so that a map refused (a
// constant map under wph norm auto, misc2) is named in its own set as
// checkConstantSets names it ("--compare q.npy: map 0 is constant …"),
// not by its index among A's and B's maps together.
func compareEachSets(eng stlayer.Engine, spec stats.Spec, a statsInput, am *stlayer.Maps, b statsInput, bm *stlayer.Maps) (*stlayer.Coeffs, error) {
	ca, err := compareCoeffsEach19(eng, spec, am)
	if err != nil {
		return nil, prefixBadInput(a.describe(), err)
	}
	cb, err := compareCoeffsEach19(eng, spec, bm)
	if err != nil {
		return nil, prefixBadInput(b.describe(), err)
	}
	out := &stlayer.Coeffs{B: ca.B + cb.B, K: ca.K, H: ca.H, W: ca.W, Data: append(append(make([]complex128, 0, len(ca.Data)+len(cb.Data)), ca.Data...), cb.Data...)}
	return out, nil
}

// prefixBadInput names the set (what) in a bad-input error; other errors
// (the engine's) are returned as they are.
func prefixBadInput(what string, err error) error {
	var bi badInput
	if errors.As(err, &bi) {
		return badInputf("%s: %v", what, bi.err)
	}
	return err
}
