package rt

// dfTSS is the task a #DF task gate switches to on 386 (Intel SDM Vol. 3A
// §6.14.7: a task gate is the only way a 32-bit kernel can get a good stack
// for a double fault caused by a kernel stack overflow). kernel/trap fills
// it in (EIP, ESP, CR3, segments) when it builds the IDT.
var dfTSS TSS

// DoubleFaultTSS returns the double-fault task's TSS for kernel/trap to fill.
func DoubleFaultTSS() *TSS { return &dfTSS }

// BootTSS returns the main TSS (the task that was running when the double
// fault struck: the task switch saved the faulting registers in it).
func BootTSS() *TSS { return &tss }
