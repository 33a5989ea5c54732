package sched

import (
	"sync/atomic"

	"tlbrace/kernel/mm"
)

// A task preempted in a racy flush window holds the CR3 value it read in
// a saved register (AX: asm/tlb_*.s) and no reference on the mm that
// value belongs to: a lazy thread gives up what it borrowed when it is
// switched out (contextSwitch (c)), as in Linux 2.6.10. If that mm dies
// while the task is away — its last user exits — the IRET that resumes
// the task writes a freed page directory into CR3. The frame may already
// be a page table or a user page again; the CPU then walks garbage, the
// kernel's own text unmapped, and the next instruction fetch ends in a
// triple fault (a racy stress run that went on after its detections did:
// 386, seed 19, shift 9, keepgoing, a worker that exited after its
// CROSS-MM report).
//
// guardFreedRoot turns that into a detection. Before t resumes in its
// window, if the value it holds names no live page directory, OnFreedRoot
// is told, and the saved register is given the CR3 this CPU holds now:
// the write the IRET executes then reloads CR3 unchanged, as the fixed
// flush's would. Everywhere else the race is left as it is: a value that
// names a live mm — the one it came from, or a new one built on the same
// frame — is written as read. (On several CPUs another CPU could free the
// mm between this check and the write, a few hundred instructions later:
// not closed.)

var (
	// OnFreedRoot is told that t was about to write root, a freed page
	// directory, into CR3 (the stress workload's FREED-PGD detector).
	OnFreedRoot func(t *Task, root uintptr)
	// FreedRootResumes counts the writes guardFreedRoot defused.
	FreedRootResumes uint64
)

// guardFreedRoot checks t, preempted in a flush window, as it resumes on
// a CPU whose CR3 holds cr3 (interrupts off, rqLock held).
func guardFreedRoot(t *Task, cr3 uintptr) {
	v := t.windowValue
	if v == mm.KernelRoot || mm.OwnerOf(v) != nil || t.windowFrame == nil {
		return
	}
	atomic.AddUint64(&FreedRootResumes, 1)
	t.windowFrame.AX = cr3
	if OnFreedRoot != nil {
		OnFreedRoot(t, v)
	}
}
