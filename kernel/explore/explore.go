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

const (
	maxDepth = 12
	// tail is how many decisions a run makes after the enumerated ones
	// (round-robin), long enough for a stale CR3 to reach a user task.
	tail = 24
)

var (
	depth    int
	choices  [maxDepth + tail]int // the decision string of this run
	fixedLen int                  // choices[:fixedLen] come from the string
	counts   [maxDepth]int        // how many candidates each decision had
	step     int                  // decisions made in this run
	running  bool
	failed   bool
	// dumpFailure: print the trace of the next failing run.
	dumpFailure = true
	members     [8]*sched.Task // the constellation
	nmembers    int

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
	depth = d
	replaced = hooks.Install(&control)
	failures := run(replay, kthreads)
	hooks.Restore(&replaced)
	return failures
}

func run(replay string, kthreads int) uint64 {
	if replay != "" {
		if !parse(replay) {
			console.Printf("explore: bad schedule %q: want comma-separated choices like 0,2,1 (at most %d)\n", replay, maxDepth)
			return 1
		}
		console.Printf("explore: replaying schedule %s\n", replay)
		runOne(kthreads)
		report(replay)
		return Failures
	}
	console.Printf("explore: every schedule of %d decisions, 2 user tasks, %d lazy kernel threads, flush=%s\n",
		depth, kthreads, variant())
	var first [maxDepth]int
	firstLen := -1
	for {
		runOne(kthreads)
		if failed && firstLen < 0 {
			firstLen = copy(first[:], choices[:depth])
			console.Print("explore: first failing schedule: schedule=")
			printChoices(first[:firstLen])
			console.Print(" (its trace is above)\n")
		}
		if !next() {
			break
		}
	}
	console.Printf("explore: %d schedules explored, %d failed (flush=%s, depth %d)\n", Explored, Failures, variant(), depth)
	if firstLen >= 0 {
		console.Printf("explore: replay the first failure with: workload=explore flush=%s schedule=", variant())
		printChoices(first[:firstLen])
		console.Print("\n")
	}
	return Failures
}

// variant names the active flush variant, for the reports.
func variant() string { return mm.Selected.String() }

// next advances choices[:depth] to the next schedule, depth first.
func next() bool {
	for i := depth - 1; i >= 0; i-- {
		if choices[i]+1 < counts[i] {
			choices[i]++
			fixedLen = i + 1
			return true
		}
	}
	return false
}

// runOne sets up a fresh constellation, lets it run through its
// decisions, and tears it down.
func runOne(kthreads int) {
	sched.LeaveMM() // every run starts from init_mm
	failed, step, nmembers = false, 0, 0
	for i := fixedLen; i < len(choices); i++ {
		choices[i] = 0
	}
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
	var cand [8]int // run-queue indexes of constellation members, by task id
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
	if step >= len(choices) || failed {
		running = false // budget spent: let the driver (main) run
		return -1
	}
	c := choices[step]
	if step >= depth {
		c = step // the tail: round robin
	}
	if step < depth {
		counts[step] = n
		if c >= n {
			c = n - 1
			choices[step] = c
		}
	}
	step++
	return cand[c%n]
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

func parse(s string) bool {
	n := 0
	for i := 0; i < len(s); {
		if n == maxDepth {
			return false
		}
		v, j := 0, i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			v = v*10 + int(s[j]-'0')
			j++
		}
		if j == i || v > 7 {
			return false
		}
		choices[n] = v
		n++
		if j < len(s) && s[j] != ',' {
			return false
		}
		i = j + 1
	}
	depth, fixedLen = n, n
	return n > 0
}

func printChoices(c []int) {
	for i, v := range c {
		if i > 0 {
			console.Print(",")
		}
		console.Printf("%d", v)
	}
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
