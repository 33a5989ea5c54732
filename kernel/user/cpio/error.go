// This file describes what can be wrong with an archive (Error) and turns
// it into the one-line message the kernel prints.
package cpio

import "tlbrace/kernel/console"

// Problem says what was wrong.
type Problem uint8

const (
	NoTrailer         Problem = iota + 1 // the archive ends before TRAILER!!!
	ShortHeader                          // fewer than 110 bytes left for a header
	BadMagic                             // not "070701"
	BadHex                               // a header field is not 8 hex digits
	EmptyName                            // c_namesize is 0
	NameOutside                          // the name runs past the end
	NameNotTerminated                    // the name's last byte is not NUL
	PaddingOutside                       // the padding to 4 bytes runs past the end
	BadPadding                           // a padding byte is not 0
	DataOutside                          // the file data runs past the end
	NotFound                             // Lookup: no such name
	NotRegular                           // Lookup: the name is not a regular file
)

// maxName is how much of a name an Error keeps.
const maxName = 64

// Error describes the first problem found.
type Error struct {
	Problem Problem
	Offset  int           // where in the archive (the entry's header, or the bad byte)
	Field   string        // the header field at fault ("" if none)
	Value   uint64        // the offending value (a size, a byte, the magic)
	Limit   uint64        // what it had to fit in (bytes left, archive size)
	Name    [maxName]byte // the entry's name (or the name looked up), cut off at maxName
	NameLen int
}

// lastError is where errors are built: there is no heap to allocate one.
// So a returned *Error is only valid until the next error from this
// package: print or copy it first, and do not read archives concurrently.
var lastError Error

func fail(e Error, name []byte) *Error {
	lastError = e
	lastError.NameLen = copy(lastError.Name[:], name)
	return &lastError
}

func failName(e Error, name string) *Error {
	lastError = e
	lastError.NameLen = copy(lastError.Name[:], name)
	return &lastError
}

// Message writes a one-line description of the error into buf, without a
// newline, and returns its length. It is cut off if buf is too short.
func (e *Error) Message(buf []byte) int {
	f, name := console.Format, e.Name[:e.NameLen]
	switch e.Problem {
	case NoTrailer:
		return f(buf, "cpio: archive ends at offset %#x without a TRAILER!!! entry", e.Offset)
	case ShortHeader:
		return f(buf, "cpio: header at offset %#x is cut off: %d bytes left, a header is %d", e.Offset, e.Value, headerSize)
	case BadMagic:
		var m [6]byte
		for i := range m {
			m[i] = byte(e.Value >> (40 - 8*i))
		}
		if printable(m[:]) {
			return f(buf, "cpio: bad magic \"%s\" at offset %#x, want \"%s\" (newc)", m[:], e.Offset, magic)
		}
		return f(buf, "cpio: bad magic %#012x at offset %#x, want \"%s\" (newc)", e.Value, e.Offset, magic)
	case BadHex:
		return f(buf, "cpio: %s at offset %#x is not 8 hex digits", e.Field, e.Offset)
	case EmptyName:
		return f(buf, "cpio: entry at offset %#x has %s 0 (the name needs at least its NUL)", e.Offset, e.Field)
	case NameOutside:
		return f(buf, "cpio: entry at offset %#x: its %d-byte name runs past the end of the archive (%d bytes left)", e.Offset, e.Value, e.Limit)
	case NameNotTerminated:
		return f(buf, "cpio: entry at offset %#x: its %d-byte name does not end in NUL", e.Offset, e.Value)
	case PaddingOutside:
		return f(buf, "cpio: entry \"%s\": padding at offset %#x runs past the end of the %#x-byte archive", name, e.Offset, e.Limit)
	case BadPadding:
		return f(buf, "cpio: entry \"%s\": padding byte at offset %#x is %#x, want 0", name, e.Offset, e.Value)
	case DataOutside:
		return f(buf, "cpio: entry \"%s\" at offset %#x: %d bytes of data, only %d left in the archive", name, e.Offset, e.Value, e.Limit)
	case NotFound:
		return f(buf, "cpio: no entry named \"%s\"", name)
	case NotRegular:
		return f(buf, "cpio: \"%s\" (offset %#x) is not a regular file: mode %#x", name, e.Offset, e.Value)
	}
	return f(buf, "cpio: unknown problem %d", uint8(e.Problem))
}

// printable reports whether b is plain ASCII text.
func printable(b []byte) bool {
	for _, c := range b {
		if c < ' ' || c > '~' {
			return false
		}
	}
	return true
}
