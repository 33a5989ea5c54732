// parse.go: find the TRACE-RAW block in a serial log and read its records.
//
// Everything outside the block is ignored, except two lines worth showing in
// a title: "DETECTED: ..." (what the detector saw) and "tlbrace: ready ..."
// (arch, flush variant, seed). Lines saved by the Go harness (tools/qemu)
// carry a "[  0.123456s] " time stamp; it is stripped first.

package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// Trace is what a serial log says about one detection.
type Trace struct {
	Records  []Record       // the TRACE-RAW records, oldest first
	Names    map[int]string // task id -> name, from TRACE-TASK lines
	Detected string         // the "DETECTED: ..." line, "" if none
	Ready    string         // the "tlbrace: ready ..." line, "" if none
}

// TaskIDs returns every task id named by TRACE-TASK or used by a record,
// sorted.
func (t *Trace) TaskIDs() []int {
	seen := map[int]bool{}
	for id := range t.Names {
		seen[id] = true
	}
	for _, r := range t.Records {
		seen[r.A] = true
		if r.Kind == Switch {
			seen[r.B] = true
		}
	}
	ids := make([]int, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	return ids
}

// TaskLabel is "name[id]", as the kernel prints tasks.
func (t *Trace) TaskLabel(id int) string {
	name := t.Names[id]
	if name == "" {
		name = "task"
	}
	return fmt.Sprintf("%s[%d]", name, id)
}

// The field names of a TRACE-RAW record, for messages.
var rawFields = []string{"tick", "kind", "a", "b", "x", "v", "cr3", "v_owner", "cr3_owner"}

// Parse reads a serial log. source names it in messages ("racy.log:57: ...").
// If the log holds several TRACE-RAW blocks, the last complete one wins.
func Parse(r io.Reader, source string) (*Trace, error) {
	t := &Trace{Names: map[int]string{}}
	var (
		block   *Trace // the block being read, nil outside one
		found   bool
		startAt int
		lineNo  int
		scanner = bufio.NewScanner(r)
		errAt   = func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: "+format, append([]any{source, lineNo}, args...)...)
		}
	)
	scanner.Buffer(make([]byte, 64*1024), 1024*1024)
	for scanner.Scan() {
		lineNo++
		line := stripStamp(strings.TrimRight(scanner.Text(), "\r"))
		switch {
		case strings.HasPrefix(line, "DETECTED:"):
			t.Detected = strings.TrimSpace(line)
		case strings.HasPrefix(line, "tlbrace: ready"):
			t.Ready = strings.TrimSpace(line)
		case strings.TrimSpace(line) == "TRACE-RAW END":
			if block == nil {
				return nil, errAt("TRACE-RAW END without a TRACE-RAW block before it")
			}
			t.Records, t.Names = block.Records, block.Names
			block, found = nil, true
		case strings.HasPrefix(line, "TRACE-RAW"):
			if block == nil {
				block, startAt = &Trace{Names: map[int]string{}}, lineNo
			}
			rec, err := parseRaw(line)
			if err != nil {
				return nil, errAt("%v\n\tthe line: %q", err, line)
			}
			rec.Line = lineNo
			// Ticks never go back on one CPU (CPUs record into one ring,
			// so across CPUs a record may carry the tick before).
			for n := len(block.Records) - 1; n >= 0; n-- {
				if p := block.Records[n]; p.CPU == rec.CPU {
					if rec.Tick < p.Tick {
						return nil, errAt("malformed TRACE-RAW record: tick %d is before the previous record's tick %d (line %d)",
							rec.Tick, p.Tick, p.Line)
					}
					break
				}
			}
			block.Records = append(block.Records, rec)
		case strings.HasPrefix(line, "TRACE-TASK") && block != nil:
			id, name, err := parseTask(line)
			if err != nil {
				return nil, errAt("%v\n\tthe line: %q", err, line)
			}
			block.Names[id] = name
		}
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("%s: reading after line %d: %v", source, lineNo, err)
	}
	if block != nil && !found {
		return nil, fmt.Errorf("%s:%d: the TRACE-RAW block starting here has no TRACE-RAW END line (log cut short?)", source, startAt)
	}
	if !found {
		return nil, fmt.Errorf("%s: no TRACE-RAW block: the kernel prints one only when the stress reproducer detects the race; "+
			"run a racy stress run and save its serial log, e.g.\n\t./qemu.sh stress -a 386 -- flush=racy seed=1 > racy.log", source)
	}
	if len(t.Records) == 0 {
		return nil, fmt.Errorf("%s: the TRACE-RAW block holds no records", source)
	}
	return t, nil
}

// CPUs returns the CPUs the records come from, ascending.
func (t *Trace) CPUs() []int {
	seen := map[int]bool{}
	for _, r := range t.Records {
		seen[r.CPU] = true
	}
	var cpus []int
	for c := range seen {
		cpus = append(cpus, c)
	}
	sort.Ints(cpus)
	return cpus
}

// FailingCPU is the CPU of the last record that shows the failure (a
// fault, a stale read, a detection), or the first CPU of the trace.
func (t *Trace) FailingCPU() int {
	for i := len(t.Records) - 1; i >= 0; i-- {
		switch r := t.Records[i]; r.Kind {
		case Fault, StaleTLB, Detect:
			return r.CPU
		}
	}
	return t.CPUs()[0]
}

// OnCPU returns the trace of one CPU: its records only, and the names of
// the tasks they mention. Ticks stay in order, since one CPU's records
// are.
func (t *Trace) OnCPU(cpu int) *Trace {
	u := &Trace{Names: map[int]string{}, Detected: t.Detected, Ready: t.Ready}
	for _, r := range t.Records {
		if r.CPU == cpu {
			u.Records = append(u.Records, r)
		}
	}
	for _, r := range u.Records {
		for _, id := range []int{r.A, r.B} {
			if name, ok := t.Names[id]; ok && (id == r.A || r.Kind == Switch) {
				u.Names[id] = name
			}
		}
	}
	return u
}

// parseRaw reads "TRACE-RAW tick kind a b x v cr3 v_owner cr3_owner [cpu]"
// (the CPU only from a kernel running on several).
func parseRaw(line string) (Record, error) {
	f := strings.Fields(line)
	if f[0] != "TRACE-RAW" {
		return Record{}, fmt.Errorf("malformed TRACE-RAW record: want %q, got %q", "TRACE-RAW", f[0])
	}
	f = f[1:]
	cpu := 0
	if len(f) == len(rawFields)+1 {
		c, err := strconv.Atoi(f[len(f)-1])
		if err != nil || c < 0 {
			return Record{}, fmt.Errorf("malformed TRACE-RAW record: field cpu = %q is not a CPU number", f[len(f)-1])
		}
		cpu, f = c, f[:len(f)-1]
	}
	if len(f) != len(rawFields) {
		return Record{}, fmt.Errorf("malformed TRACE-RAW record: %d fields, want %d (%s)", len(f), len(rawFields), strings.Join(rawFields, " "))
	}
	var r Record
	var err error
	field := func(i int) string { return f[i] }
	bad := func(i int, what string) error {
		return fmt.Errorf("malformed TRACE-RAW record: field %s = %q is not %s", rawFields[i], f[i], what)
	}
	if r.Tick, err = strconv.ParseInt(field(0), 10, 64); err != nil {
		return r, bad(0, "a decimal tick")
	}
	r.Kind = -1
	for k, name := range kindNames {
		if field(1) == name {
			r.Kind = Kind(k)
		}
	}
	if r.Kind < 0 {
		return r, fmt.Errorf("malformed TRACE-RAW record: unknown kind %q (known: %s)", field(1), strings.Join(kindNames, ", "))
	}
	ints := []*int{2: &r.A, 3: &r.B, 4: &r.X, 7: &r.VOwner, 8: &r.CR3Owner}
	for i, p := range ints {
		if p == nil {
			continue
		}
		if *p, err = strconv.Atoi(field(i)); err != nil {
			return r, bad(i, "a decimal id")
		}
	}
	if r.V, err = strconv.ParseUint(field(5), 0, 64); err != nil {
		return r, bad(5, "a number (0x... hex)")
	}
	if r.CR3, err = strconv.ParseUint(field(6), 0, 64); err != nil {
		return r, bad(6, "a number (0x... hex)")
	}
	r.CPU = cpu
	return r, nil
}

// parseTask reads "TRACE-TASK id name".
func parseTask(line string) (int, string, error) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "TRACE-TASK" {
		return 0, "", fmt.Errorf("malformed TRACE-TASK line: want \"TRACE-TASK id name\"")
	}
	id, err := strconv.Atoi(f[1])
	if err != nil {
		return 0, "", fmt.Errorf("malformed TRACE-TASK line: id %q is not a decimal number", f[1])
	}
	return id, f[2], nil
}

// stripStamp removes the "[  0.123456s] " prefix tools/qemu puts on lines.
func stripStamp(line string) string {
	if !strings.HasPrefix(line, "[") {
		return line
	}
	end := strings.Index(line, "s] ")
	if end < 0 {
		return line
	}
	if _, err := strconv.ParseFloat(strings.TrimSpace(line[1:end]), 64); err != nil {
		return line
	}
	return line[end+3:]
}
