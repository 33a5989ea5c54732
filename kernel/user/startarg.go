package user

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/sched"
)

// argFrame is how far below StackTop a program's argument sits: 16 bytes,
// keeping SP 16-byte aligned at entry, the word at SP, 8 spare above.
const argFrame = 16

// ExecArg is Exec for a program that takes one 64-bit argument (the
// fuzzer's seed, user/README.md): the kernel writes it little-endian at
// StackTop-16 and starts the program with SP pointing at it. The
// registers are Exec's.
func ExecArg(name string, image []byte, arg uint64) *sched.Task {
	m, entry := load(name, image)
	if m == nil {
		return nil
	}
	var w [8]byte
	for i := range w {
		w[i] = byte(arg >> (8 * i))
	}
	sp := uintptr(StackTop - argFrame)
	if !m.CopyIn(sp, w[:]) {
		console.Printf("exec %s: out of memory writing its argument\n", name)
		m.Put()
		return nil
	}
	t := sched.SpawnUser(name, m, entry, sp, PrivateBase(m), SharedVA)
	if t == nil {
		console.Printf("exec %s: no free task slot\n", name)
		m.Put()
	}
	return t
}
