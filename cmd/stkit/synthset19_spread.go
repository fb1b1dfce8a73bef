package main

import (
	"fmt"
	"strings"

	"github.com/stkit-org/stkit/infer"
	"github.com/stkit-org/stkit/stlayer"
)

// synthSpread compares the spread of the syntheses maps with that of the
// maps they stand for (the --reference-set, else a target of ≥ 2 maps) on
// the matched statistic op (infer.NewSynthSpread), prints it as a "report:
// spread" line with infer.SpreadNote when the syntheses' spread is far
// below, and returns it for metrics.json (synth_spread); nil, with nothing
// printed, for fewer than 2 syntheses or 2 such maps, and with a note when
// the statistic fails on them.
func synthSpread(g *globals, eng stlayer.Engine, op infer.StatOp, target, reference, maps *stlayer.Maps) *infer.SynthSpread {
	set, whose := target, "target"
	if reference != nil {
		set, whose = reference, "reference"
	}
	if set == nil || set.B < 2 || maps == nil || maps.B < 2 {
		return nil
	}
	sp, err := infer.NewSynthSpread(eng, op, set, maps)
	if err != nil {
		fmt.Fprintf(g.stderr, "report: warning: spread of the syntheses not computed: %v\n", err)
		return nil
	}
	fmt.Fprintln(g.stderr, spreadLine(sp, whose))
	return sp
}

// spreadLine is synthSpread's summary line.
func spreadLine(sp *infer.SynthSpread, whose string) string {
	var cl []string
	for _, c := range sp.Classes {
		cl = append(cl, fmt.Sprintf("%s %.3g", c.Class, c.SDRatio))
	}
	msg := fmt.Sprintf("report: spread: the %d syntheses' std / the %d %s maps' std on the matched statistic, median per class: %s (all %.3g); pixel means %.3g",
		sp.Syntheses, sp.Targets, whose, strings.Join(cl, ", "), sp.Median, sp.PixelMeanSDRatio)
	if sp.Note != "" {
		msg += ": " + sp.Note
	}
	return msg
}
