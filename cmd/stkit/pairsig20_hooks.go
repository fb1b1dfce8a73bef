package main

// pairsigBetweenRenames is called by writeAllOrNothing after each of its
// renames (done: how many are done); tests play a signal there (pairsig20).
var pairsigBetweenRenames = func(done int) {}
