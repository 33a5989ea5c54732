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
	Exit                      // user task a enters do_exit (scenario=exit)
	ExitMM                    // exit_mm: a's mm becomes nil; it borrows its old mm x from now on
	TeardownFlush             // exit_mmap: a flushes the TLB of its dying mm x
	FreePGD                   // mm x's page directory (v) is freed
	Warn                      // flush=modern: a called a flush primitive preemptible (the assertion)
	// With several CPUs (kernel/mm's lazy TLB and shootdowns):
	Leave       // this CPU, lazy on mm x, left it (leave_mm): cr3 = init_mm's
	Reload      // switch_mm(x, x) for a on a CPU that had left x: CR3 reloaded = cr3
	NoReload    // the same without the reload: cr3 = what CR3 really holds
	Shootdown   // a changed mm x at v; the cr3 field is the mask of CPUs sent IPIs (not a CR3)
	StaleTLB    // a read v through a translation its mm x no longer has
	RemoteFlush // a shootdown flushed v on this CPU, running a on mm x
)

// kindNames are the spellings in the log, indexed by Kind.
var kindNames = []string{"switch", "borrow", "cr3write", "cr3skip", "preempt-window", "resume-window", "fault", "detect",
	"exit", "exit-mm", "teardown-flush", "free-pgd", "warn",
	"leave", "reload", "noreload", "shootdown", "stale-tlb", "remote-flush"}

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
func (r Record) HasCR3() bool { return r.CR3 != 0 && r.Kind != Shootdown }

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
