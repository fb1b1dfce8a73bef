package main

import (
	"slices"
	"strings"
)

// sepUnusedFlags are the flags separate --models' patch prior alone leaves
// unused when given, in the order they are named: the key of
// settings.unused in metrics.json, the flag, and a note for the warning.
var sepUnusedFlags = []struct{ key, flag, note string }{
	{"positive", "--positive", " (nothing keeps those components ≥ 0)"},
	{"gauss_prior", "--gauss-prior", ""},
	{"stride", "--stride", ""},
	{"min_fraction", "--min-fraction", ""},
}

// sepUnusedGiven returns "--flag value" (with the warning's note when
// notes) for every flag of unused (patchPriorUnusedFlags' map with
// patchPriorUnusedStatFlags' additions, settings.unused), in
// sepUnusedFlags' order, then any other key as --key (underscores as
// dashes), sorted.
func sepUnusedGiven(unused map[string]string, notes bool) []string {
	var out []string
	known := map[string]bool{}
	for _, f := range sepUnusedFlags {
		known[f.key] = true
		if v, ok := unused[f.key]; ok {
			s := f.flag + " " + v
			if notes {
				s += f.note
			}
			out = append(out, s)
		}
	}
	var rest []string
	for k := range unused {
		if !known[k] {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, "--"+strings.ReplaceAll(k, "_", "-")+" "+unused[k])
	}
	return out
}

// andList joins words as "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// sepUnusedWords is the header's list of what the patch prior alone leaves
// unused: steps, tau and init, then every flag of unused given.
//
// fixa23: the header and the warning named
// --positive and --gauss-prior but not --stride and --min-fraction, which
// metrics.json's settings.unused records since 6e36ca4.
func sepUnusedWords(unused map[string]string) string {
	return andList(append([]string{"steps", "tau", "init"}, sepUnusedGiven(unused, false)...))
}

// sepUnusedWarning is the warning naming every flag of unused ("" when
// none was given).
func sepUnusedWarning(unused map[string]string) string {
	given := sepUnusedGiven(unused, true)
	if len(given) == 0 {
		return ""
	}
	return andList(given) + ": unused, no L-BFGS stage runs (they act only there); --patch-prior off runs the statistics with them"
}
