package main

import "os"

// pairsigBetweenRenames is called by writeAllOrNothing after each of its
// renames (done: how many are done); tests play a signal there (pairsig20).
var pairsigBetweenRenames = func(done int) {}

// removePartialFile and removePartialDir remove a stale partial file and a
// stale partial report (removeStalePartialFile, removeStalePartial); tests
// make them fail (pairsig20: root removes anything).
var (
	removePartialFile = os.Remove
	removePartialDir  = os.RemoveAll
)

// linkBackup makes writeAllOrNothing's hard link to an old file, to put it
// back should the renames be undone; tests make it fail, as on a
// filesystem without hard links (fixpartial21).
var linkBackup = os.Link

// renameBack puts an old file back from its hard link in
// writeAllOrNothing's rollBack; tests make it fail (partial2).
var renameBack = os.Rename
