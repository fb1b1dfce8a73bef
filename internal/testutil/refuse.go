package testutil

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Refused runs f, which must refuse bad input with an error: the test fails
// (naming the case) when f panics, returns nil, does not return within 20 s
// (a hang), or returns an error whose message lacks any of the fragments
// want (case-insensitive). It returns f's error.
func Refused(t testing.TB, name string, f func() error, want ...string) error {
	t.Helper()
	type result struct {
		err   error
		panic any
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.panic = p
			}
			done <- r
		}()
		r.err = f()
	}()
	select {
	case r := <-done:
		switch {
		case r.panic != nil:
			t.Errorf("%s: panicked: %v", name, r.panic)
			return fmt.Errorf("panic: %v", r.panic)
		case r.err == nil:
			t.Errorf("%s: accepted (nil error)", name)
			return nil
		}
		msg := strings.ToLower(r.err.Error())
		for _, w := range want {
			if !strings.Contains(msg, strings.ToLower(w)) {
				t.Errorf("%s: error %q does not mention %q", name, r.err, w)
			}
		}
		return r.err
	case <-time.After(20 * time.Second):
		t.Errorf("%s: no answer after 20 s (hang)", name)
		return nil
	}
}
