package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/train"
)

// TestPyfix20StatsCoeffsNormP00: stats --kind scov --iso (default --norm)
// wrote "coeffs_norm": "none" beside "norm": "p00", though its coefficients
// are P00-normalised (--norm p00 gives the same numbers). Both now say p00.
func TestPyfix20StatsCoeffsNormP00(t *testing.T) {
	dir := t.TempDir()
	mp := writeTestMap(t, dir, "m.npy", 1)
	jp := filepath.Join(dir, "s.json")
	for _, args := range [][]string{{"--iso"}, {"--synthesis"}, {"--kind", "spectra"}} {
		if code, _, errs := runCLI(t, append([]string{"stats", mp, "-J", "3", "-o", jp}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, tail(errs, 600))
		}
		b, err := os.ReadFile(jp)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Config map[string]any `json:"config"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Config["norm"] != "p00" || doc.Config["coeffs_norm"] != "p00" {
			t.Errorf("%v: config norm %v, coeffs_norm %v; want p00 both", args, doc.Config["norm"], doc.Config["coeffs_norm"])
		}
	}
}

// TestPyfix20ResumeOldNormRun: a run trained before the scov norm was
// resolved saved "user": {"spec": {…, "norm": "none"}} in its checkpoints;
// its spec now reads as "p00", so train's new document differed from the
// saved one and the resume would be refused (user.spec.norm). resumeUser
// hands back the saved document when that is the only difference; a real
// change (another norm, another dim) is still refused.
func TestPyfix20ResumeOldNormRun(t *testing.T) {
	spec := stats.Spec{Kind: stats.SCov, Iso: true, Synthesis: true}.WithDefaults(32, 32)
	if spec.Norm != "p00" {
		t.Fatalf("spec norm %q, want p00", spec.Norm)
	}
	user := runUser{Spec: spec, Size: 32, Dim: 12, DatasetFingerprint: "0123456789abcdef", ModelSeed: 3}
	old := user
	old.Spec.Norm = "none" // what runs wrote before
	oldUser, _ := json.Marshal(old)
	tr := json.RawMessage(`{"batch_size":32}`)
	canon, err := canonicalDoc(train.RunConfig{Train: tr, DataFingerprint: "fp", User: oldUser})
	if err != nil {
		t.Fatal(err)
	}
	prev := &checkpoints.Checkpoint{Path: "run/ck", Config: canon}
	want := func(u any) train.RunConfig {
		b, _ := json.Marshal(u)
		return train.RunConfig{Train: tr, DataFingerprint: "fp", User: b}
	}
	if err := prev.CheckConfig(want(user)); !errors.Is(err, checkpoints.ErrConfigMismatch) {
		t.Fatalf("the new document against the old run: %v; want the mismatch resumeUser avoids", err)
	}
	if err := prev.CheckConfig(want(resumeUser(prev, user))); err != nil {
		t.Errorf("resume of a run saved with norm none: %v", err)
	}
	if got, ok := resumeUser(nil, user).(runUser); !ok || got.Dim != user.Dim || got.Spec != user.Spec {
		t.Errorf("new run: %v, want user", got)
	}
	for _, change := range []func(u *runUser){
		func(u *runUser) { u.Spec.Norm = "p11" },
		func(u *runUser) { u.Dim = 13 },
	} {
		u := user
		change(&u)
		if err := prev.CheckConfig(want(resumeUser(prev, u))); !errors.Is(err, checkpoints.ErrConfigMismatch) {
			t.Errorf("changed %+v: %v; want a configuration mismatch", u, err)
		}
	}
}
