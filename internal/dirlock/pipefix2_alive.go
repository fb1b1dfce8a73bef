package dirlock

// Alive reports whether process pid runs on this host, as the locks judge
// it (kill(pid, 0), on Linux zombies counted gone); atomicfile uses it for
// the temporaries of killed writes (pipefix2).
func Alive(pid int) bool { return alive(pid) }
