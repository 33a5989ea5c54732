// Command audit checks, in the machine code of the built kernels, that
// every write to CR3 or CR4 happens where preemption cannot split it —
// the rule whose breach is the 2004 __flush_tlb() race this kernel
// reproduces (README.md).
//
//	make build ARCH=386 && make build ARCH=amd64
//	go run ./tools/audit [-json] [-strict] [-src DIR] build/386/kernel.elf build/amd64/kernel.elf
//
// # What it does
//
// For each kernel it reads the ELF (debug/elf): 32- or 64-bit decoding
// from the ELF class, every STT_FUNC symbol of .symtab with its size, the
// bytes of .text. It decodes each function from its first byte to its
// symbol size with golang.org/x/arch/x86/x86asm, then lists
//
//   - every write to CR3 or CR4 (MOV CRn, r — Intel SDM Vol. 2B, "MOV—Move
//     to/from Control Registers"),
//   - for context, every CR3 read and every INVLPG (SDM Vol. 2A),
//
// with the containing function and address. It builds the call graph —
// direct CALL rel32 (and JMP, the assembler's tail call) to a function's
// entry, plus calls through function values (pointers.go: Drop's CR3
// write goes through the variable mm.writeCR3) — and reports, for each
// write, every function that can reach it.
//
// # The rule
//
// A CR3/CR4 write may only be in package tlbrace/asm or in boot code (the
// ELF entry, boot/rt0_386.s, and the amd64 trampoline .syso, which run
// before anything can interrupt them; their callers are not walked). A
// write anywhere else is a violation.
//
// The first function outside tlbrace/asm on each call chain into a write
// — the Go function above the asm stubs — is a checked caller, and must be
//
//	(a) annotated "//audit:irqs-off <reason>": it runs with interrupts off
//	    or before the scheduler starts (switchMM, EnablePaging);
//	(b) guarded: a call to preempt.Disable before its call into asm and a
//	    call to preempt.Enable after it, in the same function (flushTLB);
//	(c) annotated "//audit:known-racy <reason>": an intended violation
//	    (flushTLBRacy, flushTLBGlobalRacy, the racy variants of the seed;
//	    kernelMapPagesRacy, the 2018 caller of scenario=caller);
//	(d) annotated "//audit:callers-nonpreemptible <reason>": the modern
//	    contract (flush=modern, Linux since decab0888e6e). The function
//	    does not guard, it asserts; so it is not judged itself, but every
//	    caller of its is a checked caller in turn, judged by (a)–(d) for
//	    its calls to it — and so on up through callers that are (d) too
//	    (mm.FlushAllLowLevel, which passes the contract on). The report
//	    names the chain ("its caller's contract, through ..."). A caller
//	    that neither guards nor is annotated is the 2018 bug, found
//	    statically (f77084d96355).
//
// Anything else is a violation; -strict makes (c) violations too. Callers
// of a checked caller are not checked unless it is (d) (for (a) and (c)
// the report lists its direct callers, trusted by the annotation, for a
// reviewer).
//
// Guarding (b) is judged by address order, an approximation of dominance
// that is exact for the small branch-free wrappers it is meant for: the
// last Disable call before the call into asm, no Enable call between
// them, an Enable call after it (rule.go).
//
// Annotations are comment lines in the function's doc comment, found by
// parsing every non-test .go file under the source root (go/parser; -src,
// default: the directory with go.mod above the current one). gofmt keeps
// them with the //go: directives at the end of the doc comment. They are
// matched to symbols by name: "tlbrace/kernel/mm.flushTLBRacy",
// "tlbrace/kernel/mm.(*MM).Drop", "main.rt0". An annotation that names no
// function of the image (renamed, or inlined by the compiler — as
// mm.LoadCR3 is, so its callers are checked instead) is a warning.
//
// # Decoding
//
// An instruction x86asm cannot decode — an error, or Op 0 with a nil
// error, which x86asm returns for some unknown or truncated encodings —
// in a function of a tlbrace/ package (or main, the boot command) is an
// ERROR naming function and offset: the audit cannot vouch for code it
// cannot read. The Go linker pads between functions with INT3 (0xCC)
// bytes; decoding stops at the symbol size, and trailing 0xCC bytes
// inside it are padding too. A few Go runtime functions hold encodings
// x86asm does not know (AVX-512, hand-written SIMD); they are not kernel
// code and never write CR3 or CR4, so they are counted and named in one
// summary line and skipped. The amd64 trampoline mixes code and data; it
// is decoded in 32-bit mode (the mode Multiboot starts it in), restarting
// at each of its labels, and undecodable data bytes are counted.
//
// # Output
//
// A plain-text report per kernel ending in
//
//	audit: N write sites, M checked callers, K violations, J known-racy
//
// (M, K and J count distinct functions; K adds misplaced writes), or with
// -json the same data. Exit status: 0 pass; 1 any violation or decode
// error; 2 bad usage, an unreadable kernel or a malformed annotation.
package main
