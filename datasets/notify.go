package datasets

import (
	"log/slog"
	"sync/atomic"
)

// notifyFunc holds the handler set by SetNotify; nil means slog.Warn.
var notifyFunc atomic.Pointer[func(msg string)]

// SetNotify routes the package's notices — remarks on a read that succeeded
// but may not have done what the caller meant, such as "x.npz has 3 arrays
// (I, Q, U): reading the first, "I"; choose one with FILE.npz:NAME" — to f,
// and returns the handler it replaces (nil for the default). With no handler
// (f nil, the default) a notice is logged with slog.Warn, its text as the
// message. A notice is one complete sentence without a trailing newline;
// f is called from the goroutine doing the read, possibly from several at
// once. SetNotify may be called at any time; reads under way use the
// handler set when they give their notice.
func SetNotify(f func(msg string)) (previous func(msg string)) {
	var p *func(string)
	if f != nil {
		p = &f
	}
	if old := notifyFunc.Swap(p); old != nil {
		return *old
	}
	return nil
}

// notify gives msg to the handler set by SetNotify, or to slog.Warn.
func notify(msg string) {
	if f := notifyFunc.Load(); f != nil {
		(*f)(msg)
		return
	}
	slog.Warn(msg)
}
