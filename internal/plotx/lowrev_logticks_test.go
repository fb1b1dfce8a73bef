package plotx

import "testing"

// TestLogTicksOneValue: LogTicks accepts max ≥ min, but on min = max (5, 5:
// no 1-2-5 or 1…9 pair in range) it fell back to plot.DefaultTicks, which
// panicked ("illegal range"). It labels the one value.
func TestLogTicksOneValue(t *testing.T) {
	ticks := LogTicks{}.Ticks(5, 5)
	if len(ticks) != 1 || ticks[0].Value != 5 || ticks[0].Label != "5" {
		t.Errorf("LogTicks(5, 5) = %+v, want one tick 5 labelled \"5\"", ticks)
	}
	if ticks := (LogTicks{}).Ticks(0, 1); ticks != nil {
		t.Errorf("LogTicks(0, 1) = %+v, want nil (min must be > 0)", ticks)
	}
}
