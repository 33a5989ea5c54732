package asm

// Debug registers: Intel SDM Vol. 3B §18.2 "Debug Registers". The
// injector (kernel/inject) puts instruction breakpoints on the CR3 write
// of each flush primitive.

// WriteDR writes debug address register DR0..DR3 (MOV to DRn); n selects which.
func WriteDR(n int, addr uintptr)

// ReadDR6 returns DR6, the debug status register (MOV from DR6).
func ReadDR6() uintptr

// WriteDR6 writes DR6 (MOV to DR6).
func WriteDR6(v uintptr)

// WriteDR7 writes DR7, the debug control register (MOV to DR7).
func WriteDR7(v uintptr)
