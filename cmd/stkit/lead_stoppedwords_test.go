package main

import "testing"

// separate --models said "stopped early, per stage: [false]"; it says it in
// words.
func TestStoppedEarlyWords(t *testing.T) {
	for _, c := range []struct {
		in   []bool
		want string
	}{
		{nil, "stopped early on the discrepancy stop: no stage ran"},
		{[]bool{false}, "stopped early on the discrepancy stop: no"},
		{[]bool{true}, "stopped early on the discrepancy stop: yes"},
		{[]bool{true, false}, "stopped early on the discrepancy stop: stage 1 yes, stage 2 no"},
	} {
		if got := stoppedEarlyWords(c.in); got != c.want {
			t.Errorf("%v: %q, want %q", c.in, got, c.want)
		}
	}
}
