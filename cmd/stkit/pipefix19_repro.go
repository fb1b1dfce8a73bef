package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Reproducible outputs (pipefix19). Two identical runs differed in the
// provenance's time, argv (which holds the -o name) and working directory,
// so that outputs could not be compared or cached by their hash:
//
//	SOURCE_DATE_EPOCH=N    (the reproducible-builds convention: seconds
//	                       since 1970 UTC) is the time recorded
//	STKIT_REPRODUCIBLE=1   leaves out argv, the working directory and (without
//	                       SOURCE_DATE_EPOCH) the time: "argv": [],
//	                       "working_directory": "", "time": ""; the version,
//	                       commit and the inputs' sizes and SHA-256 stay
//
// and "created" in stkit export's model manifest is SOURCE_DATE_EPOCH's
// time (infer.ExportOptions.Created), or is left out under
// STKIT_REPRODUCIBLE without it (addProvenanceJSON).
// Under STKIT_REPRODUCIBLE an input's "path" and "given" that lie below the
// working directory are recorded relative to it ("." for itself;
// reproducibleInputs), so one command run from two folders on copies of the
// same inputs records the same provenance (fixd23: the inputs' absolute
// paths stayed, and export's dataset was recorded by its absolute path
// even when given relative). Inputs outside the working directory keep
// their absolute paths, and a model manifest's source.run and
// source.dataset (where stkit's readers look for the run and the dataset)
// stay absolute: give the inputs below the working directory, and compare
// a model folder's files other than manifest.json, or its manifest without
// "source".

// reproducibleEnv is STKIT_REPRODUCIBLE set to a true value (1, true, yes).
func reproducibleEnv() bool {
	switch strings.ToLower(os.Getenv("STKIT_REPRODUCIBLE")) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// sourceDateEpoch is the time SOURCE_DATE_EPOCH gives (false when unset
// or not an integer number of seconds).
func sourceDateEpoch() (time.Time, bool) {
	s := strings.TrimSpace(os.Getenv("SOURCE_DATE_EPOCH"))
	if s == "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0).UTC(), true
}

// reproducibleProvenance applies SOURCE_DATE_EPOCH and STKIT_REPRODUCIBLE
// to p (newProvenance's record) and returns it.
func reproducibleProvenance(p *provenance) *provenance {
	if p == nil {
		return p
	}
	t, fixed := sourceDateEpoch()
	if fixed {
		p.Time = t.Format(time.RFC3339)
	}
	if reproducibleEnv() {
		reproducibleInputs(p.Inputs, p.Dir)
		p.Argv, p.Dir = []string{}, ""
		if !fixed {
			p.Time = ""
		}
	}
	return p
}

// reproducibleInputs writes the paths of ins ("path", "given") that are
// absolute and lie below the working directory wd relative to it
// (slash-separated, "." for wd itself); others are left as they are.
func reproducibleInputs(ins []provInput, wd string) {
	if wd == "" {
		return
	}
	rel := func(p string) string {
		if !filepath.IsAbs(p) {
			return p
		}
		r, ok := relBelow(wd, p)
		if !ok {
			return p
		}
		return filepath.ToSlash(r)
	}
	for i := range ins {
		ins[i].Path = rel(ins[i].Path)
		ins[i].Given = rel(ins[i].Given)
	}
}

// relBelow returns p relative to base and true when p is base itself
// (".") or lies below it; "" and false when it lies elsewhere (filepath.Rel
// fails or climbs out with ".."). separate --models' notes (noteRunArg),
// STKIT_REPRODUCIBLE's inputs (reproducibleInputs) and --report's check
// against -o (checkReportNotOutput) share it.
func relBelow(base, p string) (string, bool) {
	r, err := filepath.Rel(base, p)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", false
	}
	return r, true
}

// reproducibleDropCreated says whether addProvenanceJSON leaves a
// manifest's "created" out: under STKIT_REPRODUCIBLE without
// SOURCE_DATE_EPOCH (with it, stkit export's manifest records its time:
// infer.ExportOptions.Created).
func reproducibleDropCreated() bool {
	_, fixed := sourceDateEpoch()
	return reproducibleEnv() && !fixed
}
