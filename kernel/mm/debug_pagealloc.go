package mm

import "tlbrace/kernel/preempt"

// CONFIG_DEBUG_PAGEALLOC, and the 2018 recurrence of the race (Linux
// commit f77084d96355).
//
// With DEBUG_PAGEALLOC, Linux's page allocator unmaps every freed page
// from the kernel's direct map, so that a use after free faults at once,
// and maps it back when the page is allocated again (__kernel_map_pages,
// from post_alloc_hook and free_pages_prepare). Kernel mappings are Global
// TLB entries, so each change is followed by a global flush,
// __flush_tlb_all(), which may reach the CR3 round trip. Since commit
// decab0888e6e that primitive no longer disabled preemption — its callers
// had to — and __kernel_map_pages, far from the scheduler, did not: the
// allocator runs in any context, preemptible ones included. The CR3 check
// at context switch (CONFIG_DEBUG_VM) caught what followed; the fix
// (f77084d96355) disabled preemption around the flush in the caller.
//
// Here the treatment applies to the frames of one pool, the pages a
// workload allocates and frees through AllocPage and FreePage (scenario=
// caller's kernel threads): taken out of the frame allocator when the pool
// is set up, so no other path can be handed a frame that is unmapped from
// the direct map. The kernel reaches everything else — page tables, user
// frames, its own image — through the identity map as always.

// MaxPoolPages bounds the page pool.
const MaxPoolPages = 64

var (
	// BuggyCaller selects the caller of 2018 (caller=racy): the flush
	// after a direct-map change runs preemptible. Otherwise preemption is
	// disabled around it, as f77084d96355 did.
	BuggyCaller bool
	// PageAllocFlushes counts the flushes after a direct-map change.
	PageAllocFlushes uint64

	pool struct {
		frame [MaxPoolPages]uintptr
		inUse [MaxPoolPages]bool
		n     int
	}
)

// StartPagePool takes n frames out of the frame allocator into the pool,
// each unmapped from the direct map (they are free). It reports false if
// the frames ran out (the pool then holds what it got).
func StartPagePool(n int) bool {
	if n > MaxPoolPages {
		n = MaxPoolPages
	}
	for pool.n < n {
		pa, ok := AllocFrame()
		if !ok {
			poolFlush()
			return false
		}
		pool.frame[pool.n], pool.inUse[pool.n] = pa, false
		pool.n++
		setDirectMap(pa, false)
	}
	poolFlush()
	return true
}

// StopPagePool maps every pool frame back and returns it to the frame
// allocator. Every page must have been freed.
func StopPagePool() {
	for i := 0; i < pool.n; i++ {
		setDirectMap(pool.frame[i], true)
		FreeFrame(pool.frame[i])
	}
	pool.n = 0
	poolFlush()
}

// poolFlush flushes after setting the pool up or down: not the caller
// under study, so never preempted in its window whatever the variant.
func poolFlush() {
	preempt.Disable()
	FlushGlobal()
	preempt.Enable()
}

// ReclaimPages returns to the pool every page still allocated, unmapped
// again: for a workload that killed the tasks holding them (systematic
// exploration ends each run that way).
func ReclaimPages() {
	for i := 0; i < pool.n; i++ {
		if pool.inUse[i] {
			setDirectMap(pool.frame[i], false)
			pool.inUse[i] = false
		}
	}
	poolFlush()
}

// AllocPage takes a page from the pool and maps it back into the direct
// map (post_alloc_hook → kernel_map_pages), with the selected caller.
func AllocPage() (uintptr, bool) {
	f := lockFrames()
	i := 0
	for i < pool.n && pool.inUse[i] {
		i++
	}
	if i == pool.n {
		unlockFrames(f)
		return 0, false
	}
	pool.inUse[i] = true
	unlockFrames(f)
	kernelMapPages(pool.frame[i], true)
	return pool.frame[i], true
}

// FreePage unmaps a pool page from the direct map (free_pages_prepare →
// kernel_map_pages) and returns it to the pool.
func FreePage(pa uintptr) {
	kernelMapPages(pa, false)
	f := lockFrames()
	for i := 0; i < pool.n; i++ {
		if pool.frame[i] == pa {
			pool.inUse[i] = false
		}
	}
	unlockFrames(f)
}

// kernelMapPages is __kernel_map_pages: the selected caller.
func kernelMapPages(pa uintptr, enable bool) {
	if BuggyCaller {
		kernelMapPagesRacy(pa, enable)
	} else {
		kernelMapPagesFixed(pa, enable)
	}
}

// kernelMapPagesRacy is __kernel_map_pages before f77084d96355: it calls
// __flush_tlb_all() from whatever context allocates or frees a page,
// preemptible ones included. Under flush=modern the primitive's assertion
// reports it at its first call, with a backtrace naming this function;
// the race itself needs a preemption in the flush's window, and a
// borrowing context (a kernel thread) to turn it into a stale CR3.
//
//go:noinline
//audit:known-racy __kernel_map_pages before f77084d96355: calls __flush_tlb_all() preemptible, breaking the modern contract; caller=racy reproduces the 2018 bug with it
func kernelMapPagesRacy(pa uintptr, enable bool) {
	setDirectMap(pa, enable)
	PageAllocFlushes++
	FlushAllLowLevel()
}

// kernelMapPagesFixed is __kernel_map_pages after f77084d96355:
// preemption disabled around the flush, "due to CR3 reload in
// __native_flush_tlb()".
//
//go:noinline
func kernelMapPagesFixed(pa uintptr, enable bool) {
	setDirectMap(pa, enable)
	preempt.Disable()
	PageAllocFlushes++
	FlushAllLowLevel()
	preempt.Enable()
}

// setDirectMap makes the page at pa present in the kernel's identity map,
// or not. The kernel half's page tables are shared by every address space,
// so the change is everywhere at once; only the TLB needs flushing.
func setDirectMap(pa uintptr, present bool) {
	e := walk(KernelRoot, pa, false, 0)
	if e == nil {
		return
	}
	if present {
		*e |= PTEPresent
	} else {
		*e &^= PTEPresent
	}
}
