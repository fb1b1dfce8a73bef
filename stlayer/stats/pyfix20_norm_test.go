package stats

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPyfix20NormResolved: scov and spectra read Norm "none" as p00, but
// WithDefaults kept "none", so stats --kind scov --iso wrote
// "coeffs_norm": "none" beside "norm": "p00" and datasets "norm": "none"
// while their "statistic" said norm=p00. WithDefaults now writes "p00",
// and a stored "none" (older files) reads as "p00"; wph and wst keep "none".
func TestPyfix20NormResolved(t *testing.T) {
	for _, c := range []struct {
		s    Spec
		want string
	}{
		{Spec{Kind: SCov}, "p00"}, {Spec{Kind: SCov, Norm: "none"}, "p00"}, {Spec{Kind: SCov, Norm: "NONE", Iso: true}, "p00"},
		{Spec{}, "p00"}, {Spec{Kind: Spectra, Norm: "None"}, "p00"}, {Spec{Kind: SCov, Norm: "P11"}, "p11"},
		{Spec{Kind: WPH}, "none"}, {Spec{Kind: WPH, Norm: "Auto"}, "auto"}, {Spec{Kind: WST, Norm: "none"}, "none"},
	} {
		got := c.s.WithDefaults(64, 64)
		if got.Norm != c.want {
			t.Errorf("%+v: WithDefaults Norm %q, want %q", c.s, got.Norm, c.want)
		}
		if !strings.Contains(string(got.JSON()), `"norm":"`+c.want+`"`) {
			t.Errorf("%+v: JSON %s, want norm %q", c.s, got.JSON(), c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{`{"kind":"scov","J":4,"L":4,"iso":true,"wavelet":"morlet","norm":"none","pad":"periodic"}`, "p00"},
		{`{"kind":"spectra","J":4,"L":4,"wavelet":"morlet","norm":"none","pad":"periodic"}`, "p00"},
		{`{"kind":"scov","J":4,"L":4,"norm":"p11"}`, "p11"},
		{`{"kind":"wph","J":4,"L":4,"norm":"none"}`, "none"},
		{`{"kind":"wst","J":4,"L":4,"norm":"none"}`, "none"},
	} {
		var s Spec
		if err := json.Unmarshal([]byte(c.in), &s); err != nil {
			t.Fatal(err)
		}
		if s.Norm != c.want || s.J != 4 || s.L != 4 {
			t.Errorf("%s: read %+v, want norm %q, J 4, L 4", c.in, s, c.want)
		}
		// an older file reads as the spec written now: no configuration change
		if c.want == "p00" && string(s.JSON()) != string(s.WithDefaults(64, 64).JSON()) {
			t.Errorf("%s: read %s, written now %s", c.in, s.JSON(), s.WithDefaults(64, 64).JSON())
		}
	}
	// inside another document too (dataset and model manifests embed a Spec)
	var doc struct {
		Spec Spec `json:"spec"`
	}
	if err := json.Unmarshal([]byte(`{"spec":{"kind":"scov","J":2,"L":4,"norm":"none"}}`), &doc); err != nil || doc.Spec.Norm != "p00" {
		t.Errorf("embedded spec: %+v, %v; want norm p00", doc.Spec, err)
	}
	if err := json.Unmarshal([]byte(`{"kind":3}`), new(Spec)); err == nil {
		t.Error("a kind that is not a string: no error")
	}
}
