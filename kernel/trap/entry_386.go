package trap

import "tlbrace/kernel/rt"

// Constants entry_386.s reads from go_asm.h (const_NAME). Assembly can
// name only its own package's constants, so kernel/rt's selectors are
// restated here, derived from the one definition: a change in rt reaches
// the assembly at the next build.
const (
	kernelDS  = rt.KernelDS  // DS, ES, FS in the handlers
	tlsSel    = rt.TLSSel    // GS: compiled Go finds g through it
	cpuIntrLo = rt.CPUIntrLo // this CPU's interrupt stack and g, from the TLS base
	cpuIntrHi = rt.CPUIntrHi
	cpuIntrG  = rt.CPUIntrG
	gAnchor   = rt.GAnchor // the TLS slot of g points this far into it
)
