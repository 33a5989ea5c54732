// Command timeline draws the race the stress reproducer caught.
//
// When `./qemu.sh stress -- flush=racy` detects the __flush_tlb() race, the
// kernel (kernel/trace) prints its last scheduler and mm events twice: for
// people (between "TRACE:" and "TRACE END") and for tools, one record a line:
//
//	TRACE-RAW tick kind a b x v cr3 v_owner cr3_owner
//	TRACE-TASK id name
//	TRACE-RAW END
//
// This command reads that machine block from a serial log and rebuilds, for
// every moment of the trace, which task runs, the active_mm it runs on (the
// scheduler's belief about the address space), and the address space CR3
// really points at. The race is the interval where the last two disagree.
//
// Usage:
//
//	go run ./tools/timeline [-svg out.svg] [-perfetto out.json] [-title T] [-all] LOGFILE
//
// LOGFILE "-" reads standard input. A short text summary always goes to
// standard output. -svg writes a self-contained picture (one lane per
// task, one for the belief, one for CR3, a red band where they part ways,
// numbered markers for the key events). -perfetto writes the Chrome /
// Perfetto trace-event JSON, to open in https://ui.perfetto.dev or
// chrome://tracing. The picture starts a few ticks before the race (see
// focus.go); -all draws the whole trace.
//
// Time. The stress run programs the timer at hz=10000, so one tick is
// 100 µs of guest time: the JSON timestamps are tick × 100 µs. Several
// events can share a tick (a preemption and the switch it causes, a switch
// and the stale CR3 write that follows it). They are spread evenly across
// their tick in log order, so that a picture can show their order: the
// JSON timestamp of the k-th of n moments in tick t is (t + k/n) × 100 µs.
// The records that make up one context switch (borrow, cr3write, cr3skip
// and the switch itself) count as a single moment.
//
// mm ids: 0 is init_mm (the kernel's), -1 none, -2 "no live mm" (CR3 holds a
// page directory no live mm owns, e.g. a freed one). A cr3 of 0x0 means the
// event did not record CR3.
package main
