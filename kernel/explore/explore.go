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
// task's page table (the scheduler's checkcr3 hook; with flush=modern its
// CONFIG_DEBUG_VM check against loaded_mm), and no page table may be freed
// while CR3 points at it (mm's FREED-PGD check). With flush=racy some
// schedules end with the wrong CR3 under a user task; the first one is
// printed as a decision string that, passed back as schedule=..., replays
// the same failure. With flush=fixed every schedule passes.
//
// The constellation follows scenario= (scenarios.go): the lazy kernel
// threads of 2004, a user task that exits (2016), or kernel threads
// allocating pages through the DEBUG_PAGEALLOC pool (2018).
package explore

import (
	"tlbrace/kernel/cmdline"
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
	OnStaleRoot:   staleRoot,
	Chooser:       choose,
	Inject:        100,
	Trace:         true,
}

// replaced is what Run's Install replaced.
var replaced hooks.Set

// Config is what to explore (validated by kernel/cmdline).
type Config struct {
	Depth    int              // decisions enumerated (explore=)
	Replay   string           // one decision string to replay instead (schedule=)
	KThreads int              // kernel threads of the constellation (kthreads=)
	Scenario cmdline.Scenario // who borrows and flushes (scenarios.go)
	Caller   cmdline.Caller   // scenario=caller: its flush guarded or not
}

var cfg Config

// Run enumerates every schedule of depth c.Depth (or replays one decision
// string if c.Replay is not empty) and reports; it returns the failures.
func Run(c Config) uint64 {
	cfg = c
	plan.depth = c.Depth
	tasks0, mms0 := sched.LiveTasks(), mm.Live()
	replaced = hooks.Install(&control)
	setUp()
	failures := run(c.Replay, c.KThreads)
	sched.LeaveMM() // let go of the last run's address space, borrowed lazily
	tearDown()
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
	console.Printf("explore: every schedule of %d decisions, scenario=%s: %s, flush=%s\n",
		plan.depth, scenarioName(), constellation(kthreads), variant())
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
		// Every word the replay depends on: the scenario, the
		// constellation (kthreads) and the timer's rate as well as the
		// decisions.
		console.Printf("explore: replay the first failure with: workload=explore flush=%s%s kthreads=%d hz=%d schedule=",
			variant(), replayWords(), kthreads, sched.HZ)
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
	sched.LeaveMM()   // every run starts from init_mm ...
	sched.ReloadCR3() // ... with CR3 holding it, whatever the last run's flusher left there
	mark := trace.Mark()
	failed, nmembers = false, 0
	plan.start()
	sched.NoTickPreempt = true
	running = true
	for i := 0; i < 2; i++ {
		addUser("user", touchAndYield[:])
	}
	addScenario(kthreads) // scenarios.go
	for running {
		sched.Sleep(1) // the constellation runs; we come back when it is done
	}
	sched.NoTickPreempt = false
	if failed && dumpFailure {
		trace.Dump(24) // before teardown, while the mms it names exist
		trace.Explain(mark, "CR3-MISMATCH", 0)
		dumpFailure = false
	}
	for i := 0; i < nmembers; i++ {
		if t := members[i]; t.Name() == "exiter" && t.MM == nil && t.State != sched.Free {
			// In do_exit: killing it there would leave its teardown half
			// done and its address space alive. Let it finish.
			sched.WaitGone(sched.HZ, t)
		}
		sched.Kill(members[i])
	}
	reclaim() // scenarios.go
	Explored++
	if failed {
		Failures++
	}
}

// addUser adds a user task running code in a fresh address space.
func addUser(name string, code []byte) {
	m := user.NewMM()
	if m == nil || !user.LoadCode(m, mm.UserBase, code) {
		console.Print("explore: cannot build an address space\n")
		if m != nil {
			m.Put()
		}
		return
	}
	add(user.Start(name, m, mm.UserBase))
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

// mismatch is the oracle: a switch found CR3 differing from active_mm
// (with flush=modern: from loaded_mm).
func mismatch(prev, next *sched.Task, cr3 uintptr) {
	if !running || next.MM == nil {
		return // a kernel thread on a stale CR3 is not wrong yet
	}
	fail(next.ID, "a user task was switched to with CR3 not holding its page table")
}

// staleRoot is the other half of the oracle: a page table was freed while
// CR3 still pointed at it (an exiting task's stale write, mm.Drop), which
// mm repairs at once, so no switch would see it.
func staleRoot(m *mm.MM) {
	if running {
		fail(sched.Current().ID, "a page table was freed while CR3 still pointed at it")
	}
}

// why says how the last failing run failed.
var why = ""

func fail(task int, what string) {
	if !failed {
		why = what
	}
	failed = true
	trace.Add(trace.Detect, task, 0, 0, 0, 0)
	// The user task now faults forever without a scheduling point of
	// ours: let the timer preempt again so the driver can end the run.
	sched.NoTickPreempt = false
}

func report(s string) {
	if Failures > 0 {
		console.Printf("explore: schedule %s FAILS: %s\n", s, why)
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
