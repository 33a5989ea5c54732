// Package explore turns "the fix survived 30 seconds" into "the fix
// survived every schedule we could construct" (in the spirit of CHESS,
// Musuvathi et al., OSDI 2008).
//
// A small constellation — two user tasks on two address spaces and
// lazy-TLB kernel threads flushing the TLB — runs with the timer's
// preemption turned off. The only scheduling points are the ones we make:
// the breakpoint injector (kernel/inject) at every flush's CR3 write, and
// the user tasks' yields. At each point the next task is not picked by
// the policy but by a decision string: choice i picks the i-th runnable
// task of the constellation (by id). Every decision string up to a depth
// is tried, each from a fresh, identical start, depth-first: after a run,
// the deepest decision with an untried alternative is advanced.
//
// The oracle is exact: at every switch to a user task, CR3 must hold that
// task's page table (the scheduler's checkcr3 hook). With flush=racy some
// schedules end with the wrong CR3 under a user task; the first one is
// printed as a decision string that, passed back as schedule=..., replays
// the same failure. With flush=fixed every schedule passes.
package explore

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/hooks"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/user"
)

var (
	plan    decisions // the decision string of this run (decisions.go)
	running bool
	failed  bool
	// dumpFailure: print the trace of the next failing run.
	dumpFailure = true
	// members is the constellation: 2 user tasks and up to kthreads=16
	// flushers, every one of them killed after each run.
	members  [sched.MaxTasks]*sched.Task
	nmembers int

	// Explored and Failures count schedules.
	Explored, Failures uint64
)

// control is everything exploration plugs into the kernel: the oracle
// (checkcr3 and mismatch), the decisions (choose), a preemption point at
// every flush window's CR3 write (injection at 100%), and the trace.
// Run installs it and restores what it replaced when it is done.
var control = hooks.Set{
	CheckCR3:      true,
	OnCR3Mismatch: mismatch,
	Chooser:       choose,
	Inject:        100,
	Trace:         true,
}

// replaced is what Run's Install replaced.
var replaced hooks.Set

// Run enumerates every schedule of depth d (or replays one decision
// string if replay is not empty) and reports; it returns the failures.
func Run(d int, replay string, kthreads int) uint64 {
	plan.depth = d
	tasks0, mms0 := sched.LiveTasks(), mm.Live()
	replaced = hooks.Install(&control)
	failures := run(replay, kthreads)
	sched.LeaveMM() // let go of the last run's address space, borrowed lazily
	hooks.Restore(&replaced)
	// Every run starts from the same state: nothing of a run may outlive it.
	console.Printf("explore: %d live tasks and %d address spaces before, %d and %d after\n",
		tasks0, mms0, sched.LiveTasks(), mm.Live())
	return failures
}

func run(replay string, kthreads int) uint64 {
	if replay != "" {
		if !plan.parse(replay, sched.MaxTasks-1) {
			console.Printf("explore: bad schedule %q: want comma-separated choices like 0,2,1 (at most %d, each below %d)\n",
				replay, maxDepth, sched.MaxTasks)
			return 1
		}
		console.Printf("explore: replaying schedule %s\n", replay)
		runOne(kthreads)
		report(replay)
		return Failures
	}
	console.Printf("explore: every schedule of %d decisions, 2 user tasks, %d lazy kernel threads, flush=%s\n",
		plan.depth, kthreads, variant())
	var first [maxDepth]int
	firstLen := -1
	for {
		runOne(kthreads)
		if failed && firstLen < 0 {
			firstLen = copy(first[:], plan.choices[:plan.depth])
			console.Print("explore: first failing schedule: schedule=")
			printChoices(first[:firstLen])
			console.Print(" (its trace is above)\n")
		}
		if !plan.next() {
			break
		}
	}
	console.Printf("explore: %d schedules explored, %d failed (flush=%s, depth %d)\n", Explored, Failures, variant(), plan.depth)
	if firstLen >= 0 {
		console.Printf("explore: replay the first failure with: workload=explore flush=%s schedule=", variant())
		printChoices(first[:firstLen])
		console.Print("\n")
	}
	return Failures
}

// variant names the active flush variant, for the reports.
func variant() string { return mm.Selected.String() }

// runOne sets up a fresh constellation, lets it run through its
// decisions, and tears it down.
func runOne(kthreads int) {
	sched.LeaveMM() // every run starts from init_mm
	failed, nmembers = false, 0
	plan.start()
	sched.NoTickPreempt = true
	running = true
	for i := 0; i < 2; i++ {
		m := user.NewMM()
		if m == nil || !user.LoadCode(m, mm.UserBase, touchAndYield[:]) {
			console.Print("explore: cannot build an address space\n")
			break
		}
		add(user.Start("user", m, mm.UserBase))
	}
	for i := 0; i < kthreads; i++ {
		add(sched.Spawn("kflush", flusher, 0))
	}
	for running {
		sched.Sleep(1) // the constellation runs; we come back when it is done
	}
	sched.NoTickPreempt = false
	if failed && dumpFailure {
		trace.Dump(24) // before teardown, while the mms it names exist
		dumpFailure = false
	}
	for i := 0; i < nmembers; i++ {
		sched.Kill(members[i])
	}
	Explored++
	if failed {
		Failures++
	}
}

func add(t *sched.Task) {
	if t != nil && nmembers < len(members) {
		members[nmembers] = t
		nmembers++
	}
}

// flusher is a lazy-TLB kernel thread flushing in a loop; every flush
// passes the breakpoint at its CR3 write, a decision point.
func flusher(uintptr) {
	for {
		mm.Flush()
	}
}

// choose is the scheduler's Chooser while exploring.
func choose(rq *sched.RunQueue) int {
	if !running {
		return -1
	}
	var cand [sched.MaxTasks]int // run-queue indexes of constellation members, by task id
	n := 0
	for id := 0; id < sched.MaxTasks; id++ {
		for i := 0; i < rq.Len(); i++ {
			if rq.At(i) == id && member(id) && n < len(cand) {
				cand[n] = i
				n++
			}
		}
	}
	if n == 0 {
		return -1
	}
	if failed {
		running = false // let the driver (main) run and end the run
		return -1
	}
	c, ok := plan.choose(n)
	if !ok {
		running = false // budget spent: let the driver run
		return -1
	}
	return cand[c]
}

func member(id int) bool {
	for i := 0; i < nmembers; i++ {
		if members[i].ID == id {
			return true
		}
	}
	return false
}

// mismatch is the oracle: a switch found CR3 differing from active_mm.
func mismatch(prev, next *sched.Task, cr3 uintptr) {
	if !running || next.MM == nil {
		return // a kernel thread on a stale CR3 is not wrong yet
	}
	failed = true
	trace.Add(trace.Detect, next.ID, 0, 0, 0, 0)
	// The user task now faults forever without a scheduling point of
	// ours: let the timer preempt again so the driver can end the run.
	sched.NoTickPreempt = false
}

func report(s string) {
	if Failures > 0 {
		console.Printf("explore: schedule %s FAILS: a user task was switched to with CR3 not holding its page table\n", s)
	} else {
		console.Printf("explore: schedule %s passes\n", s)
	}
	console.Printf("explore: %d schedules explored, %d failed (flush=%s, replay)\n", Explored, Failures, variant())
}

func printChoices(c []int) {
	var buf [4 * maxDepth]byte
	n := format(buf[:], c)
	console.Printf("%s", buf[:n])
}

// touchAndYield is the user tasks' program (the same bytes in 32- and
// 64-bit mode): write to the private page BX points at, yield, repeat.
// On another task's page tables the write faults: that page is not
// mapped there.
var touchAndYield = [...]byte{
	0x89, 0x03, //                   mov %eax, (%ebx)
	0xb8, 0x04, 0x00, 0x00, 0x00, // mov $4, %eax   (yield)
	0xcd, 0x80, //                   int $0x80
	0xeb, 0xf5, //                   jmp -11
}
