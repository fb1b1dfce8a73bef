package checkpoints

import (
	"crypto/sha256"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"
)

// ExcludeScopes took its arguments verbatim: "/metrics/" matched no variable (no scope ends in
// "/", and none starts with "/metrics//"), "metrics" matched none either, and "" excluded every
// variable. They are now normalised to "/metrics"; "" is ignored; "/" (the root, below which every
// scope lies) excludes everything.
func TestExcludeScopesNormalised(t *testing.T) {
	all := []string{"/metrics/ema_uuid_x/total", "/model/bias", "/model/dense/weights", "/model/running_mean",
		"/global_step", "/" + rngName()}
	sort.Strings(all)
	without := func(drop ...string) []string {
		var out []string
		for _, n := range all {
			keep := true
			for _, d := range drop {
				if strings.HasPrefix(n, d+"/") {
					keep = false
				}
			}
			if keep {
				out = append(out, n)
			}
		}
		return out
	}
	for _, c := range []struct {
		name   string
		scopes []string
		want   []string
	}{
		{"trailing slash", []string{"/metrics/"}, without("/metrics")},
		{"two trailing slashes", []string{"/model/dense//"}, without("/model/dense")},
		{"no leading slash", []string{"metrics"}, without("/metrics")},
		{"plain", []string{"/metrics", "/model"}, without("/metrics", "/model")},
		{"prefix of a name is no scope", []string{"/mod"}, all},
		{"empty ignored", []string{""}, all},
		{"none", nil, all},
		{"root", []string{"/"}, nil},
	} {
		m, err := Open(t.TempDir(), 0)
		if err != nil {
			t.Fatal(err)
		}
		m.ExcludeScopes(c.scopes...)
		p, err := m.Save(testContext(1), State{Step: 1}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		ck, err := Read(p)
		if err != nil {
			t.Fatal(err)
		}
		got := ck.VariableNames()
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("%s: ExcludeScopes(%q) saved %v, want %v", c.name, c.scopes, got, c.want)
		}
	}
	// The default list is normalised too (the default Manager excludes /metrics).
	m, _ := Open(t.TempDir(), 0)
	p, _ := m.Save(testContext(1), State{Step: 1}, nil, nil)
	ck, err := Read(p)
	if err != nil {
		t.Fatal(err)
	}
	got := ck.VariableNames()
	sort.Strings(got)
	if want := without("/metrics", "/trainer"); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("default: saved %v, want %v", got, want)
	}
}

func rngName() string {
	c := testContext(1)
	for v := range c.IterVariables() {
		if v.Scope() == "/" && v.Name() != "global_step" {
			return v.Name()
		}
	}
	return "?"
}

// A format-1 checkpoint whose eighth magic byte was damaged into a digit ("STKCKPT7") was reported
// as a checkpoint of format 7 (ErrFormatVersion), which stops Latest and Resume instead of falling
// back to the previous checkpoint. Its SHA-256 trailer still matches its bytes with the magic
// "STKCKPT1", which a file written in another format cannot do: it is now ErrCorrupt and skipped.
func TestDamagedVersionDigitIsCorrupt(t *testing.T) {
	dir := t.TempDir()
	m, _ := Open(dir, 5)
	if _, err := m.Save(testContext(1), State{Epoch: 1, Step: 10}, cfg{K: 2}, nil); err != nil {
		t.Fatal(err)
	}
	p2, err := m.Save(testContext(2), State{Epoch: 2, Step: 20}, cfg{K: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(p2)
	for _, d := range "0234579" {
		bad := append([]byte(nil), good...)
		bad[7] = byte(d)
		if err := os.WriteFile(p2, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(p2)
		if !errors.Is(err, ErrCorrupt) || errors.Is(err, ErrFormatVersion) || !strings.Contains(err.Error(), "version digit is damaged") {
			t.Errorf("digit %c: Read: %v; want ErrCorrupt naming the damaged version digit", d, err)
		}
		ck, skipped, err := m.Latest()
		if err != nil || ck.State.Step != 10 || len(skipped) != 1 || !errors.Is(skipped[0], ErrCorrupt) {
			t.Errorf("digit %c: Latest gave %v, skipped %v, err %v; want step 10 with one corrupt file skipped", d, ck, skipped, err)
		}
		// Damaged in the digit and elsewhere: indistinguishable from another format.
		bad[len(bad)-1] ^= 1
		if err := os.WriteFile(p2, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Read(p2); !errors.Is(err, ErrFormatVersion) {
			t.Errorf("digit %c and a damaged trailer: Read: %v; want ErrFormatVersion", d, err)
		}
	}
	// Written as another format (its own SHA-256): still ErrFormatVersion.
	other := append([]byte(nil), good[:len(good)-sha256.Size]...)
	other[7] = '3'
	sum := sha256.Sum256(other)
	if err := os.WriteFile(p2, append(other, sum[:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(p2); !errors.Is(err, ErrFormatVersion) || errors.Is(err, ErrCorrupt) {
		t.Errorf("format 3 with its own SHA-256: Read: %v", err)
	}
}
