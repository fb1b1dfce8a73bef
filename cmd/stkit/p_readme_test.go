package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeCommandLines returns every stkit command line that README.md shows:
// the lines of its fenced sh blocks that start with "stkit " (continuation
// backslashes joined, comments cut), and its inline code spans that start
// with "stkit " (line breaks inside a span read as spaces).
func readmeCommandLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	var prose strings.Builder
	inFence, fenceSh := false, false
	pending := ""
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "```") {
			if !inFence {
				inFence, fenceSh = true, strings.TrimPrefix(l, "```") == "sh"
			} else {
				inFence = false
			}
			prose.WriteString("\n")
			continue
		}
		if !inFence {
			prose.WriteString(l + "\n")
			continue
		}
		if !fenceSh {
			continue
		}
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			l = ""
		}
		l = pending + strings.TrimSpace(l)
		if strings.HasSuffix(l, "\\") {
			pending = strings.TrimSuffix(l, "\\") + " "
			continue
		}
		pending = ""
		if strings.HasPrefix(l, "stkit ") {
			lines = append(lines, l)
		}
	}
	for _, m := range regexp.MustCompile("`([^`]+)`").FindAllStringSubmatch(prose.String(), -1) {
		f := strings.Fields(m[1])
		if len(f) == 0 {
			continue
		}
		// "stkit CMD …", or "CMD --flag …" (e.g. `patches --skip-nan`)
		if f[0] != "stkit" {
			if _, ok := commands[f[0]]; !ok || len(f) < 2 || flagName(f[1]) == "" {
				continue
			}
			f = append([]string{"stkit"}, f...)
		}
		lines = append(lines, strings.Join(f, " "))
	}
	return lines
}

// helpFlags returns the flag names a --help text lists ("  -name ...").
func helpFlags(help string) map[string]bool {
	fl := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -([A-Za-z][A-Za-z0-9-]*)`).FindAllStringSubmatch(help, -1) {
		fl[m[1]] = true
	}
	return fl
}

// flagName returns the flag a token of a command line names ("--pad" →
// "pad", "-J" → "J", "--ps-scatter=false" → "ps-scatter", "[--size" →
// "size"), or "" when the token is no flag (a value such as -1, a path).
func flagName(tok string) string {
	tok = strings.TrimLeft(tok, "[(")
	if !strings.HasPrefix(tok, "-") {
		return ""
	}
	name := strings.TrimLeft(tok, "-")
	if i := strings.IndexAny(name, "=])},;:'"); i >= 0 {
		name = name[:i]
	}
	if name == "" || !(name[0] >= 'a' && name[0] <= 'z' || name[0] >= 'A' && name[0] <= 'Z') {
		return ""
	}
	return name
}

// TestReadmeCommandFlagsExist: every stkit command line that README.md
// shows (examples and inline spans) names an existing command, and every
// flag on it is one that the command's --help lists (global flags before
// the command: the global ones). A flag renamed or removed in the CLI, or
// one written into the README that no command has, fails here with the
// README line.
func TestReadmeCommandFlagsExist(t *testing.T) {
	lines := readmeCommandLines(t)
	if len(lines) < 30 {
		t.Fatalf("found only %d stkit command lines in README.md; the parser is broken", len(lines))
	}
	code, mainOut, mainErr := runCLI(t, "--help")
	global := helpFlags(mainOut + mainErr)
	if code != 0 || !global["engine"] || !global["backend"] || !global["v"] {
		t.Fatalf("stkit --help: exit %d, global flags %v", code, global)
	}
	helps := map[string]map[string]bool{}
	checked := 0
	for _, line := range lines {
		n, errs := checkReadmeCommandLine(t, line, global, helps)
		checked += n
		for _, e := range errs {
			t.Errorf("README: %s", e)
		}
	}
	// the check itself finds a flag or command that does not exist
	for _, bad := range []string{"stkit stats MAP --no-such-flag 1", "stkit --no-such-global stats MAP", "stkit statz MAP", "stkit --engine cpu bench --batch 1 --size 0 --enginez cpu"} {
		if _, errs := checkReadmeCommandLine(t, bad, global, helps); len(errs) != 1 {
			t.Errorf("%q: want one error, got %q", bad, errs)
		}
	}
	if _, errs := checkReadmeCommandLine(t, "stkit --engine graph bench --engines cpu,graph --reps 3", global, helps); len(errs) != 0 {
		t.Errorf("a valid line was refused: %q", errs)
	}
	if checked < 60 {
		t.Errorf("checked only %d flags on %d README command lines; the parser is broken", checked, len(lines))
	}
	t.Logf("%d README command lines, %d flags checked against the commands' --help", len(lines), checked)
}

// checkReadmeCommandLine checks one stkit command line: its global flags
// against global, its command against the registered ones, and its flags
// against the command's --help (cached in helps). It returns the number of
// flags checked and one message per problem.
func checkReadmeCommandLine(t *testing.T, line string, global map[string]bool, helps map[string]map[string]bool) (int, []string) {
	t.Helper()
	var errs []string
	toks := strings.Fields(line)[1:]
	for len(toks) > 0 && flagName(toks[0]) != "" {
		g, withValue := flagName(toks[0]), strings.Contains(toks[0], "=")
		if !global[g] {
			errs = append(errs, fmt.Sprintf("%q: global flag -%s is not one of stkit's", line, g))
		}
		toks = toks[1:]
		if (g == "engine" || g == "backend") && !withValue && len(toks) > 0 {
			toks = toks[1:]
		}
	}
	if len(toks) == 0 {
		return 0, errs
	}
	name := strings.TrimRight(toks[0], ",.:;)")
	if name == "help" {
		return 0, errs
	}
	if _, ok := commands[name]; !ok {
		return 0, append(errs, fmt.Sprintf("%q: no command %q", line, name))
	}
	fl, ok := helps[name]
	if !ok {
		_, out, herr := runCLI(t, name, "--help")
		fl = helpFlags(out + herr)
		if len(fl) == 0 && name != "version" {
			t.Fatalf("stkit %s --help lists no flags", name)
		}
		helps[name] = fl
	}
	checked := 0
	for _, tok := range toks[1:] {
		f := flagName(tok)
		if f == "" || f == "help" || f == "h" && name != "train" {
			continue
		}
		checked++
		if !fl[f] {
			errs = append(errs, fmt.Sprintf("%q: stkit %s has no flag -%s", line, name, f))
		}
	}
	return checked, errs
}
