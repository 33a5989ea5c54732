// record.go: one TRACE-RAW line, as the kernel's kernel/trace prints it.
//
// Every record has the same nine fields whatever its kind; what a, b, x, v
// and cr3 mean depends on the kind (see Kind below and kernel/trace).

package main

import "fmt"

// Kind is what happened, named as in the log.
type Kind int

const (
	Switch        Kind = iota // a -> b; x = b's active_mm; cr3 = CR3 after
	Borrow                    // kernel thread a borrows mm x lazily (no CR3 write)
	CR3Write                  // switch_mm loaded CR3 = cr3 (mm x) for task a
	CR3Skip                   // switch_mm(x, x) wrote nothing; cr3 = what CR3 really holds
	PreemptWindow             // a preempted between CR3 read and write, holding v (mm v_owner)
	ResumeWindow              // a resumes in the window: writes v while its active_mm is x
	Fault                     // a faulted at address v, present in its mm x, but CR3 differs
	Detect                    // a detector fired in task a
)

// kindNames are the spellings in the log, indexed by Kind.
var kindNames = []string{"switch", "borrow", "cr3write", "cr3skip", "preempt-window", "resume-window", "fault", "detect"}

func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Special mm ids used in records.
const (
	MMKernel = 0  // init_mm, the kernel's own address space
	MMNone   = -1 // no mm / not known
	MMNoLive = -2 // CR3 value owned by no live mm (freed), or not recorded
)

// Record is one parsed TRACE-RAW line.
type Record struct {
	Line     int // 1-based line number in the log, for messages
	Tick     int64
	Kind     Kind
	A, B     int    // task ids
	X        int    // an mm id
	V        uint64 // a CR3 value or a faulting address
	CR3      uint64 // CR3 after the event; 0 = not recorded
	VOwner   int    // mm id owning V (preempt/resume window)
	CR3Owner int    // mm id owning CR3
	CPU      int    // the CPU it happened on (0 when the kernel ran on one)
}

// HasCR3 reports whether the record says what CR3 holds after it.
func (r Record) HasCR3() bool { return r.CR3 != 0 }

// mmName spells an mm id for labels: "mm 3", "init_mm", "no live mm".
func mmName(id int) string {
	switch {
	case id == MMKernel:
		return "init_mm"
	case id == MMNoLive:
		return "no live mm"
	case id < 0:
		return "no mm"
	default:
		return fmt.Sprintf("mm %d", id)
	}
}
