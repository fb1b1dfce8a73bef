package main

// dashFolder refuses "-" as an output folder (what names the flag:
// "--report", "-o"): no command writes a folder to standard output, and
// "-" made a folder of that name in the working directory (`stkit synth
// MAP -o x.npy --report -` wrote -/metrics.json and the figures, exit 0).
// A folder really named "-" is written as ./- .
func dashFolder(what, dir string) error {
	if dir != "-" {
		return nil
	}
	return badInputf("%s takes a folder; '-' is not read as standard output (it would make a folder named \"-\"): give a folder name (./- for a folder named \"-\")", what)
}
