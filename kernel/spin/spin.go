// Package spin is the kernel's spinlocks: Linux's spinlock_t, reduced to
// a test-and-set word with an owner for the debug checks.
//
// Three ways to hold one, as in Linux:
//
//	Lock / Unlock                   preemption off while held (spin_lock)
//	LockIRQSave / UnlockIRQRestore  interrupts and preemption off (spin_lock_irqsave)
//	Acquire / Release               the bare lock: the caller has
//	                                interrupts off and handles preemption
//	                                itself (the scheduler's run-queue lock,
//	                                held across a context switch)
//
// Holding a lock with preemption enabled would let the holder be switched
// out while another task on the same CPU spins on it forever; holding one
// an interrupt handler also takes without disabling interrupts deadlocks
// the CPU against itself. Misuse is a kernel bug and is reported through
// OnBug (the scheduler names the task): unlocking a lock nobody holds,
// unlocking another CPU's lock, taking a lock this CPU already holds (a
// certain deadlock), and — checked by the scheduler through preempt's
// count of held locks — sleeping with a spinlock held.
package spin

import (
	"sync/atomic"

	"tlbrace/asm"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
)

// Lock is a spinlock. The zero value is unlocked.
type Lock struct {
	held  atomic.Uint32
	owner atomic.Int32 // holding CPU + 1; 0 when free
	Name  string       // for the bug reports
	// Spins counts failed attempts to take it (contention), for stat.
	Spins atomic.Uint64
}

// WhileSpinning, when set, runs on every round of a wait for a lock held
// elsewhere: kernel/mm services a TLB shootdown addressed to this CPU
// there, since a CPU spinning with interrupts off cannot take the IPI the
// lock's holder may be waiting for.
var WhileSpinning func()

// OnBug reports a misuse of l; the scheduler installs it (spin cannot
// import the scheduler). Without it misuse is counted only.
var OnBug func(what string, l *Lock)

// Bugs counts misuses found.
var Bugs atomic.Uint64

func bug(what string, l *Lock) {
	Bugs.Add(1)
	if OnBug != nil {
		OnBug(what, l)
	}
}

// Acquire takes the bare lock, spinning until it is free. The caller keeps
// interrupts off (or knows no interrupt handler and no other task on this
// CPU takes it).
//
//go:nosplit
func (l *Lock) Acquire() {
	me := int32(rt.CPUIndex()) + 1
	if l.owner.Load() == me {
		bug("spinlock taken twice by the same CPU: a deadlock", l)
		rt.Halt()
	}
	for !l.held.CompareAndSwap(0, 1) {
		l.Spins.Add(1)
		for l.held.Load() != 0 {
			if WhileSpinning != nil {
				WhileSpinning()
			}
			asm.Pause()
		}
	}
	l.owner.Store(me)
}

// TryAcquire takes the bare lock if it is free and reports whether it did.
//
//go:nosplit
func (l *Lock) TryAcquire() bool {
	if !l.held.CompareAndSwap(0, 1) {
		return false
	}
	l.owner.Store(int32(rt.CPUIndex()) + 1)
	return true
}

// Release gives the bare lock back.
//
//go:nosplit
func (l *Lock) Release() {
	switch o := l.owner.Load(); {
	case l.held.Load() == 0:
		bug("unlock of an unlocked spinlock", l)
		return
	case o != int32(rt.CPUIndex())+1:
		bug("unlock of a spinlock another CPU holds", l)
	}
	l.owner.Store(0)
	l.held.Store(0)
}

// Held reports whether some CPU holds the lock.
func (l *Lock) Held() bool { return l.held.Load() != 0 }

// HeldHere reports whether this CPU holds the lock (interrupts or
// preemption off).
func (l *Lock) HeldHere() bool { return l.owner.Load() == int32(rt.CPUIndex())+1 }

// Lock takes the lock with preemption disabled (spin_lock).
func (l *Lock) Lock() {
	preempt.Disable()
	preempt.LockTaken()
	l.Acquire()
}

// Unlock releases it and enables preemption again, which may reschedule.
func (l *Lock) Unlock() {
	l.Release()
	preempt.LockReleased()
	preempt.Enable()
}

// LockIRQSave takes the lock with interrupts and preemption off and
// returns the interrupt state to restore (spin_lock_irqsave).
func (l *Lock) LockIRQSave() uintptr {
	flags := asm.SaveFlagsCli()
	preempt.Disable()
	preempt.LockTaken()
	l.Acquire()
	return flags
}

// UnlockIRQRestore releases the lock and restores the interrupt state
// LockIRQSave returned, then enables preemption (spin_unlock_irqrestore).
func (l *Lock) UnlockIRQRestore(flags uintptr) {
	l.Release()
	asm.RestoreFlags(flags)
	preempt.LockReleased()
	preempt.Enable()
}
