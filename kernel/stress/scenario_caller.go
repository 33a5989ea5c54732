package stress

import (
	"unsafe"

	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
)

// scenario=caller: the 2018 recurrence (Linux commits decab0888e6e and
// f77084d96355).
//
// The workers run as in the kthread scenario, but no kernel thread calls
// the flush API. Instead kthreads= kernel threads allocate and free pages
// in a loop — any kernel path that needs a page, far from the scheduler —
// through the page pool with CONFIG_DEBUG_PAGEALLOC on
// (kernel/mm/debug_pagealloc.go): every allocation maps the page back into
// the kernel's direct map and every free unmaps it, each followed by a
// global flush through the low-level __flush_tlb_all().
//
// With flush=modern that primitive only asserts that its caller is not
// preemptible. caller=racy is the caller of 2018: it flushes preemptible,
// so the assertion fires at its first call (a WARNING with a backtrace
// naming kernelMapPagesRacy; no race needed), and when a thread is
// preempted between the CR3 read and write the stale write follows, which
// the CONFIG_DEBUG_VM check at the next switch reports (CR3-MISMATCH).
// caller=fixed disables preemption around the flush (f77084d96355): both
// stay silent. With flush=fixed the primitive guards itself, as in 2016,
// and even the racy caller is safe; with flush=racy nothing guards.

// pagesPerThread is how many pool pages each thread may hold at once.
const pagesPerThread = 2

var (
	callerThreads [sched.MaxTasks]*sched.Task
	pageRounds    uint64 // allocate-use-free rounds done
)

func startCaller() {
	mm.BuggyCaller = cfg.Caller == cmdline.CallerRacy
	if !mm.StartPagePool(cfg.KThreads * pagesPerThread) {
		console.Print("stress: the page pool is short of frames\n")
	}
	for i := 0; i < cfg.KThreads; i++ {
		callerThreads[i] = sched.Spawn("kpagealloc", pageUser, uintptr(i))
	}
}

// pageUser is a kernel thread that needs pages now and then: allocate one
// (mapped back into the direct map, flushed), use it, free it (unmapped,
// flushed). A kernel thread borrows whatever mm ran before it: a preempted
// flush here is the 2004 race reached from a caller the 2018 contract
// made responsible.
func pageUser(i uintptr) {
	sig := 0x9a9e0000 | uint32(i)
	for !stopped {
		pa, ok := mm.AllocPage()
		if !ok {
			sched.Yield()
			continue
		}
		p := (*[mm.PageSize / 4]uint32)(unsafe.Pointer(pa)) // RAM is identity-mapped
		p[0], p[len(p)-1] = sig, sig
		if p[0] != sig || p[len(p)-1] != sig {
			console.Printf("stress: kpagealloc %d: page %#x lost what was written to it\n", i, pa)
		}
		mm.FreePage(pa)
		pageRounds++
	}
}

func stopCaller() {
	if !sched.WaitGone(sched.HZ, callerThreads[:cfg.KThreads]...) {
		console.Print("stress: page allocating threads still alive after a second\n")
	}
	mm.StopPagePool()
	mm.BuggyCaller = false
}
