package asm

// The two TLB-flush primitives of the seed patch, as the same two
// instructions Linux 2.6.10 used. They are deliberately *not* guarded
// here: kernel/mm wraps them with preemption disabled (the fix) or calls
// them bare (the racy original). The window is the instant between the
// CR3 read and the CR3 write: an interrupt whose saved instruction pointer
// equals the write's address has the old CR3 value in a saved register.

// FlushTLBRaw reloads CR3 with itself (MOV from CR3; MOV to CR3): __flush_tlb().
func FlushTLBRaw()

// FlushTLBGlobalRaw clears CR4.PGE, round-trips CR3, restores cr4: __flush_tlb_global().
func FlushTLBGlobalRaw(cr4 uintptr)

// flushWindowAddrs returns the addresses of the window instructions.
func flushWindowAddrs() (readLocal, writeLocal, readGlobal, writeGlobal uintptr)

// FlushWindows is the single source of truth for where the race windows
// are: the addresses of the CR3 read and of the CR3 write in each
// primitive. The window-hit counters, the breakpoint injector and the
// machine-code audit all use it; a kernel test decodes the bytes there.
type FlushWindows struct {
	ReadLocal, WriteLocal   uintptr // in FlushTLBRaw
	ReadGlobal, WriteGlobal uintptr // in FlushTLBGlobalRaw
}

// Windows returns the flush windows.
func Windows() FlushWindows {
	var w FlushWindows
	w.ReadLocal, w.WriteLocal, w.ReadGlobal, w.WriteGlobal = flushWindowAddrs()
	return w
}

// InWindow reports whether an interrupted instruction pointer lies inside
// a flush window: CR3 has been read but not yet written back.
func (w *FlushWindows) InWindow(ip uintptr) bool {
	return ip == w.WriteLocal || ip == w.WriteGlobal
}
