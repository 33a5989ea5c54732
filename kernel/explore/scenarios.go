package explore

import (
	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// The constellations of the three scenarios. Every one has the two user
// tasks of explore.go (touch a private page, yield, forever); then
//
//	kthread  kthreads= lazy kernel threads calling the flush API in a loop
//	exit     one more user task that touches a page, yields once and exits:
//	         its do_exit flushes twice while it borrows (text, private page)
//	caller   kthreads= kernel threads allocating and freeing pages through
//	         the DEBUG_PAGEALLOC pool, its caller as caller= says
//
// Every flush passes the injector's breakpoint at its CR3 write: a
// decision point (refused, and so none, where preemption is disabled).

var scenarioNames = [...]string{cmdline.ScenarioKthread: "kthread", cmdline.ScenarioExit: "exit", cmdline.ScenarioCaller: "caller"}

func scenarioName() string { return scenarioNames[cfg.Scenario] }

// constellation describes the members besides the two user tasks.
func constellation(kthreads int) string {
	switch cfg.Scenario {
	case cmdline.ScenarioExit:
		return "2 user tasks and 1 that exits"
	case cmdline.ScenarioCaller:
		if cfg.Caller == cmdline.CallerRacy {
			return "2 user tasks, kernel threads allocating pages (caller=racy)"
		}
		return "2 user tasks, kernel threads allocating pages (caller=fixed)"
	}
	if kthreads == 1 {
		return "2 user tasks, 1 lazy kernel thread"
	}
	return "2 user tasks, lazy kernel threads"
}

// replayWords are the words besides flush= and schedule= that a replay
// needs.
func replayWords() string {
	switch cfg.Scenario {
	case cmdline.ScenarioExit:
		return " scenario=exit"
	case cmdline.ScenarioCaller:
		if cfg.Caller == cmdline.CallerRacy {
			return " scenario=caller caller=racy"
		}
		return " scenario=caller"
	}
	return ""
}

// setUp and tearDown bracket a whole exploration.
func setUp() {
	if cfg.Scenario == cmdline.ScenarioCaller {
		mm.BuggyCaller = cfg.Caller == cmdline.CallerRacy
		if !mm.StartPagePool(2 * cfg.KThreads) {
			console.Print("explore: the page pool is short of frames\n")
		}
	}
}

func tearDown() {
	if cfg.Scenario == cmdline.ScenarioCaller {
		mm.StopPagePool()
		mm.BuggyCaller = false
	}
}

// reclaim takes back what the killed members held: the pool pages of
// scenario=caller's threads.
func reclaim() {
	if cfg.Scenario == cmdline.ScenarioCaller {
		mm.ReclaimPages()
	}
}

// addScenario adds the scenario's own members to a fresh constellation.
func addScenario(kthreads int) {
	switch cfg.Scenario {
	case cmdline.ScenarioExit:
		addUser("exiter", touchYieldExit[:])
	case cmdline.ScenarioCaller:
		for i := 0; i < kthreads; i++ {
			add(sched.Spawn("kpagealloc", pageUser, 0))
		}
	default:
		for i := 0; i < kthreads; i++ {
			add(sched.Spawn("kflush", flusher, 0))
		}
	}
}

// pageUser allocates a page and frees it, in a loop: each direct-map
// change flushes through the caller under study.
func pageUser(uintptr) {
	for {
		if pa, ok := mm.AllocPage(); ok {
			mm.FreePage(pa)
		} else {
			sched.Yield()
		}
	}
}

// touchYieldExit is the exiting member's program (the same bytes in 32-
// and 64-bit mode): write to its private page, yield, exit(0). Its exit
// unmaps two pages (its text and that private page), each its own flush.
var touchYieldExit = [...]byte{
	0x89, 0x03, //                   mov %eax, (%ebx)
	0xb8, 0x04, 0x00, 0x00, 0x00, // mov $4, %eax   (yield)
	0xcd, 0x80, //                   int $0x80
	0x31, 0xdb, //                   xor %ebx, %ebx
	0xb8, 0x01, 0x00, 0x00, 0x00, // mov $1, %eax   (exit)
	0xcd, 0x80, //                   int $0x80
	0xeb, 0xfe, //                   jmp .
}
