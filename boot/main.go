// Command boot is the tlbrace kernel image: the Multiboot entry point for
// each architecture and the hand-off to kernel.Main.
//
// QEMU (or GRUB) loads this ELF with `-kernel` and jumps to rt0 in 32-bit
// protected mode. On 386 rt0_386.s takes it from there; on amd64 the
// trampoline in trampoline_amd64.syso (built from trampoline/multiboot64.S)
// enters long mode first and then jumps to rt0_amd64.s. Both rt0s set up a
// stack and the g that compiled Go expects (kernel/rt) and call start.
//
// The Go runtime's own entry point is never used: the linker is told to
// start at main.rt0 (-E in the Makefile), and main below never runs.
package main

import (
	"tlbrace/kernel"
	"tlbrace/kernel/rt"
)

// Constants rt0_*.s reads from go_asm.h (const_NAME). Assembly can name
// only its own package's constants, so kernel/rt's are restated here,
// derived from the one definition.
const (
	bootStackSize = rt.BootStackSize // rt0 starts on rt.bootStack's top
	msrFSBase     = rt.MSRFSBase     // amd64: FS base = a CPU's TLS base
	cpuTLSBase    = rt.CPUTLSBase    // offset of the TLS base in rt.CPU
)

// rt0 is the Multiboot entry point (boot/rt0_*.s).
func rt0()

// setupCPU installs the GDT, TLS and g0 (kernel/rt); rt0 calls it before
// any function with a stack check. (An assembly file can only call Go
// functions of its own package, hence this one-line wrapper.)
//
//go:nosplit
func setupCPU() { rt.SetupCPU(0) }

// start runs on the boot stack with g0 current, interrupts off.
func start(magic, info uintptr) {
	kernel.Main(magic, info)
	rt.Exit(rt.ExitPanic) // Main never returns; if it did, say so loudly.
}

func main() {
	// Never called: keeps rt0 and start reachable for `go vet`.
	rt0()
	setupCPU()
	start(0, 0)
}
