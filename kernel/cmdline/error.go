// This file describes what can be wrong with a command line (Error) and
// turns it into the one-line message the kernel prints before stopping.
package cmdline

import "tlbrace/kernel/console"

// Problem says what was wrong with a command-line word.
type Problem uint8

const (
	UnknownOption Problem = iota + 1 // no option has that name
	BadValue                         // value not understood
	OutOfRange                       // a number outside the option's range
	GivenTwice                       // the option appeared before
	MissingValue                     // "name" or "name=" without a value
	Meaningless                      // an option that means nothing with another one (combine.go)
)

// Error describes the first bad word on the command line.
type Error struct {
	Problem  Problem
	Word     string   // the offending word, as given
	Option   string   // the option's name, "" if unknown
	Value    string   // the text after '=' ("" if none)
	Valid    []string // UnknownOption: all option names; enum and bool options: their values
	Min, Max uint64   // kindUint options: the allowed range
	// Suggest is the valid spelling nearest to a misspelled word, "" if
	// none is near: an option name (UnknownOption) or a value of an enum
	// or bool option (BadValue).
	Suggest string
	// Meaningless: the option the word conflicts with, its value, and why.
	With, WithValue, Because string
}

// lastError is where Parse builds its *Error: there is no heap to allocate
// one. Parse runs once, at boot, so one is enough; the next call reuses it.
var lastError Error

// optionNames backs Error.Valid for UnknownOption; Parse fills it in when
// needed (package variables only get constant initial values).
var optionNames [len(table)]string

func fail(e Error) *Error {
	lastError = e
	return &lastError
}

// Message writes a one-line description of the error into buf, without a
// newline, and returns its length. It is cut off if buf is too short. A
// suggestion comes last ("...; did you mean flush=?"), where the eye lands.
func (e *Error) Message(buf []byte) int {
	n := e.describe(buf)
	if e.Suggest == "" {
		return n
	}
	switch k := lookup(e.Suggest); {
	case e.Problem == UnknownOption && k >= 0 && table[k].kind == kindBool:
		return n + console.Format(buf[n:], "; did you mean %s?", e.Suggest)
	case e.Problem == UnknownOption:
		return n + console.Format(buf[n:], "; did you mean %s=?", e.Suggest)
	}
	return n + console.Format(buf[n:], "; did you mean %s=%s?", e.Option, e.Suggest)
}

// describe writes the message without the suggestion.
func (e *Error) describe(buf []byte) int {
	i := lookup(e.Option)
	switch {
	case e.Problem == UnknownOption:
		n := console.Format(buf, "cmdline: unknown option \"%s\"; valid options:", e.Word)
		for _, name := range e.Valid {
			n += console.Format(buf[n:], " %s", name)
			if k := lookup(name); k >= 0 && table[k].kind != kindBool {
				n += console.Format(buf[n:], "=")
			}
		}
		return n
	case e.Problem == GivenTwice:
		return console.Format(buf, "cmdline: option %s= given twice (\"%s\")", e.Option, e.Word)
	case e.Problem == BadValue && i >= 0:
		n := console.Format(buf, "cmdline: bad value \"%s\" for %s=", e.Value, e.Option)
		return n + valid(buf[n:], &table[i])
	case e.Problem == OutOfRange && i >= 0:
		n := console.Format(buf, "cmdline: value %s out of range for %s=", e.Value, e.Option)
		return n + valid(buf[n:], &table[i])
	case e.Problem == Meaningless:
		return console.Format(buf, "cmdline: %s means nothing with %s=%s: %s", e.Word, e.With, e.WithValue, e.Because)
	case e.Problem == MissingValue && i >= 0:
		n := console.Format(buf, "cmdline: missing value for %s=", e.Option)
		return n + valid(buf[n:], &table[i])
	}
	return console.Format(buf, "cmdline: bad word \"%s\"", e.Word) // not made by Parse
}

// valid writes " (what the option accepts)" for error messages.
func valid(buf []byte, e *option) int {
	switch e.kind {
	case kindUint:
		return console.Format(buf, " (%d..%d)", e.min, e.max)
	case kindList:
		return console.Format(buf, " (all, or comma-separated test names; name* matches a prefix)")
	}
	n := console.Format(buf, " (valid:")
	for i, v := range e.names() {
		if i > 0 {
			n += console.Format(buf[n:], ",")
		}
		n += console.Format(buf[n:], " %s", v)
	}
	return n + console.Format(buf[n:], ")")
}
