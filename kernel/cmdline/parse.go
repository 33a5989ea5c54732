// This file reads the raw Multiboot command line ("IMAGEPATH word word
// ...") into Options, and describes what went wrong when it cannot.
package cmdline

import "math/bits"

// Parse reads a Multiboot command line. The first word is the kernel image
// path when QEMU's -kernel boots us, and is skipped; GRUB 2's multiboot
// command passes only the arguments, so a first word that is an option
// (it has an '=' or names a known option) is kept. The rest are options
// separated by spaces. It returns the options with defaults for those not
// given (some depend on the workload: workload_defaults.go) and, on failure, a description of the first bad word (the options
// then hold what was read before it). The *Error points at package storage
// that the next Parse call overwrites.
func Parse(s string) (Options, *Error) {
	var o Options
	for i := range table {
		table[i].set(&o, table[i].def)
	}
	var seen [len(table)]bool
	var given [len(table)]string // the word that set each option
	if first, rest := nextWord(s); !isOption(first) {
		s = rest // the image path
	}
	for {
		var word string
		word, s = nextWord(s)
		if word == "" {
			o.applyWorkloadDefaults(&seen)
			return o, o.checkCombination(&given)
		}
		if err := o.apply(word, &seen); err != nil {
			return o, err
		}
		name, _, _ := cut(word, '=')
		if i := lookup(name); i >= 0 {
			given[i] = word
		}
	}
}

// nextWord splits s into its first word and the rest; blanks separate words.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	j := i
	for j < len(s) && !isBlank(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// apply sets the option named by one "name" or "name=value" word.
func (o *Options) apply(word string, seen *[len(table)]bool) *Error {
	name, value, hasValue := cut(word, '=')
	i := lookup(name)
	if i < 0 {
		for k := range table {
			optionNames[k] = table[k].name
		}
		return fail(Error{Problem: UnknownOption, Word: word, Value: value, Valid: optionNames[:],
			Suggest: nearest(name, optionNames[:])})
	}
	e := &table[i]
	err := Error{Word: word, Option: e.name, Value: value, Valid: e.names()}
	if e.kind == kindUint {
		err.Min, err.Max = e.min, e.max
	}
	switch {
	case seen[i]:
		err.Problem = GivenTwice
	case e.kind == kindBool && !hasValue:
		e.set(o, 1) // a bare flag means on
	case e.kind == kindList && hasValue: // "test=" explicitly runs no tests
		if validList(value) {
			*e.str(o) = value
		} else {
			err.Problem = BadValue
		}
	case value == "":
		err.Problem = MissingValue
	case e.kind == kindUint:
		v, ok, overflow := parseUint(value)
		switch {
		case !ok:
			err.Problem = BadValue
		case overflow || v < e.min || v > e.max:
			err.Problem = OutOfRange
		default:
			e.set(o, v)
		}
	default: // enum or bool: the value must be one of the names
		if v := index(e.names(), value); v >= 0 {
			e.set(o, uint64(v))
		} else {
			err.Problem = BadValue
			err.Suggest = nearest(value, e.names())
		}
	}
	seen[i] = true
	if err.Problem != 0 {
		return fail(err)
	}
	return nil
}

// cut splits s around the first sep (like strings.Cut, which the kernel
// does not import).
func cut(s string, sep byte) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func lookup(name string) int {
	for i := range table {
		if table[i].name == name {
			return i
		}
	}
	return -1
}

func index(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// parseUint reads a decimal number, or a hex one after "0x". ok is false
// for anything else; overflow is true if it does not fit in 64 bits.
func parseUint(s string) (v uint64, ok, overflow bool) {
	base := uint64(10)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		base, s = 16, s[2:]
	}
	for i := 0; i < len(s); i++ {
		d := digit(s[i])
		if d >= base {
			return 0, false, false
		}
		hi, lo := bits.Mul64(v, base)
		var carry uint64
		v, carry = bits.Add64(lo, d, 0)
		overflow = overflow || hi != 0 || carry != 0
	}
	return v, len(s) > 0, overflow
}

// digit returns the value of a decimal or hex digit, or 99 for a non-digit.
func digit(c byte) uint64 {
	switch {
	case c >= '0' && c <= '9':
		return uint64(c - '0')
	case c >= 'a' && c <= 'f':
		return uint64(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return uint64(c-'A') + 10
	}
	return 99
}

// validList accepts "" or comma-separated non-empty names in which '*'
// may only come last ("tlb*" matches every name starting with "tlb").
func validList(s string) bool {
	if s == "" {
		return true
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			if i == start {
				return false
			}
			start = i + 1
		} else if s[i] == '*' && i+1 < len(s) && s[i+1] != ',' {
			return false
		}
	}
	return true
}

// isOption reports whether word looks like an option rather than an
// image path: "name=value", or the bare name of a known option.
func isOption(word string) bool {
	for i := 0; i < len(word); i++ {
		if word[i] == '=' {
			return true
		}
	}
	return word != "" && lookup(word) >= 0
}
