package sched

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/spin"
	"tlbrace/kernel/trace"
	"tlbrace/kernel/trap"
)

// How the scheduler plugs into the packages below it, which cannot import
// it: each of them exposes a function variable, and Init fills them all
// in here, once, for good. (What a workload installs for its own run —
// detectors, scheduling control, tracing — is kernel/hooks.)

func wire() {
	preempt.Resched = preemptSchedule // preempt_enable's deferred reschedule
	preempt.OnUnbalanced = unbalanced
	spin.OnBug = badLock
	spin.WhileSpinning = mm.Poll // a CPU spinning with interrupts off still takes its shootdowns
	mm.OnBug = Bug
	mm.OnLeave = traceLeave
	mm.OnStuck = stuckShootdown
	mm.OnShootdown = traceShootdown
	mm.OnRemoteFlush = traceRemoteFlush
	trap.Register(trap.VecInvalidate, mm.InvalidateIPI)
	trap.ReturnHook = preemptIRQ // preemption on the way out of every trap
	trap.Describe = describeG
	mm.Current = faultTask // the fault handler judges by the current task's mm
	mm.Kill = killCurrent
	mm.OnBadFree = badFree
	trace.Clock = TickCount
	trace.NameOf = taskName
	trace.OwnerOf = mm.OwnerID
	trace.CPUs = CPUs
}

// faultTask describes the current task to the page-fault handler (which
// runs with interrupts off).
func faultTask() mm.Task {
	c := this()
	t := c.curr
	return mm.Task{ID: t.ID, Name: t.Name(), MM: t.MM, ActiveMM: t.ActiveMM, CPU: c.id}
}

// traceLeave records a lazy CPU leaving its borrowed mm (mm.LeaveMM).
func traceLeave(cpu int, m *mm.MM) {
	if trace.Enabled {
		trace.Add(trace.Leave, cpus[cpu].curr.ID, 0, m.ID, 0, mm.KernelRoot)
	}
}

// traceShootdown records a shootdown about to be sent from this CPU.
func traceShootdown(m *mm.MM, va uintptr, mask, skipped uint32) {
	if trace.Enabled {
		trace.Add(trace.Shootdown, this().curr.ID, int(skipped), m.ID, va, uintptr(mask))
	}
}

// traceRemoteFlush records a flush a shootdown made on this CPU.
func traceRemoteFlush(cpu int, m *mm.MM, va uintptr) {
	if trace.Enabled {
		trace.Add(trace.RemoteFlush, cpus[cpu].curr.ID, 0, m.ID, va, 0)
	}
}

// stuckShootdown reports CPUs that did not acknowledge a shootdown.
func stuckShootdown(mask uint32, m *mm.MM) {
	Bugf("TLB shootdown for mm %d: CPUs %#x did not acknowledge the invalidate IPI in time", m.IDOrNone(), mask)
}

// attach ties t's preempt state to its g (kernel/preempt finds it there).
func attach(t *Task) { preempt.Attach(&t.G, &t.Preempt) }

// describeG tells a fault report which task a g belongs to.
func describeG(g *rt.G) {
	for i := range tasks {
		t := &tasks[i]
		if t.State != Free && &t.G == g {
			console.Printf("  task %d (%s) %s on CPU %d, preempt_count %d, mm %d, active_mm %d\n", t.ID, t.Name(), t.State.String(),
				t.CPU, t.Preempt.Count, t.MM.IDOrNone(), t.ActiveMM.IDOrNone())
			return
		}
	}
	if trap.IsInterruptG(g) {
		console.Print("  on the interrupt stack\n")
	}
}

// taskName names a task id for the trace.
func taskName(id int) string {
	if id < 0 || id >= MaxTasks {
		return "?"
	}
	return tasks[id].Name()
}
