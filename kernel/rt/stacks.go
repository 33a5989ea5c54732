package rt

// Kernel stacks with guard pages.
//
// Every kernel stack has an unmapped page right below it (kernel/mm leaves
// guard pages out of the kernel map). Go code overflowing its stack is
// stopped earlier, by its own prologue comparing SP with g.stackguard0
// (StackGuardGap above the low end), and ends in runtime.morestack, which
// faults on the nil g.m: the fault report names it. Assembly or an
// interrupt frame pushed past the low end hits the guard page instead: a
// page fault, or on a push a double fault on its own stack (IST1 on amd64).
// Either way the overflow is reported, never silently corrupting memory.

const (
	pageSize = 4096

	// StackSize is the size of one kernel thread's stack.
	StackSize = 16 << 10

	// MaxStacks is how many kernel stacks the arena holds (one per task).
	MaxStacks = 32

	stackSlot = StackSize + pageSize // the guard page, then the stack
)

// stackArena holds MaxStacks slots; one spare page allows page alignment.
var stackArena [MaxStacks*stackSlot + pageSize]byte

func arenaBase() uintptr {
	b := addrOf(&stackArena[0])
	return (b + pageSize - 1) &^ (pageSize - 1)
}

// Stack returns the bounds [lo, hi) of arena stack i.
func Stack(i int) (lo, hi uintptr) {
	lo = arenaBase() + uintptr(i)*stackSlot + pageSize
	return lo, lo + StackSize
}

// bootGuard returns the guard page inside bootStack (its first whole page).
//
//go:nosplit
func bootGuard() uintptr {
	return (addrOf(&bootStack[0]) + pageSize - 1) &^ (pageSize - 1)
}

// IsGuardPage reports whether addr lies in any kernel stack's guard page.
func IsGuardPage(addr uintptr) bool {
	if g := bootGuard(); addr >= g && addr < g+pageSize {
		return true
	}
	base := arenaBase()
	if addr < base || addr >= base+MaxStacks*stackSlot {
		return false
	}
	return (addr-base)%stackSlot < pageSize
}
