package rt

// The kernel image's extent, from symbols the Go linker defines
// (cmd/link/internal/ld/symtab.go): text starts at runtime.text, and
// runtime.end is the end of the last segment in memory (bss included).

// ImageStart returns the address of the first text byte.
func ImageStart() uintptr

// ImageEnd returns the first address past the loaded image (bss included).
func ImageEnd() uintptr
