package main

import (
	"fmt"
	"io"
	"strconv"

	"github.com/stkit-org/stkit/stlayer/stats"
)

// cropInteriorNote writes a note on w when --pad crop leaves the means of
// spec's statistic at most a quarter of the pixels of the M×N maps (each
// side of the interior [c, M−c) × [c, N−c), c = spec.CutPixels(), at most
// half the map's on average): stats --pad crop -J 4 on 32×32 maps took its
// means over the 16×16 interior without a word (synth and separate say
// where their means are taken). Nothing for a smaller cut, or one that
// leaves no interior (refused by the family).
func cropInteriorNote(w io.Writer, cmd string, spec stats.Spec, M, N int) {
	c := spec.CutPixels()
	m, n := M-2*c, N-2*c
	if c == 0 || m <= 0 || n <= 0 || 4*m*n > M*N {
		return
	}
	cut := "1/2, the default"
	if spec.Cut != 0 {
		cut = strconv.FormatFloat(spec.Cut, 'g', -1, 64)
	}
	fmt.Fprintf(w, "%s: note: --pad crop leaves out c = ⌊cut·2^J⌋ = %d pixels on each side of the %d×%d maps (J = %d, --cut %s): the statistics are means over the %d×%d interior, rows [%d, %d) and columns [%d, %d), %.0f %% of the pixels; for more, give larger maps, a smaller -J or a smaller --cut\n",
		cmd, c, M, N, spec.J, cut, m, n, c, M-c, c, N-c, 100*float64(m*n)/float64(M*N))
}
