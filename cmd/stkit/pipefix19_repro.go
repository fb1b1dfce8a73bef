package main

import (
	"os"
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
// (the inputs' absolute paths stay too: run from one folder).

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
		p.Argv, p.Dir = []string{}, ""
		if !fixed {
			p.Time = ""
		}
	}
	return p
}
