package main

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/stkit-org/stkit/infer"
)

// TestSepsweep19StepsDefault: stkit separate's --steps default is the
// library's default schedule, DefaultSepStages(10, 50, 4) (chosen by the
// session-19 sweep: higher min r than 30,100,4 with half the evaluations).
func TestSepsweep19StepsDefault(t *testing.T) {
	var out, errb bytes.Buffer
	fs, _ := sepSampleFlags(&globals{stdout: &out, stderr: &errb})
	def := fs.Lookup("steps").DefValue
	if def != "10,50,4" {
		t.Fatalf("--steps default %q, want 10,50,4", def)
	}
	st, err := infer.ParseSepSteps(def)
	if err != nil {
		t.Fatal(err)
	}
	if want := infer.DefaultSepStages(10, 50, 4); !reflect.DeepEqual(st, want) {
		t.Errorf("--steps %s parses to %+v, want the library default %+v", def, st, want)
	}
}
