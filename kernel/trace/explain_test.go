package trace

import (
	"bytes"
	"strings"
	"testing"

	"tlbrace/kernel/console"
)

// The README's race (a run of ./qemu.sh stress -a 386 -- flush=racy
// seed=1 before the stress workload was reshaped), event by event: mm 1
// and mm 2 have page tables 0x1000 and 0x2000; tasks 2 and 3 are the
// workers, 4..7 the kflush threads.
var readmeRace = []Entry{
	{Tick: 201, Kind: Switch, A: 5, B: 2, X: 1, CR3: 0x1000},
	{Tick: 202, Kind: Borrow, A: 4, X: 1},
	{Tick: 202, Kind: Switch, A: 2, B: 4, X: 1, CR3: 0x1000},
	{Tick: 203, Kind: PreemptWindow, A: 4, B: 32, X: 1, V: 0x1000},
	{Tick: 203, Kind: CR3Write, A: 3, X: 2, CR3: 0x2000},
	{Tick: 203, Kind: Switch, A: 4, B: 3, X: 2, CR3: 0x2000},
	{Tick: 204, Kind: Borrow, A: 7, X: 2},
	{Tick: 204, Kind: Switch, A: 3, B: 7, X: 2, CR3: 0x2000},
	{Tick: 205, Kind: Borrow, A: 5, X: 2},
	{Tick: 205, Kind: Switch, A: 7, B: 5, X: 2, CR3: 0x2000},
	{Tick: 206, Kind: CR3Skip, A: 3, X: 2, CR3: 0x2000},
	{Tick: 206, Kind: Switch, A: 5, B: 3, X: 2, CR3: 0x2000},
	{Tick: 207, Kind: Borrow, A: 4, X: 2},
	{Tick: 207, Kind: Switch, A: 3, B: 4, X: 2, CR3: 0x2000},
	{Tick: 207, Kind: ResumeWindow, A: 4, X: 2, V: 0x1000},
	{Tick: 208, Kind: Borrow, A: 5, X: 2},
	{Tick: 208, Kind: Switch, A: 4, B: 5, X: 2, CR3: 0x1000},
	{Tick: 209, Kind: CR3Skip, A: 3, X: 2, CR3: 0x1000},
	{Tick: 209, Kind: Switch, A: 5, B: 3, X: 2, CR3: 0x1000},
	{Tick: 209, Kind: Fault, A: 3, X: 2, V: 0x502001c0, CR3: 0x1000},
	{Tick: 209, Kind: Detect, A: 3},
}

// explain fills the ring with events (after some unrelated ones, to check
// that from is honoured) and returns what Explain prints.
func explain(t *testing.T, events []Entry, kind string) string {
	t.Helper()
	var out bytes.Buffer
	console.SetOutput(func(b []byte) { out.Write(b) })
	defer console.SetOutput(nil)
	NameOf = func(id int) string {
		if id == 2 || id == 3 {
			return "worker"
		}
		return "kflush"
	}
	OwnerOf = func(cr3 uintptr) int {
		switch cr3 {
		case 0x1000:
			return 1
		case 0x2000:
			return 2
		case 0x9000:
			return 0
		}
		return -2
	}
	defer func() { NameOf, OwnerOf = nil, nil }()
	next = 0
	for i := 0; i < 50; i++ { // a previous run's events: a stale write Explain must not see
		ring[next%MaxEntries] = Entry{Tick: 1, Kind: ResumeWindow, A: 6, X: 2, V: 0x1000}
		next++
	}
	from := Mark()
	for _, e := range events {
		ring[next%MaxEntries] = e
		next++
	}
	Explain(from, kind, 4)
	return out.String()
}

// mustTell fails t for every phrase the explanation got lacks; both are
// compared with their whitespace folded (the text is wrapped).
func mustTell(t *testing.T, got string, phrases ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(got), " ")
	for _, want := range phrases {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), " ")) {
			t.Errorf("the explanation lacks %q:\n%s", want, got)
		}
	}
}

func TestExplainTheReadmeRace(t *testing.T) {
	got := explain(t, readmeRace, "LOCKUP")
	mustTell(t, got,
		"WHAT HAPPENED (",
		"  1. tick 202: worker[2] -> kflush[4]. kflush[4] is a kernel thread",
		"borrows mm 1 (lazy TLB): no CR3 write",
		"  2. tick 203: kflush[4] flushes the TLB with no preemption guard: `mov %cr3,%reg` reads mm 1's",
		"the timer preempts it right there",
		"  3. tick 203: switch_mm loads CR3 = mm 2 for worker[3]",
		"stays right through 3 more switches (to tick 207)",
		"  4. tick 207: worker[3] -> kflush[4]: kflush[4] now borrows mm 2",
		"writes the value it read at tick 203: CR3 = mm 1 while its active_mm is mm 2",
		"  5. tick 209: kflush[5] -> worker[3] (kflush[5], another lazy kernel thread, borrowed mm 2 after the write and ran on the stale CR3 too)",
		"switch_mm(mm 2, mm 2) sees the same mm and skips the CR3 load",
		"worker[3] (mm 2) runs in ring 3 on mm 1's page tables.",
		"  6. tick 209: worker[3] faults at 0x502001c0: present in its own mm 2, but CR3 = mm 1.",
		"LOCKUP after 4 faults in a row.",
		"With flush=fixed step 2 cannot happen",
		"WHAT HAPPENED END",
	)
	if !strings.HasSuffix(got, "WHAT HAPPENED END\n") || !strings.HasPrefix(got, "WHAT HAPPENED (") {
		t.Errorf("the explanation is not framed by its header and end lines:\n%s", got)
	}
	for i, l := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
		if len(l) > width {
			t.Errorf("line %d is %d columns, more than %d: %q", i, len(l), width, l)
		}
		if strings.Contains(l, "~") {
			t.Errorf("line %d shows a non-breaking space marker: %q", i, l)
		}
	}
}

// Under breakpoint injection the preemption is the #DB's, and a detection
// by the debug check ends the story at the switch.
func TestExplainInjectionAndMismatch(t *testing.T) {
	ev := append([]Entry(nil), readmeRace[:17]...)
	ev[3].B = vecDebug
	ev = append(ev, Entry{Tick: 208, Kind: Detect, A: 5})
	got := explain(t, ev, "CR3-MISMATCH")
	mustTell(t, got,
		"a debug-register breakpoint on the CR3 write (inject=) preempts it",
		"tick 208: the debug check at the switch to kflush[5] (checkcr3=on)",
	)
	if strings.Contains(got, "skips the CR3") {
		t.Errorf("no user task ran on the stale CR3, yet the explanation says one did:\n%s", got)
	}
}

// A stale write that a later CR3 load healed before any user task ran on
// it is not the story: the one a user task ran on is.
func TestExplainPicksTheHarmfulEpisode(t *testing.T) {
	healed := []Entry{
		{Tick: 100, Kind: Switch, A: 2, B: 6, X: 1, CR3: 0x1000},
		{Tick: 100, Kind: ResumeWindow, A: 6, X: 1, V: 0x2000}, // stale, ...
		{Tick: 101, Kind: CR3Write, A: 3, X: 2, CR3: 0x2000},   // ... healed at once
		{Tick: 101, Kind: Switch, A: 6, B: 3, X: 2, CR3: 0x2000},
	}
	got := explain(t, append(healed, readmeRace...), "LOCKUP")
	if strings.Contains(got, "kflush[6]") || !strings.Contains(got, "kflush[4] now borrows mm 2") {
		t.Errorf("the explanation tells the wrong stale write:\n%s", got)
	}
}

func TestExplainWithoutTheRace(t *testing.T) {
	got := explain(t, []Entry{
		{Tick: 5, Kind: Switch, A: 2, B: 3, X: 2, CR3: 0x2000},
		{Tick: 6, Kind: Detect, A: 3},
	}, "HANG")
	if !strings.Contains(got, "holds no stale CR3 write") {
		t.Errorf("no race in the trace, yet:\n%s", got)
	}
}

// Under injection a task switched back into its window can be preempted
// there again before its write executes: the trace then shows a resume
// that seems to heal CR3 (kflush[4] writing mm 2, its own active_mm) and
// a switch that finds the stale value anyway. The story is the last
// resume that wrote the value CR3 holds (a make qemu run, amd64, that
// once explained nothing).
func TestExplainResumePreemptedAgain(t *testing.T) {
	events := []Entry{
		{Tick: 11, Kind: Borrow, A: 6, X: 1},
		{Tick: 11, Kind: Switch, A: 2, B: 6, X: 1, CR3: 0x1000},
		{Tick: 11, Kind: PreemptWindow, A: 6, B: 1, X: 1, V: 0x1000},
		{Tick: 11, Kind: CR3Write, A: 3, X: 2, CR3: 0x2000},
		{Tick: 11, Kind: Switch, A: 6, B: 3, X: 2, CR3: 0x2000},
		{Tick: 12, Kind: Borrow, A: 6, X: 2},
		{Tick: 12, Kind: Switch, A: 3, B: 6, X: 2, CR3: 0x2000},
		{Tick: 12, Kind: ResumeWindow, A: 6, X: 2, V: 0x1000},
		{Tick: 12, Kind: PreemptWindow, A: 6, B: 1, X: 2, V: 0x1000},
		{Tick: 12, Kind: Borrow, A: 4, X: 2},
		{Tick: 12, Kind: Switch, A: 6, B: 4, X: 2, CR3: 0x1000},
		{Tick: 12, Kind: ResumeWindow, A: 4, X: 2, V: 0x2000}, // preempted again before its write:
		{Tick: 13, Kind: PreemptWindow, A: 4, B: 1, X: 2, V: 0x2000},
		{Tick: 13, Kind: CR3Skip, A: 3, X: 2, CR3: 0x1000}, // CR3 still holds mm 1
		{Tick: 13, Kind: Switch, A: 4, B: 3, X: 2, CR3: 0x1000},
		{Tick: 13, Kind: Fault, A: 3, X: 2, V: 0x50200000, CR3: 0x1000},
		{Tick: 13, Kind: Detect, A: 3},
	}
	got := explain(t, events, "LOCKUP")
	mustTell(t, got,
		"1. tick 11: worker[2] -> kflush[6]",
		"writes the value it read at tick 11: CR3 = mm 1 while its active_mm is mm 2",
		"switch_mm(mm 2, mm 2) sees the same mm and skips the CR3 load",
	)
	if strings.Contains(got, "holds no stale CR3 write") {
		t.Errorf("no story told:\n%s", got)
	}
}

// TestExplainFreedResume: a task resumes in its window holding the page
// directory of an mm freed while it was away (kernel/sched/freedroot.go
// defuses the write): the story is the preemption, the free and the
// defused resume, not a stale write.
func TestExplainFreedResume(t *testing.T) {
	events := []Entry{
		{Tick: 30, Kind: Borrow, A: 4, X: 3},
		{Tick: 30, Kind: Switch, A: 5, B: 4, X: 3, CR3: 0x5000},
		{Tick: 30, Kind: PreemptWindow, A: 4, B: 32, X: 3, V: 0x5000, VOwner: 3},
		{Tick: 30, Kind: CR3Write, A: 2, X: 1, CR3: 0x1000},
		{Tick: 30, Kind: Switch, A: 4, B: 2, X: 1, CR3: 0x1000},
		{Tick: 31, Kind: FreePGD, X: 3, V: 0x5000},
		{Tick: 32, Kind: Borrow, A: 4, X: 1},
		{Tick: 32, Kind: Switch, A: 2, B: 4, X: 1, CR3: 0x1000},
		{Tick: 32, Kind: ResumeWindow, A: 4, X: 1, V: 0x5000, VOwner: freedTable},
		{Tick: 32, Kind: Detect, A: 4},
	}
	got := explain(t, events, "FREED-PGD")
	mustTell(t, got,
		"1. tick 30: kflush[4] flushes the TLB with no preemption guard: `mov %cr3,%reg` reads mm 3's page table",
		"2. tick 31: the last reference to mm 3 goes",
		"its page directory 0x5000 is freed",
		"3. tick 32: kflush[4] resumes at `mov %reg,%cr3` borrowing mm 1, about to write 0x5000",
		"reports FREED-PGD",
	)
	if strings.Contains(got, "holds no stale CR3 write") || strings.Contains(got, "Nothing notices") {
		t.Errorf("told as a stale write:\n%s", got)
	}
}

// TestExplainTwoCPUs: the two-CPU race of the README (a run of
// ./qemu.sh stress -a 386 --smp 2 -- flush=racy seed=11, abridged): each
// CPU has its own CR3, so the story is the detecting CPU's — the stale
// write on CPU 0 by a task preempted on CPU 1, and CPU 0's first
// switch_mm that trusted it, not CPU 1's events in between.
func TestExplainTwoCPUs(t *testing.T) {
	events := []Entry{
		{Tick: 9196, CPU: 0, Kind: PreemptWindow, A: 8, B: 32, X: 2, V: 0x2000},
		{Tick: 9196, CPU: 0, Kind: Switch, A: 8, B: 5, X: 2, CR3: 0x2000},
		{Tick: 9197, CPU: 0, Kind: CR3Write, A: 3, X: 1, CR3: 0x1000},
		{Tick: 9197, CPU: 0, Kind: Switch, A: 5, B: 3, X: 1, CR3: 0x1000},
		{Tick: 9197, CPU: 1, Kind: Borrow, A: 8, X: 1},
		{Tick: 9197, CPU: 1, Kind: Switch, A: 7, B: 8, X: 1, CR3: 0x1000},
		{Tick: 9198, CPU: 1, Kind: ResumeWindow, A: 8, B: 0, X: 1, V: 0x2000},
		{Tick: 9198, CPU: 1, Kind: PreemptWindow, A: 8, B: 32, X: 1, V: 0x2000},
		{Tick: 9198, CPU: 1, Kind: CR3Write, A: 4, X: 2, CR3: 0x2000},
		{Tick: 9198, CPU: 1, Kind: Switch, A: 8, B: 4, X: 2, CR3: 0x2000},
		{Tick: 9199, CPU: 0, Kind: Borrow, A: 8, X: 1},
		{Tick: 9199, CPU: 0, Kind: Switch, A: 6, B: 8, X: 1, CR3: 0x1000},
		{Tick: 9199, CPU: 0, Kind: ResumeWindow, A: 8, B: 1, X: 1, V: 0x2000},
		{Tick: 9200, CPU: 0, Kind: Borrow, A: 6, X: 1},
		{Tick: 9200, CPU: 0, Kind: Switch, A: 8, B: 6, X: 1, CR3: 0x2000},
		{Tick: 9201, CPU: 0, Kind: CR3Skip, A: 3, X: 1, CR3: 0x2000},
		{Tick: 9201, CPU: 0, Kind: Switch, A: 6, B: 3, X: 1, CR3: 0x2000},
		{Tick: 9201, CPU: 0, Kind: Fault, A: 3, X: 1, V: 0x5010b7c4, CR3: 0x2000},
		{Tick: 9202, CPU: 1, Kind: CR3Skip, A: 4, X: 2, CR3: 0x2000}, // CPU 1 is right: no episode there
		{Tick: 9202, CPU: 1, Kind: Switch, A: 7, B: 4, X: 2, CR3: 0x2000},
		{Tick: 9202, CPU: 0, Kind: Switch, A: 3, B: 5, X: 1, CR3: 0x2000},
		{Tick: 9205, CPU: 0, Kind: CR3Skip, A: 3, X: 1, CR3: 0x2000},
		{Tick: 9205, CPU: 0, Kind: Switch, A: 6, B: 3, X: 1, CR3: 0x2000},
		{Tick: 9205, CPU: 0, Kind: Detect, A: 3},
	}
	got := explain(t, events, "LOCKUP")
	mustTell(t, got,
		"kflush[8] on CPU 1 flushes the TLB with no preemption guard",
		"tick 9197: kflush[7] -> kflush[8] on CPU 1.",
		"tick 9197: on CPU 0, where kflush[8] will resume, switch_mm loads CR3 = mm 1 for worker[3]",
		"kflush[8] now borrows mm 1 on CPU 0 (it was preempted on CPU 1), resumes at `mov %reg,%cr3` and writes the value it read at tick 9198: CR3 = mm 2",
		"tick 9201: kflush[6] -> worker[3] (kflush[6], another lazy kernel thread, borrowed mm 1 after the write and ran on the stale CR3 too): switch_mm(mm 1, mm 1) sees the same mm and skips the CR3 load",
		"worker[3] faults at 0x5010b7c4",
	)
}
