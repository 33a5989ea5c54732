package smp

// longMode tells the trampoline to stay in 32-bit paging mode.
const longMode = 0
