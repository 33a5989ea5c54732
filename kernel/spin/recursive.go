package spin

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/rt"
)

// Recursive is a spinlock the holding CPU may take again: the console's.
// A fault report printed while this CPU is inside a Printf (a fault in the
// formatter, a bug check in a handler) must not deadlock on the lock its
// own interrupted Printf holds. It keeps interrupts off while held and
// does not touch preemption (a fault report can come from any context).
type Recursive struct {
	l     Lock
	depth atomic.Int32
}

// Enter takes the lock (or takes it again) and returns the interrupt state
// for Exit.
//
//go:nosplit
func (r *Recursive) Enter() uintptr {
	flags := asm.SaveFlagsCli()
	if r.l.owner.Load() == int32(rt.CPUIndex())+1 {
		r.depth.Add(1)
		return flags
	}
	r.l.Acquire()
	r.depth.Store(1)
	return flags
}

// Exit gives back one Enter.
//
//go:nosplit
func (r *Recursive) Exit(flags uintptr) {
	if r.depth.Add(-1) == 0 {
		r.l.Release()
	}
	asm.RestoreFlags(flags)
}
