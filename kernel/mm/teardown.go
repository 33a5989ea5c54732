package mm

import "tlbrace/kernel/trace"

// exit_mmap: tearing down the user half of an address space when its last
// user is gone (Put), and flushing the TLB as it goes.
//
// This is where the race came back in 2016 (commit 5cf0791da5c1): a task
// in do_exit has already set its mm to nil in exit_mm (kernel/sched/exit.go)
// — from then on it *borrows* its old mm, like a lazy kernel thread — and
// then mmput → exit_mmap → tlb_finish_mmu → flush_tlb_mm_range →
// __flush_tlb_up → __flush_tlb → __native_flush_tlb: the same CR3 round
// trip as in 2004, preemptible on a CONFIG_PREEMPT uniprocessor kernel.
// Flush below is that path, through the selected variant's primitive, so
// the flush windows — and the injector's breakpoints on them — are the
// same as the kernel threads'.

// zapBlock is how many pages of address range are unmapped between two
// TLB flushes. Linux 2.6's unmap_vmas, under CONFIG_PREEMPT, walked a VMA
// in blocks of ZAP_BLOCK_SIZE = 8 pages and could finish the mmu_gather
// (and so flush) after each, to reschedule; tlbrace flushes after every
// block that unmapped something.
const zapBlock = 8

// TeardownFlushes counts the flushes of exit_mmap; BorrowedTeardownFlushes
// those made by a task that owns no mm: a kernel thread, or a task in
// do_exit after exit_mm — the 2016 condition, a borrower flushing.
var TeardownFlushes, BorrowedTeardownFlushes uint64

// exitMMap unmaps every VMA page by page, freeing the frames, flushing
// the TLB after every block of zapBlock pages (and the VMA's last, shorter
// one) that unmapped something; then it frees the page tables and forgets
// the VMAs.
//
// The flushes are flush_tlb_mm's: only when m is the running task's
// active_mm (on a uniprocessor, a TLB holds entries of the loaded address
// space only). In the exit path it is — and the task is a borrower.
func (m *MM) exitMMap() {
	for _, v := range m.VMAs.All() {
		unmapped := false
		for va := v.Start; va < v.End; va += PageSize {
			if pa := Unmap(m.Root, va); pa != 0 {
				FreeFrame(pa)
				m.Pages--
				unmapped = true
			}
			if end := va + PageSize; (end-v.Start)%(zapBlock*PageSize) == 0 || end == v.End {
				if unmapped {
					m.teardownFlush()
				}
				unmapped = false
			}
		}
	}
	m.unmapUser()
	m.VMAs.Reset()
}

// teardownFlush is tlb_finish_mmu's flush: flush_tlb_mm(m) on one CPU.
func (m *MM) teardownFlush() {
	if Current == nil {
		return
	}
	t := Current()
	if t.ActiveMM != m {
		return // m's entries are not in this TLB: nothing to flush
	}
	TeardownFlushes++
	if t.MM == nil {
		BorrowedTeardownFlushes++
	}
	trace.Add(trace.TeardownFlush, t.ID, 0, m.ID, 0, readCR3())
	Flush()
}
