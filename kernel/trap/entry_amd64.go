package trap

import "tlbrace/kernel/rt"

// Constants entry_amd64.s reads from go_asm.h (const_NAME), derived from
// kernel/rt's (assembly can name only its own package's constants).
const (
	msrFSBase = rt.MSRFSBase // FS base, reset on entry from ring 3
	cpuGDTOff = rt.CPUGDTOff // where a CPU's GDT lies from its TLS base
	cpuIntrLo = rt.CPUIntrLo // this CPU's interrupt stack and g, from the TLS base
	cpuIntrHi = rt.CPUIntrHi
	cpuIntrG  = rt.CPUIntrG
)
