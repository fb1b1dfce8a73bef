package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckHelpWhenAndFixtures: check --help did not say when to run it
// (after building on a new machine, with a new engine or backend such as a
// GPU plugin) nor that it needs the repository's shared/reference fixtures,
// and outside the checkout it exited 2 with "cannot find the reference
// fixtures: … (pass --fixtures DIR)" only. The help says both, and the error
// says what the fixtures are and the three ways to give them; each way then
// finds them (here with --only wph, the quickest family).
func TestCheckHelpWhenAndFixtures(t *testing.T) {
	_, errs, _ := runCLI(t, "check", "--help") // help asked for: on stdout
	help := strings.Join(strings.Fields(errs), " ")
	for _, want := range []string{
		"When to run it: after building stkit on a new machine, and with each new engine or backend",
		"stkit --engine graph --backend xla:cuda check",
		"check needs the reference fixtures of the stkit repository's shared/reference folder (dust256.npy and the peer outputs; an installed binary does not carry them)",
		"--fixtures DIR names that folder; without it, check reads the reference/ folder of $STKIT_SHARED, else that of a shared/ folder beside or above the working directory",
	} {
		if !strings.Contains(help, want) {
			t.Errorf("check --help lacks %q:\n%s", want, errs)
		}
	}

	sh, err := filepath.Abs(sharedDir(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("STKIT_SHARED", "")
	os.Unsetenv("STKIT_SHARED")
	wd := t.TempDir()
	t.Chdir(wd)
	code, out, errs := runCLI(t, "check", "--only", "wph")
	want := "stkit: cannot find the reference fixtures: no shared/reference folder beside or above " + wd + " and $STKIT_SHARED is unset. check compares with the peer libraries' outputs of the stkit repository's shared/reference folder: run it from the stkit checkout (whose ../shared holds them), pass --fixtures DIR naming that reference folder (it holds dust256.npy and the peer outputs), or set $STKIT_SHARED to the shared/ folder"
	if code != 2 || out != "" || !strings.Contains(errs, want) {
		t.Errorf("outside the checkout: exit %d (want 2), stdout %q, stderr\n%s\nwant %q", code, out, tail(errs, 800), want)
	}
	for _, c := range []struct {
		env  string
		args []string
	}{
		{"", []string{"check", "--only", "wph", "--fixtures", filepath.Join(sh, "reference")}},
		{sh, []string{"check", "--only", "wph"}},
	} {
		if c.env != "" {
			t.Setenv("STKIT_SHARED", c.env)
		}
		if code, out, errs := runCLI(t, append([]string{"--engine", "cpu"}, c.args...)...); code != 0 || !strings.Contains(out, "3 of 3 checks pass") {
			t.Errorf("STKIT_SHARED=%q %v: exit %d\n%s\n%s", c.env, c.args, code, out, tail(errs, 600))
		}
	}
}
