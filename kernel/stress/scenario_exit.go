package stress

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user"
)

// scenario=exit: the 2016 recurrence (Linux commit 5cf0791da5c1).
//
// No kernel thread flushes. users= user tasks run a short-lived worker
// (user.ExitingWorker: a few rounds of writing and checking its signature,
// then exit(0)), and one more user task lives on (user.SteadyWorker: task
// B of the commit message, whose switch-in loads its CR3 while an exiting
// task is away, and whose page tables are trusted when it comes back).
// Every exit goes through do_exit on the task's own stack,
// preemptible (kernel/sched/exit.go): exit_mm sets its mm to nil, and from
// then on the task borrows its old mm like a lazy kernel thread; exit_mmap
// unmaps every VMA, frees the frames and page tables, and flushes the TLB
// through the selected variant's primitive (kernel/mm/teardown.go). A
// respawner kernel thread starts a fresh task in every slot that emptied.
//
// With flush=racy, an exiting task preempted between the flush's CR3 read
// and write comes back borrowing another task's mm and writes its dying
// page table into CR3. Two things can follow, both detected: its own last
// reference drops at the end of the teardown while CR3 still points at the
// page table being freed (FREED-PGD); or, switched away first, the owner
// of the mm it borrowed returns to user space on the dying tables, where
// its pages are not mapped, and faults forever (LOCKUP). With flush=fixed
// the primitive disables preemption itself (the 2016 fix); with
// flush=modern the exit path's flush_tlb_mm_range does (its get_cpu()).

var (
	exitSlots  [sched.MaxTasks]*sched.Task // the task in each users= slot
	exitSerial [sched.MaxTasks]uint64      // its Serial: a task slot is reused as soon as it is free
	respawner  *sched.Task
	steady     *sched.Task // task B
)

// exitSlotLive reports whether slot i's task is still the one started there.
func exitSlotLive(i int) bool {
	t := exitSlots[i]
	return t != nil && t.State != sched.Free && t.Serial == exitSerial[i]
}

// isExitTask reports whether t is this run's task B or one of its
// exiting tasks still in its slot: the tasks whose evidence counts.
func isExitTask(t *sched.Task) bool {
	if t == steady && t != nil {
		return true
	}
	for i := 0; i < cfg.Users; i++ {
		if exitSlots[i] == t && exitSlotLive(i) {
			return true
		}
	}
	return false
}

// exitCalls is the watchdog's progress measure under scenario=exit: the
// system calls of task B and of the live exiting tasks (any change is
// progress; an exit takes its task's count away, which is a change too).
func exitCalls() uint64 {
	var n uint64
	if steady != nil && steady.State != sched.Free {
		n += steady.Syscalls
	}
	for i := 0; i < cfg.Users; i++ {
		if exitSlotLive(i) {
			n += exitSlots[i].Syscalls
		}
	}
	return n
}

func startExit() {
	steady = nil
	if m := user.NewMM(); m != nil && user.LoadCode(m, mm.UserBase, user.SteadyWorker[:]) {
		steady = user.Start("worker", m, mm.UserBase)
	} else {
		console.Print("stress: cannot start the steady worker\n")
	}
	for i := 0; i < cfg.Users; i++ {
		spawnExiting(i)
	}
	respawner = sched.Spawn("kspawn", respawnLoop, 0)
}

// respawnLoop fills every slot whose task has died and been reaped, until
// the run stops. It is a kernel thread: it borrows whatever mm ran last,
// but it never flushes.
func respawnLoop(uintptr) {
	for !stopped {
		spawned := false
		for i := 0; i < cfg.Users && !stopped; i++ {
			if !exitSlotLive(i) {
				spawnExiting(i)
				spawned = true
			}
		}
		if spawned {
			sched.Yield() // let the new tasks run
		} else {
			sched.Sleep(1) // every slot busy: look again at the next tick
		}
	}
}

// spawnExiting starts a fresh exiting worker in slot i: a new address
// space with the standard layout and the tiny program at UserBase.
func spawnExiting(i int) {
	exitSlots[i] = nil
	m := user.NewMM()
	if m == nil {
		console.Print("stress: cannot create an address space for an exiting worker\n")
		return
	}
	if !user.LoadCode(m, mm.UserBase, user.ExitingWorker[:]) {
		console.Print("stress: cannot load the exiting worker\n")
		m.Put()
		return
	}
	if t := user.Start("exiter", m, mm.UserBase); t != nil {
		exitSlots[i], exitSerial[i] = t, t.Serial
	}
}

// stopExit stops the respawner and lets every slot's task go: those still
// running user code are killed, those already in do_exit finish it.
func stopExit() {
	ok := sched.WaitGone(sched.HZ, respawner) // it spawns no more once stopped is set
	if steady != nil && steady.State != sched.Free && steady.MM != nil {
		sched.Kill(steady)
	}
	for i := 0; i < cfg.Users; i++ {
		if !exitSlotLive(i) {
			exitSlots[i] = nil
		} else if t := exitSlots[i]; t.MM != nil {
			sched.Kill(t)
		}
	}
	if !ok || !sched.WaitGone(sched.HZ, exitSlots[:cfg.Users]...) {
		console.Print("stress: exiting workers still alive after a second\n")
	}
	respawner = nil
}
