package main

import (
	"fmt"
	"io"
	"os"
)

// startKeywords are the words separate's --start reads as keywords, with
// what each starts from.
var startKeywords = map[string]string{
	"data":   "start from DATA",
	"wiener": "start from the Wiener filter of DATA",
}

// warnStartKeyword warns on w when separate's --start value is a keyword
// (data, wiener) and a file of that name exists in the working directory:
// the keyword is taken, silently, where the user may have meant the file.
// "separate: warning: --start data: the keyword (start from DATA); for the
// file write ./data". A folder of that name is no start (--start takes one
// map file), so it gets no warning.
func warnStartKeyword(w io.Writer, start string) {
	what, ok := startKeywords[start]
	if !ok {
		return
	}
	if st, err := os.Stat(start); err != nil || st.IsDir() {
		return
	}
	fmt.Fprintf(w, "separate: warning: --start %s: the keyword (%s); for the file write ./%s\n", start, what, start)
}
