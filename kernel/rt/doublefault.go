package rt

// dfStack is the stack double faults run on (amd64: IST1; 386: the stack of
// the double-fault task). A stack overflow that reaches a guard page ends
// here, so this stack must never be one that can overflow into it.
var dfStack [16 << 10]byte

// DFStack returns the double-fault stack's bounds [lo, hi).
func DFStack() (lo, hi uintptr) {
	return addrOf(&dfStack[0]), addrOf(&dfStack[0]) + uintptr(len(dfStack))
}
