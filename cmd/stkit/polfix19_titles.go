package main

// dashTitleSource names the maps of stats --plot's title: MAP's
// (plotTitleSource), followed for complex data by " + i·" and --imag's
// ("Q.fits + i·U.fits"), so that the title names both parts of z; --cross
// is named by the dashboard's own line (dashOpts.crossNote).
func dashTitleSource(inputs []statsInput) string {
	if len(inputs) == 0 {
		return ""
	}
	src := plotTitleSource(inputs[0])
	for _, in := range inputs[1:] {
		if in.flag == "--imag" {
			src += " + i·" + plotTitleSource(in)
		}
	}
	return src
}
