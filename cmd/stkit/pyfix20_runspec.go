package main

import (
	"bytes"
	"encoding/json"

	"github.com/stkit-org/stkit/checkpoints"
	"github.com/stkit-org/stkit/stlayer/stats"
	"github.com/stkit-org/stkit/train"
)

// resumeUser returns the "user" document train records in a run's
// checkpoints and compares on a resume (train.RunConfig.User): user, or —
// for a run whose checkpoint prev saved a document that differs from user
// only in the spelling of its statistic's normalisation — prev's document.
// Runs trained before stats.Spec.WithDefaults resolved a scov or spectra
// norm saved "norm": "none"; the spec now reads and is written as "p00" (the
// same statistic), so comparing the new document with the saved bytes would
// refuse the resume as a configuration change ("user.spec.norm"). Any other
// difference is left to the comparison (prev nil: a new run).
func resumeUser(prev *checkpoints.Checkpoint, user runUser) any {
	if prev == nil {
		return user
	}
	var rc train.RunConfig
	if prev.DecodeConfig(&rc) != nil || len(rc.User) == 0 {
		return user
	}
	var saved map[string]json.RawMessage
	if json.Unmarshal(rc.User, &saved) != nil || saved["spec"] == nil {
		return user
	}
	var spec stats.Spec // reads a scov or spectra "none" as "p00"
	if json.Unmarshal(saved["spec"], &spec) != nil {
		return user
	}
	saved["spec"] = spec.JSON()
	a, errA := canonicalDoc(saved)
	b, errB := canonicalDoc(user)
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		return user
	}
	return rc.User
}

// canonicalDoc is v as JSON with sorted keys (checkpoints' canonical form).
func canonicalDoc(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var g any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&g); err != nil {
		return nil, err
	}
	return json.Marshal(g)
}
