package bench

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadPeers(t *testing.T) {
	sh := FindShared()
	if sh == "" {
		t.Fatal("../shared not found beside the repository (CI and sessions have it)")
	}
	p, err := LoadPeers(filepath.Join(sh, "reference", "timings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if p.PyWPH.Forward != 1.803 || p.Cheng.J7L4.CovIsoGrad != 0.635 || p.Kymatio.ForwardBack != 1.514 {
		t.Errorf("peer timings not parsed: %+v", p)
	}
	var buf bytes.Buffer
	Print(&buf, []Row{{Family: "wph", Config: "J6 L4", Engine: "cpu", Batch: 2, Forward: 0.9, ForwardBack: 2.2, PeerForward: 1.8, PeerFB: 5.5, PeerName: "PyWPH"}})
	out := buf.String()
	if !strings.Contains(out, "0.25") || !strings.Contains(out, "0.20") {
		t.Errorf("ratios per map missing from\n%s", out)
	}
	if PeakRSSMiB() <= 0 {
		t.Error("peak RSS not measured")
	}
}

// TimeFirst returns the warm-up call's duration apart from the median, and
// the table's "compile s" is each first call's excess over its median (each
// clamped at 0, so that noise in one does not cancel the other).
func TestTimeFirstAndCompileColumn(t *testing.T) {
	calls := 0
	med, first, err := TimeFirst(3, true, func() error {
		calls++
		if calls == 1 {
			time.Sleep(30 * time.Millisecond)
		}
		return nil
	})
	if err != nil || calls != 4 {
		t.Fatalf("calls %d, err %v", calls, err)
	}
	if first < 0.03 || med >= first {
		t.Errorf("first %.4f s, median %.4f s", first, med)
	}
	if _, first, _ := TimeFirst(1, false, func() error { return nil }); first != 0 {
		t.Errorf("no warm-up: first %v, want 0", first)
	}
	for _, c := range []struct {
		r    Row
		want string
	}{
		{Row{Forward: 1, ForwardBack: 2}, "—"},
		{Row{Forward: 1, FirstForward: 3}, "2.0"},
		{Row{Forward: 1, FirstForward: 3, ForwardBack: 2, FirstFB: 7}, "7.0"},
		{Row{Forward: 1, FirstForward: 0.5, ForwardBack: 2, FirstFB: 5}, "3.0"},
	} {
		if got := compileSeconds(c.r); got != c.want {
			t.Errorf("%+v: compile %q, want %q", c.r, got, c.want)
		}
	}
}
