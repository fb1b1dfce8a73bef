package main

import (
	"bytes"
	"path/filepath"
	"testing"
)

// earlierPartialNote ran os.Stat on "a.partial.npz:maps" and so never named
// an earlier run's .npz member partial; it looks at the archive now.
func TestPartial2EarlierNoteNPZMember(t *testing.T) {
	dir := t.TempDir()
	p := writeSmallMap(t, dir, "a.partial.npz")
	member := p + ":maps"
	if !npzHasMember(p, "maps") {
		t.Fatalf("writeSmallMap's archive %s has no member maps", p)
	}
	var buf bytes.Buffer
	recordPartial(&buf, "synth", nil, filepath.Join(dir, "a.npz:maps"), member)
	r, ok := readPartialRecord(p)
	if !ok {
		t.Fatalf("no record of %s (%s)", p, buf.String())
	}
	if note, want := earlierPartialNote(member), "; "+member+" there is an earlier run's (written "+r.Written+"), not this one's"; note != want {
		t.Errorf("earlierPartialNote(%q) = %q, want %q", member, note, want)
	}
	if note := earlierPartialNote(p + ":other"); note != "" {
		t.Errorf("earlierPartialNote of a member the archive lacks = %q, want none", note)
	}
}
