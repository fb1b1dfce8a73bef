package checkpoints

import "testing"

// Latest listed the directory once: a checkpoint pruned between that listing and its reading (a
// trainer with --keep 1 saving a newer one while another command reads the run) failed with "no
// readable checkpoint … no such file or directory". Latest now lists again and reads the new one.
func TestLatestListsAgainAfterConcurrentPrune(t *testing.T) {
	dir := t.TempDir()
	reader, _ := Open(dir, 0)
	writer, _ := Open(dir, 1)
	if _, err := writer.Save(testContext(1), State{Step: 10}, cfg{K: 2}, nil); err != nil {
		t.Fatal(err)
	}
	calls := 0
	latestListed = func() {
		calls++
		if calls == 1 { // after the first listing: a newer save prunes step 10
			if _, err := writer.Save(testContext(2), State{Step: 20}, cfg{K: 2}, nil); err != nil {
				t.Error(err)
			}
		}
	}
	defer func() { latestListed = nil }()
	c, skipped, err := reader.Latest()
	if err != nil || c.State.Step != 20 || len(skipped) != 0 || calls != 2 {
		t.Fatalf("Latest after a concurrent prune: %v, skipped %v, err %v (%d listings); want step 20", c, skipped, err, calls)
	}
}

// A reader running Latest while a keep-1 writer saves: every call finds a checkpoint.
func TestLatestDuringSaves(t *testing.T) {
	dir := t.TempDir()
	writer, _ := Open(dir, 1)
	reader, _ := Open(dir, 0)
	ctx := testContext(1)
	if _, err := writer.Save(ctx, State{Step: 0}, cfg{K: 2}, nil); err != nil {
		t.Fatal(err)
	}
	const saves = 30
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for s := int64(1); s <= saves; s++ {
			if _, err := writer.Save(ctx, State{Step: s}, cfg{K: 2}, nil); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	last := int64(-1)
	for done := false; !done; {
		select {
		case <-finished:
			done = true
		default:
		}
		c, skipped, err := reader.Latest()
		if err != nil || len(skipped) != 0 {
			<-finished
			t.Fatalf("Latest during saves: err %v, skipped %v", err, skipped)
		}
		if c.State.Step < last {
			<-finished
			t.Fatalf("Latest went back from step %d to %d", last, c.State.Step)
		}
		last = c.State.Step
	}
	if last != saves {
		t.Errorf("Latest after the saves read step %d, want %d", last, saves)
	}
}
