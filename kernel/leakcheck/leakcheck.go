// Package leakcheck is the oracle of "nothing leaked": the free frame
// count and the live address spaces, the BUG count and the frame
// allocator's double and bad frees, taken before a workload and compared
// after it, once its tasks are gone.
package leakcheck

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// Baseline is what must be back once a workload's tasks are gone.
type Baseline struct {
	Free, MMs            int
	bugs, badFrees       uint64
	faultKills, injected uint64
}

// Take settles (see settle) and records the baseline.
func Take() Baseline {
	settle()
	return Baseline{Free: mm.Phys.Free, MMs: liveMMs(), bugs: sched.Bugs,
		badFrees: mm.Phys.DoubleFrees + mm.Phys.BadFrees}
}

// Check settles, compares with b and prints, prefixed with who:
//
//	who: frames free after: N (before: N)
//	who: address spaces alive after: N (before: N)
//
// and a "who: FAIL: ..." line for each difference (with the live address
// spaces and tasks when one leaked). It reports whether all is back.
func Check(b Baseline, who string) bool {
	settle()
	free, mms := mm.Phys.Free, liveMMs()
	console.Printf("%s: frames free after: %d (before: %d)\n", who, free, b.Free)
	console.Printf("%s: address spaces alive after: %d (before: %d)\n", who, mms, b.MMs)
	ok := true
	if free != b.Free {
		console.Printf("%s: FAIL: %d frames leaked\n", who, b.Free-free)
		ok = false
	}
	if mms != b.MMs {
		console.Printf("%s: FAIL: %d address spaces leaked; alive now:\n", who, mms-b.MMs)
		mm.Each(printMM)
		sched.Tasks(printTask)
		ok = false
	}
	if sched.Bugs != b.bugs {
		console.Printf("%s: FAIL: %d BUG reports\n", who, sched.Bugs-b.bugs)
		ok = false
	}
	if bad := mm.Phys.DoubleFrees + mm.Phys.BadFrees; bad != b.badFrees {
		console.Printf("%s: FAIL: %d double or bad frees\n", who, bad-b.badFrees)
		ok = false
	}
	return ok
}

// settle waits until no task is left dead but unreaped, then makes every
// CPU let go of the address space its lazy-TLB task borrows: this kernel
// thread, and on the other CPUs their idle tasks (sched.LeaveLazyMMs). A
// borrower keeps an exited task's page table alive until it lets go, which
// is no leak; once all have, an address space still alive is one.
func settle() {
	for i := 0; i < 1000 && anyDead(); i++ {
		sched.Sleep(1)
	}
	if !sched.LeaveLazyMMs(sched.HZ) {
		console.Print("leakcheck: a CPU did not let go of its borrowed address space within a second (it still runs a task)\n")
	}
}

func anyDead() bool {
	dead := false
	sched.Tasks(func(t *sched.Task) {
		if t.State == sched.Dead {
			dead = true
		}
	})
	return dead
}

func liveMMs() int {
	n := 0
	mm.Each(func(*mm.MM) { n++ })
	return n
}

func printMM(m *mm.MM) {
	console.Printf("  mm %d: users %d, count %d, %d pages, page table %#x\n", m.ID, m.Users, m.Count, m.Pages, m.Root)
}

func printTask(t *sched.Task) {
	console.Printf("  task %d (%s) %s, mm %d, active_mm %d\n", t.ID, t.Name(), t.State.String(), id(t.MM), id(t.ActiveMM))
}

func id(m *mm.MM) int {
	if m == nil {
		return -1
	}
	return m.ID
}
