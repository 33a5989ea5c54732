package monitor

import "tlbrace/asm"

func readCR3() uintptr { return asm.ReadCR3() }
