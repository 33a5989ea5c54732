// This file describes malformed boot information: what Parse found wrong,
// and a one-line message about it for the console.
package multiboot

import "tlbrace/kernel/console"

// Problem is a kind of malformed boot information.
type Problem uint8

const (
	OK             Problem = iota
	BadAddress             // a structure or string lies outside Memory, or at address 0
	StringTooLong          // a command line without NUL in its first MaxString bytes (cut)
	TooManyModules         // more than MaxModules modules (the rest are ignored)
	EntryTooSmall          // a memory map entry whose size field is below 20
	MapOverrun             // a memory map entry runs past mmap_length
	TooManyRegions         // more than MaxRegions map entries (the rest are ignored)
)

// Error describes the first problem Parse found.
type Error struct {
	Problem Problem
	What    string // the structure: "memory map entry", "command line", ...
	Index   int    // which memory map entry or module; -1 if not applicable
	Value   uint64 // the offending address, size field, length or count
}

// lastError is where Parse records the first problem: there is no heap to
// allocate an Error from. Each Parse call starts it afresh.
var lastError Error

// report records a problem unless one was found already.
func report(p Problem, what string, index int, value uint64) {
	if p != OK && lastError.Problem == OK {
		lastError = Error{Problem: p, What: what, Index: index, Value: value}
	}
}

// Message writes a one-line description of e into buf (no newline) and
// returns its length; it is cut off if buf is too short.
func (e *Error) Message(buf []byte) int {
	n := console.Format(buf, "multiboot: %s", e.What)
	if e.Index >= 0 {
		n += console.Format(buf[n:], " %d", e.Index)
	}
	switch e.Problem {
	case BadAddress:
		return n + console.Format(buf[n:], " at %#x is outside memory", e.Value)
	case StringTooLong:
		return n + console.Format(buf[n:], " is longer than %d bytes (cut)", MaxString)
	case TooManyModules:
		return n + console.Format(buf[n:], " has %d modules, only the first %d are used", e.Value, MaxModules)
	case TooManyRegions:
		return n + console.Format(buf[n:], " has %d entries, only the first %d are used", e.Value, MaxRegions)
	case EntryTooSmall:
		return n + console.Format(buf[n:], " has size %d, less than %d", e.Value, entryMinSize)
	case MapOverrun:
		return n + console.Format(buf[n:], " runs past the end of the map (length %d)", e.Value)
	}
	return n + console.Format(buf[n:], ": no problem")
}
