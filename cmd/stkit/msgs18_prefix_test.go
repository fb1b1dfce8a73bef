package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stkit-org/stkit/datasets"
)

// TestMsgs18NoPackagePrefix: a J too large for the maps read "stkit:
// datasets: setA: J=7 needs maps …", an unreadable file "stkit: datasets:
// x.npy: npy: wrong magic …", a failed write "stkit: checkpoints: writing
// …": Go package names on stderr for plain input mistakes. The CLI prints
// them without (userMessage); the library's errors keep their prefix and
// their types.
func TestMsgs18NoPackagePrefix(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	cases := []struct {
		args []string
		code int
		want string // the whole of stderr
	}{
		{[]string{"stats", mp, "-J", "6"}, 2, "stkit: " + mp + ": J=6 needs maps of at least 128×128 pixels for scov (2^(J+1)); got 64×64 (use -J 5 or less for 64×64 maps)\n"},
		{[]string{"synth", mp, "-J", "9", "-n", "1", "-o", filepath.Join(dir, "s.npy")}, 2, "stkit: " + mp + ": J=9 needs maps of at least 1024×1024 pixels for scov (2^(J+1)); got 64×64 (use -J 5 or less for 64×64 maps)\n"},
	}
	bad := filepath.Join(dir, "bad.npy")
	if err := os.WriteFile(bad, []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, struct {
		args []string
		code int
		want string
	}{[]string{"stats", bad}, 2, "stkit: " + bad + ": npy: wrong magic: file starts with \"hi\\n\", not \"\\x93NUMPY\"\n"})
	if _, err := os.Stat("/dev/full"); err == nil {
		cases = append(cases, struct {
			args []string
			code int
			want string
		}{[]string{"stats", mp, "-J", "2", "--format", "json", "-o", "/dev/full"}, 1, "stkit: writing /dev/full: write /dev/full: no space left on device\n"})
	}
	for _, c := range cases {
		code, _, errs := runCLI(t, c.args...)
		if code != c.code || errs != c.want {
			t.Errorf("%v: exit %d, stderr\n%q\nwant exit %d and\n%q", c.args, code, errs, c.code, c.want)
		}
	}

	// the library's error is unchanged: its prefix, and errors.As
	m, err := datasets.ReadMaps(mp)
	if err != nil {
		t.Fatal(err)
	}
	err = datasets.ValidateMaps(m, 6)
	var ve *datasets.ValidationError
	if !errors.As(err, &ve) || !strings.HasPrefix(err.Error(), "datasets: J=6 needs maps") {
		t.Errorf("datasets.ValidateMaps(64×64, 6) = %v: want a *ValidationError reading \"datasets: J=6 needs maps …\"", err)
	}
}

// TestMsgs18UserMessage: only the plumbing packages' prefixes go, where they
// open a part of the message; the statistics' names and words that merely
// read "datasets:" stay.
func TestMsgs18UserMessage(t *testing.T) {
	for in, want := range map[string]string{
		"datasets: a.npy: npy: truncated data":            "a.npy: npy: truncated data",
		"-o x.npy: checkpoints: writing x.npy: disk full": "-o x.npy: writing x.npy: disk full",
		"wst: global WST needs even map sides":            "wst: global WST needs even map sides",
		"found 2 datasets: a, b":                          "found 2 datasets: a, b",
		"scov: map 0: datasets: x":                        "scov: map 0: x",
	} {
		if got := userMessage(in); got != want {
			t.Errorf("userMessage(%q) = %q, want %q", in, got, want)
		}
	}
}
