// Package rt is tlbrace's tiny stand-in for the Go runtime.
//
// The kernel is compiled by the stock Go toolchain but the Go runtime is
// never started: no scheduler, no heap, no garbage collector. Compiled Go
// still expects a few things from its environment, and this package
// provides exactly those:
//
//   - a g: every function prologue compares SP with g.stackguard0, and finds
//     g through thread-local storage (GS on 386, FS and R14 on amd64);
//   - stacks with an unmapped guard page below each one;
//   - the GDT that defines the segments, the TLS segment and the TSS;
//   - symbolization of program counters through the linker's tables, for
//     backtraces in fault reports;
//   - leaving QEMU through isa-debug-exit with a status the harness maps.
package rt
