package bench

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
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
