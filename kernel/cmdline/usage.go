// This file prints options for people: the help text shown with a
// command-line error (Usage), the one-line summary for the boot banner
// (Describe), and the test= matching rule (WantsTest).
package cmdline

import "tlbrace/kernel/console"

// UsageMax is room enough for Usage's text (usage_test.go checks it).
const UsageMax = 8192

// Usage writes the help text: one line per option with its values,
// default and purpose. It returns the number of bytes written (the text is
// cut off if buf is shorter than UsageMax).
func Usage(buf []byte) int {
	n := console.Format(buf, "usage: IMAGE [option ...], options separated by spaces (numbers: decimal or 0x hex):\n")
	for i := range table {
		e := &table[i]
		var left [96]byte
		k := syntax(left[:], e)
		n += console.Format(buf[n:], "  %-24s %s (default: ", left[:k], e.help)
		if e.kind == kindList {
			n += console.Format(buf[n:], "none")
		} else {
			n += value(buf[n:], e, e.def)
		}
		n += workloadDefaultsOf(buf[n:], e)
		n += console.Format(buf[n:], ")\n")
	}
	return n
}

// syntax writes how the option is spelled: "flush=fixed|racy", "hz=10..100000".
func syntax(buf []byte, e *option) int {
	switch e.kind {
	case kindUint:
		if e.min == 0 && e.max == maxUint64 {
			return console.Format(buf, "%s=N", e.name)
		}
		return console.Format(buf, "%s=%d..%d", e.name, e.min, e.max)
	case kindBool:
		return console.Format(buf, "%s[=on|off]", e.name)
	case kindList:
		return console.Format(buf, "%s=NAME,...", e.name)
	}
	n := console.Format(buf, "%s=", e.name)
	for i, v := range e.values {
		if i > 0 {
			n += console.Format(buf[n:], "|")
		}
		n += console.Format(buf[n:], "%s", v)
	}
	return n
}

// value writes v as the option would be given on the command line.
func value(buf []byte, e *option, v uint64) int {
	if names := e.names(); names != nil && v < uint64(len(names)) {
		return console.Format(buf, "%s", names[v])
	}
	return console.Format(buf, "%d", v)
}

// Describe writes the effective options on one line, in a form Parse
// accepts (e.g. "flush=fixed seed=1 hz=1000 ..."), for the boot banner.
// Empty string options are left out, and so are options that mean nothing
// with the others (combine.go).
func (o *Options) Describe(buf []byte) int {
	n := 0
	for i := range table {
		e := &table[i]
		if e.kind == kindList && *e.str(o) == "" || !o.applies1(i) {
			continue
		}
		if n > 0 {
			n += console.Format(buf[n:], " ")
		}
		n += console.Format(buf[n:], "%s=", e.name)
		if e.kind == kindList {
			n += console.Format(buf[n:], "%s", *e.str(o))
		} else {
			n += value(buf[n:], e, e.get(o))
		}
	}
	return n
}

// WantsTest reports whether test= selects the kernel test called name:
// "all" selects every test, "name" exactly that one, and "prefix*" every
// test whose name starts with prefix. An empty test= selects none.
func (o *Options) WantsTest(name string) bool {
	for list := o.Test; list != ""; {
		var pattern string
		pattern, list, _ = cut(list, ',')
		switch {
		case pattern == "all", pattern == name:
			return true
		case len(pattern) > 0 && pattern[len(pattern)-1] == '*':
			prefix := pattern[:len(pattern)-1]
			if len(name) >= len(prefix) && name[:len(prefix)] == prefix {
				return true
			}
		}
	}
	return false
}

// workloadDefaultsOf writes "; workload=stress: 10000" for each workload
// that has its own default for e.
func workloadDefaultsOf(buf []byte, e *option) int {
	n := 0
	for j, d := range workloadDefaults {
		if d.name != e.name || sameDefaultBefore(j) {
			continue
		}
		// Workloads sharing a value share a clause: "with workload=stress|fuzz: 4".
		n += console.Format(buf[n:], "; with workload=")
		for k := j; k < len(workloadDefaults); k++ {
			if o := workloadDefaults[k]; o.name == d.name && o.value == d.value {
				if k > j {
					n += console.Format(buf[n:], "|")
				}
				n += console.Format(buf[n:], "%s", table[workloadOption].values[o.workload])
			}
		}
		n += console.Format(buf[n:], ": ")
		n += value(buf[n:], e, d.value)
	}
	return n
}

// sameDefaultBefore reports whether an earlier workload default has the
// same option and value as workloadDefaults[j] (its clause printed it).
func sameDefaultBefore(j int) bool {
	for i := 0; i < j; i++ {
		if workloadDefaults[i].name == workloadDefaults[j].name && workloadDefaults[i].value == workloadDefaults[j].value {
			return true
		}
	}
	return false
}
