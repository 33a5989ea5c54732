/*
 * multiboot64.S — the 32→64-bit Multiboot trampoline of the amd64 kernel.
 *
 * Assembled by `make trampoline` (boot/trampoline/trampoline.mk) with
 * `as --64` into boot/trampoline_amd64.syso, a host object that the Go
 * linker places first in .text. With `-ldflags '-T 0x101000'` that puts
 * mb_header at virtual address 0x101000, file offset 0x1000, and the ELF
 * header (file offset 0) at 0x100000.
 *
 * QEMU (hw/i386/multiboot.c) refuses an ELF64 kernel unless the Multiboot
 * header sets the a.out kludge (flag bit 16) and gives load addresses, and
 * then copies raw file bytes: load_addr ← file offset 0. It enters
 * entry32 in 32-bit protected mode, paging off (Multiboot 0.6.96 §3.2
 * "Machine state"). This code enters IA-32e mode and jumps to the ELF's
 * e_entry (main.rt0, Go amd64 assembly). Handoff ABI:
 *
 *   RAX = RDI = 0x2BADB002 (Multiboot boot magic, zero-extended)
 *   RBX = RSI = physical address of the Multiboot info (zero-extended)
 *   RSP = boot_stack_top, 16-byte aligned, nothing pushed (16 KiB stack)
 *   CS  = 0x08 (64-bit code), DS = ES = FS = GS = SS = 0x10 (data); the
 *         GDT is gdt below (inside the image). FS and GS bases are 0.
 *   CR3 = pml4: virtual = physical for [0, 4 GiB), 2 MiB pages, present,
 *         writable, supervisor, PWT = PCD = 0, NX clear; nothing above
 *         4 GiB is mapped. The tables and the stack are zero-filled space
 *         at the end of this object, i.e. inside the kernel's .text.
 *   CR0 = PG|PE|MP, EM and TS clear; CR4 = PAE|OSFXSR|OSXMMEXCPT;
 *   EFER.LME = EFER.LMA = 1 (NXE and SCE untouched); IF = 0 (no IDT
 *   loaded: an NMI or exception now triple-faults), DF = 0.
 *
 * RULE: this object must contain NO relocations. In a static executable the
 * Go linker silently drops the relocations of host objects (every
 * displacement stays 0) and rejects R_X86_64_32 outright. So every absolute
 * address is written as BASE + (label - mb_header) and every jump and call
 * targets a local label in this section.
 * `objdump -r boot/trampoline_amd64.syso` must print nothing;
 * `make check-trampoline` and tools/mbpatch's tests check it.
 *
 * The one global symbol, multiboot64_header, is for Go: the linker keeps
 * a host object's text only if something reachable from the entry point
 * refers to it, so boot/rt0_amd64.s must mention it, e.g.
 *     LEAQ multiboot64_header(SB), R8
 * Without that the trampoline silently vanishes from the kernel (and
 * tools/mbpatch reports "no Multiboot header").
 *
 * load_end_addr and bss_end_addr are 0 here; tools/mbpatch fills them in
 * after linking (end of the last PT_LOAD's file data, end of its bss).
 *
 * References: Multiboot Specification version 0.6.96 (§3.1 header, §3.2
 * machine state); Intel 64 and IA-32 Architectures Software Developer's
 * Manual ("SDM"), Vol. 2A (CPUID), Vol. 3A (system programming), Vol. 4
 * (MSRs). This file has no C preprocessor directives: `as` reads it as is.
 */

/* ---- Layout: where this object lands in memory. ---- */
	.set BASE,              0x101000      /* address of mb_header: go build -ldflags '-T 0x101000' */
	.set ELF_LOAD_ADDR,     0x100000      /* file offset 0 (the ELF header) lands here: BASE - 0x1000 */
	.set ELF_E_ENTRY,       ELF_LOAD_ADDR + 0x18  /* Elf64_Ehdr.e_entry (System V gABI, ELF header) */

/* ---- Multiboot 0.6.96 §3.1.1 "The layout of Multiboot header". ---- */
	.set MB_HEADER_MAGIC,   0x1BADB002
	.set MB_PAGE_ALIGN,     1 << 0        /* §3.1.2 bit 0: align modules on 4 KiB */
	.set MB_MEMORY_INFO,    1 << 1        /* §3.1.2 bit 1: provide mem_* and mmap_* */
	.set MB_AOUT_KLUDGE,    1 << 16       /* §3.1.2 bit 16: use the address fields of §3.1.3 */
	.set MB_FLAGS,          MB_PAGE_ALIGN | MB_MEMORY_INFO | MB_AOUT_KLUDGE
	.set MB_CHECKSUM,       (-(MB_HEADER_MAGIC + MB_FLAGS)) & 0xFFFFFFFF
	.set MB_BOOT_MAGIC,     0x2BADB002    /* §3.2: EAX on entry */

/* ---- Devices. ---- */
	.set COM1_DATA,         0x3F8         /* PC16550D transmit holding register (DLAB=0) */
	.set COM1_LSR,          0x3FD         /* PC16550D line status register */
	.set LSR_THRE,          1 << 5        /* transmit holding register empty */
	.set DEBUG_EXIT_PORT,   0xF4          /* QEMU isa-debug-exit (qemu.sh iobase=0xf4) */
	.set EXIT_PANIC,        2             /* QEMU exits with (2<<1)|1 = 5: docs/conventions.md */
	.set EXIT_UNSUPPORTED_CPU, 4          /* QEMU status 9: the CPU lacks a required feature (kernel/rt ExitUnsupportedCPU) */

/* ---- CPUID: SDM Vol. 2A, CPUID—CPU Identification. ---- */
	.set EFLAGS_ID,         1 << 21       /* SDM Vol. 1 §3.4.3.3: CPUID exists iff ID can be toggled */
	.set CPUID_VENDOR,      0x00000000    /* leaf 0: EAX = highest basic leaf */
	.set CPUID_FEATURES,    0x00000001
	.set CPUID_EXT_MAX,     0x80000000
	.set CPUID_EXT_FEATURES,0x80000001
	/* CPUID.01H:EDX, Table 3-11 "Information Returned in the EDX Register" */
	.set CPUID_1_EDX_TSC,   1 << 4        /* RDTSC: boot timing, tick overhead, switch costs */
	.set CPUID_1_EDX_MSR,   1 << 5        /* RDMSR/WRMSR: EFER below, the FS base of Go's g */
	.set CPUID_1_EDX_PAE,   1 << 6        /* Physical Address Extension: required by IA-32e */
	.set CPUID_1_EDX_APIC,  1 << 9        /* local APIC: the timer (optional: the PIT is the fallback) */
	.set CPUID_1_EDX_PGE,   1 << 13       /* CR4.PGE and global pages: flushTLBGlobal */
	.set CPUID_1_EDX_FXSR,  1 << 24       /* FXSAVE/FXRSTOR (needed with CR4.OSFXSR) */
	.set CPUID_1_EDX_SSE,   1 << 25
	.set CPUID_1_EDX_SSE2,  1 << 26       /* Go amd64 code assumes SSE2 */
	/* CPUID.80000001H:EDX */
	.set CPUID_X1_EDX_LM,   1 << 29       /* Intel 64 Architecture (long mode) */

/* ---- Control registers: SDM Vol. 3A §2.5 "Control Registers". ---- */
	.set CR0_PE,            1 << 0        /* protection enable */
	.set CR0_MP,            1 << 1        /* monitor coprocessor: WAIT/FWAIT honour TS */
	.set CR0_EM,            1 << 2        /* x87 emulation: must be 0 for SSE (§13.1.3) */
	.set CR0_TS,            1 << 3        /* task switched: would make the first SSE insn fault */
	.set CR0_PG,            1 << 31       /* paging */
	.set CR4_PAE,           1 << 5        /* physical address extension: required by IA-32e */
	.set CR4_OSFXSR,        1 << 9        /* SDM Vol. 3A §13.1.3: OS supports FXSAVE/FXRSTOR, SSE on */
	.set CR4_OSXMMEXCPT,    1 << 10       /* SDM Vol. 3A §13.1.3: SIMD FP exceptions raise #XM */

/* ---- IA32_EFER: SDM Vol. 3A §2.2.1, Vol. 4 Table 2-2. ---- */
	.set MSR_EFER,          0xC0000080
	.set EFER_LME,          1 << 8        /* IA-32e mode enable */

/* ---- Paging: SDM Vol. 3A §4.5 "4-Level Paging and 5-Level Paging". ---- */
	.set PAGE_SIZE,         4096
	.set PTE_P,             1 << 0        /* present */
	.set PTE_RW,            1 << 1        /* writable */
	.set PTE_PS,            1 << 7        /* in a PDE: the entry maps a 2 MiB page */
	.set LARGE_PAGE_SHIFT,  21            /* 2 MiB */
	.set PD_COUNT,          4             /* 4 page directories × 1 GiB = 4 GiB */
	.set PDE_COUNT,         PD_COUNT * 512

/* ---- Segments: SDM Vol. 3A §3.4.5 "Segment Descriptors", §5.2.1. ---- */
	.set SEL_CODE64,        0x08          /* GDT index 1, TI=0, RPL=0 */
	.set SEL_DATA,          0x10          /* GDT index 2, TI=0, RPL=0 */

/* ---- Boot stack. ---- */
	.set BOOT_STACK_SIZE,   16 * 1024

	.text

/*
 * The Multiboot header (Multiboot 0.6.96 §3.1.1). It is the first thing in
 * this object and the object is the first thing in the kernel's .text, so
 * it sits at file offset 0x1000, inside the first 8 KiB as §3.1 requires.
 */
	.globl	multiboot64_header
mb_header:
multiboot64_header:
	.long MB_HEADER_MAGIC
	.long MB_FLAGS
	.long MB_CHECKSUM
	.long BASE + (mb_header - mb_header)  /* §3.1.3 header_addr: where this header is loaded */
	.long ELF_LOAD_ADDR                   /* §3.1.3 load_addr: file offset header_addr-load_addr = 0x1000 */
	.long 0                               /* §3.1.3 load_end_addr: set by tools/mbpatch (0 = whole file) */
	.long 0                               /* §3.1.3 bss_end_addr: set by tools/mbpatch (0 = no bss) */
	.long BASE + (entry32 - mb_header)    /* §3.1.3 entry_addr */

/*
 * 32-bit protected mode, paging off, flat CS/DS/ES/SS from the loader
 * (Multiboot 0.6.96 §3.2). The GDTR and IDTR are not to be trusted.
 */
	.code32
entry32:
	/* Interrupts stay off until the kernel has an IDT (§3.2 says IF=0; make
	 * sure). String instructions count up. */
	cli
	cld

	/* Keep the Multiboot magic and info pointer where nothing below
	 * clobbers them: CPUID writes EAX, EBX, ECX and EDX. */
	movl	%eax, %edi
	movl	%ebx, %esi

	/* A stack of our own, for the calls below (Multiboot gives none). */
	movl	$BASE + (boot_stack_top - mb_header), %esp

	/* Loaded by a Multiboot loader? Multiboot 0.6.96 §3.2: EAX = 0x2BADB002. */
	cmpl	$MB_BOOT_MAGIC, %edi
	jne	fail_not_multiboot

	/* Does this CPU have what the kernel needs? Read its feature flags
	 * into cpu_features (CPUID.01H:EDX) and cpu_ext_features
	 * (CPUID.80000001H:EDX), zero where the leaf does not exist, and
	 * refuse to go on (check_cpu, below) if a required one is missing. */
	call	check_cpu

	/* The loader must have put our ELF header at ELF_LOAD_ADDR (load_addr
	 * maps file offset 0), and e_entry must lie in the 4 GiB we map. */
	cmpl	$0x464C457F, ELF_LOAD_ADDR          /* "\x7fELF": gABI e_ident[EI_MAG0..3] */
	jne	fail_no_elf
	cmpl	$0, ELF_E_ENTRY + 4                 /* e_entry bits 63..32 */
	jne	fail_no_elf

	/* Our own GDT (SDM Vol. 3A §3.5.1 "Segment Descriptor Tables"): the
	 * loader's may be anywhere, even in memory the kernel reuses. The
	 * 64-bit code segment is only loaded by the far jump below; the data
	 * selector is flat in both modes, so load it now. */
	lgdt	BASE + (gdtr - mb_header)
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss

	/* Page tables, SDM Vol. 3A §4.5 "4-Level Paging": identity map
	 * [0, 4 GiB) with 2 MiB pages (the default qemu64 CPU has no 1 GiB
	 * pages). The tables below are zero bytes of this image, but fill every
	 * entry we use anyway, both halves, so nothing depends on the loader.
	 * PML4[0] → PDPT ("Format of a PML4 Entry"). */
	movl	$BASE + (pdpt - mb_header) + (PTE_P | PTE_RW), %eax
	movl	%eax, BASE + (pml4 - mb_header)
	movl	$0, BASE + (pml4 - mb_header) + 4

	/* PDPT[i] → PD i, i = 0..3, each covering 1 GiB ("Format of a
	 * PDPTE that References a Page Directory"). */
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax                                   /* i × 4 KiB */
	addl	$BASE + (pd - mb_header) + (PTE_P | PTE_RW), %eax
	movl	%eax, BASE + (pdpt - mb_header)(,%ecx,8)
	movl	$0, BASE + (pdpt - mb_header) + 4(,%ecx,8)
	incl	%ecx
	cmpl	$PD_COUNT, %ecx
	jb	1b

	/* PD entry n maps the 2 MiB page at n × 2 MiB, n = 0..2047; the four
	 * PDs are contiguous, so entry n is at pd + 8n ("Format of a Page-
	 * Directory Entry that Maps a 2-MByte Page"). */
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$LARGE_PAGE_SHIFT, %eax                     /* n × 2 MiB < 4 GiB */
	orl	$PTE_P | PTE_RW | PTE_PS, %eax
	movl	%eax, BASE + (pd - mb_header)(,%ecx,8)
	movl	$0, BASE + (pd - mb_header) + 4(,%ecx,8)
	incl	%ecx
	cmpl	$PDE_COUNT, %ecx
	jb	2b

	/* SDM Vol. 3A §9.8.5 "Initializing IA-32e Mode", step 2: with paging
	 * off, set CR4.PAE. Also turn SSE on now (§13.1.3 "Initialization of
	 * the SSE Extensions"): every Go ABI0→ABIInternal wrapper starts with
	 * XORPS X15, X15. */
	movl	%cr4, %eax
	orl	$CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT, %eax
	movl	%eax, %cr4

	/* §9.8.5 step 3: CR3 = physical address of the PML4 (§4.5, "CR3"). */
	movl	$BASE + (pml4 - mb_header), %eax
	movl	%eax, %cr3

	/* §9.8.5 step 4: IA32_EFER.LME = 1 (§2.2.1 "Extended Feature Enable
	 * Register"; RDMSR/WRMSR, SDM Vol. 2B). */
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr

	/* §9.8.5 step 5: CR0.PG = 1 activates IA-32e mode (EFER.LMA = 1) in
	 * compatibility mode; this MOV and what follows run from an
	 * identity-mapped page, as §9.8.5 requires. Same write: MP on, EM and
	 * TS off, for SSE (§2.5, §13.1.3). PE is already 1 (Multiboot §3.2). */
	movl	%cr0, %eax
	andl	$~(CR0_EM | CR0_TS), %eax
	orl	$CR0_PG | CR0_PE | CR0_MP, %eax
	movl	%eax, %cr0

	/* Load CS with the 64-bit code segment (L=1): 64-bit mode begins at
	 * entry64 (§9.8.5, last step; §5.2.1 "Code-Segment Descriptor in
	 * 64-bit Mode"). A far JMP with an absolute ptr16:32 operand: no
	 * relocation. */
	ljmp	$SEL_CODE64, $BASE + (entry64 - mb_header)

/*
 * Failure paths, still 32-bit protected mode: say why on COM1, leave QEMU
 * through isa-debug-exit with EXIT_PANIC (status 5), else halt for good.
 */
fail_not_multiboot:
	movl	$BASE + (msg_not_multiboot - mb_header), %esi
	jmp	panic32
fail_no_elf:
	movl	$BASE + (msg_no_elf - mb_header), %esi
	/* fall through */
panic32:
	call	puts32
	movl	$BASE + (msg_exit_panic - mb_header), %esi
	call	puts32
	movl	$EXIT_PANIC, %eax
	movl	$DEBUG_EXIT_PORT, %edx
	outl	%eax, %dx
halt32:
	cli
	hlt
	jmp	halt32

/*
 * check_cpu: return if the CPU has every feature cpu_table marks required;
 * otherwise print on COM1
 *     UNSUPPORTED-CPU: tlbrace amd64 cannot run on this CPU; it lacks: LM SSE2 ...
 *     UNSUPPORTED-CPU: optional, also absent: APIC
 *     EXIT 4
 * and leave QEMU through isa-debug-exit with EXIT_UNSUPPORTED_CPU (status 9),
 * else halt. Keeps EDI and ESI (the Multiboot hand-over).
 */
check_cpu:
	/* CPUID exists iff EFLAGS.ID can be toggled (SDM Vol. 1 §3.4.3.3). */
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$EFLAGS_ID, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx                      /* restore the original EFLAGS */
	popfl
	xorl	%ecx, %eax
	testl	$EFLAGS_ID, %eax
	jz	1f
	pushl	%edi
	pushl	%esi
	movl	$CPUID_VENDOR, %eax
	cpuid
	cmpl	$CPUID_FEATURES, %eax
	jb	2f                        /* no leaf 1: no flags (all zero) */
	movl	$CPUID_FEATURES, %eax
	cpuid
	movl	%edx, BASE + (cpu_features - mb_header)
2:	movl	$CPUID_EXT_MAX, %eax
	cpuid
	cmpl	$CPUID_EXT_FEATURES, %eax
	jb	3f                        /* no extended leaf 80000001H: no LM */
	movl	$CPUID_EXT_FEATURES, %eax
	cpuid
	movl	%edx, BASE + (cpu_ext_features - mb_header)
3:	popl	%esi
	popl	%edi
	movl	$1, %ebx
	call	count_absent              /* EAX = required features missing */
	testl	%eax, %eax
	jnz	4f
	ret
1:	movl	$BASE + (msg_cpu_lacks - mb_header), %esi
	call	puts32
	movl	$BASE + (msg_no_cpuid - mb_header), %esi
	call	puts32
	jmp	5f
4:	movl	$BASE + (msg_cpu_lacks - mb_header), %esi
	call	puts32
	movl	$1, %ebx
	call	print_absent
	xorl	%ebx, %ebx
	call	count_absent
	testl	%eax, %eax
	jz	5f
	movl	$BASE + (msg_cpu_optional - mb_header), %esi
	call	puts32
	xorl	%ebx, %ebx
	call	print_absent
5:	movl	$BASE + (msg_exit_cpu - mb_header), %esi
	call	puts32
	movl	$EXIT_UNSUPPORTED_CPU, %eax
	movl	$DEBUG_EXIT_PORT, %edx
	outl	%eax, %dx
	jmp	halt32

/* absent: EAX = 1 if the cpu_table entry at EBP is absent from the flags
 * and its required field equals EBX, else 0. */
absent:
	movl	CPU_WORD(%ebp), %eax
	movl	BASE + (cpu_features - mb_header)(%eax), %eax
	testl	CPU_BIT(%ebp), %eax
	jnz	1f                        /* present */
	cmpl	CPU_REQUIRED(%ebp), %ebx
	jne	1f                        /* not the kind asked for */
	movl	$1, %eax
	ret
1:	xorl	%eax, %eax
	ret

/* count_absent: EAX = entries of cpu_table absent with required == EBX. */
count_absent:
	xorl	%ecx, %ecx
	movl	$BASE + (cpu_table - mb_header), %ebp
1:	call	absent
	addl	%eax, %ecx
	addl	$CPU_ENTRY, %ebp
	cmpl	$BASE + (cpu_table_end - mb_header), %ebp
	jb	1b
	movl	%ecx, %eax
	ret

/* print_absent: print the name of each entry count_absent would count. */
print_absent:
	movl	$BASE + (cpu_table - mb_header), %ebp
1:	call	absent
	testl	%eax, %eax
	jz	2f
	pushl	%esi
	movl	CPU_NAME(%ebp), %esi
	call	puts32
	popl	%esi
2:	addl	$CPU_ENTRY, %ebp
	cmpl	$BASE + (cpu_table_end - mb_header), %ebp
	jb	1b
	ret

/* puts32: write the NUL-terminated string at ESI to COM1, polling LSR.THRE
 * (PC16550D). Clobbers EAX, ECX, EDX, ESI. */
puts32:
	movb	(%esi), %cl
	testb	%cl, %cl
	jz	2f
	movl	$COM1_LSR, %edx
1:	inb	%dx, %al
	testb	$LSR_THRE, %al
	jz	1b
	movl	$COM1_DATA, %edx
	movb	%cl, %al
	outb	%al, %dx
	incl	%esi
	jmp	puts32
2:	ret

/*
 * 64-bit mode (CS.L = 1). SDM Vol. 3A §9.8.5: IA-32e mode is active.
 */
	.code64
entry64:
	/* Data segments: in 64-bit mode their base and limit are ignored
	 * (SDM Vol. 3A §3.4.4), but give them a valid selector of our GDT
	 * rather than stale hidden state. */
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	%eax, %ss

	/* The boot stack: 16-byte aligned (.balign below). */
	movl	$BASE + (boot_stack_top - mb_header), %esp   /* writes RSP, bits 63..32 = 0 */

	/* Hand-off registers. Bits 63..32 of the GPRs are undefined in 32-bit
	 * modes (SDM Vol. 1 §3.4.1.1), so zero-extend explicitly: a 32-bit
	 * MOV clears bits 63..32. */
	movl	%edi, %edi                 /* RDI = Multiboot magic */
	movl	%esi, %esi                 /* RSI = Multiboot info address */
	movl	%edi, %eax                 /* RAX = magic */
	movl	%esi, %ebx                 /* RBX = info */

	/* Jump to the Go kernel's entry: e_entry of the ELF header at
	 * ELF_LOAD_ADDR (checked < 4 GiB above). Absolute disp32 address, not
	 * RIP-relative: no relocation either way. */
	movq	ELF_E_ENTRY, %rcx
	jmp	*%rcx

/*
 * The GDT (SDM Vol. 3A §3.4.5 "Segment Descriptors").
 *   0x08: 64-bit code: P=1 DPL=0 S=1 type=1010 (execute/read), L=1 D=0 G=1
 *         (§5.2.1: base and limit ignored in 64-bit mode).
 *   0x10: data: P=1 DPL=0 S=1 type=0010 (read/write), base 0, limit 4 GiB,
 *         D/B=1 G=1 — flat for the 32-bit instructions that load it too.
 */
	.balign	8
gdt:
	.quad	0                           /* 0x00: the null descriptor */
	.quad	0x00AF9A000000FFFF          /* 0x08: SEL_CODE64 */
	.quad	0x00CF92000000FFFF          /* 0x10: SEL_DATA */
gdt_end:

/* The GDTR image for LGDT (SDM Vol. 3A §3.5.1 "Segment Descriptor
 * Tables"): 16-bit limit, then the base; LGDT in 32-bit code reads a
 * 32-bit base. */
	.balign	8
	.word	0                           /* pad so the base is 4-byte aligned */
gdtr:
	.word	gdt_end - gdt - 1
	.long	BASE + (gdt - mb_header)

/* Messages, one event per line (docs/conventions.md: "PANIC: ", "EXIT "). */
msg_not_multiboot:
	.asciz	"PANIC: tlbrace amd64 was not started by a Multiboot loader (EAX != 0x2BADB002)\n"
msg_cpu_lacks:
	.asciz	"UNSUPPORTED-CPU: tlbrace amd64 cannot run on this CPU; it lacks:"
msg_no_cpuid:
	.asciz	" CPUID"
msg_cpu_optional:
	.asciz	"\nUNSUPPORTED-CPU: optional, also absent:"
msg_exit_cpu:
	.asciz	"\nEXIT 4\n"
msg_tsc:	.asciz	" TSC"
msg_msr:	.asciz	" MSR"
msg_pae:	.asciz	" PAE"
msg_pge:	.asciz	" PGE"
msg_fxsr:	.asciz	" FXSR"
msg_sse:	.asciz	" SSE"
msg_sse2:	.asciz	" SSE2"
msg_lm:		.asciz	" LM"
msg_apic:	.asciz	" APIC"

/* The features check_cpu looks for, one 16-byte entry each: which flags
 * word (offset from cpu_features), the bit, required (1) or only reported
 * (0), the name to print. */
	.set CPU_WORD,     0
	.set CPU_BIT,      4
	.set CPU_REQUIRED, 8
	.set CPU_NAME,     12
	.set CPU_ENTRY,    16
	.set LEAF1,        0                  /* cpu_features: CPUID.01H:EDX */
	.set LEAFX1,       4                  /* cpu_ext_features: CPUID.80000001H:EDX */
	.balign	4
cpu_table:
	.long LEAFX1, CPUID_X1_EDX_LM,   1, BASE + (msg_lm - mb_header)
	.long LEAF1,  CPUID_1_EDX_PAE,   1, BASE + (msg_pae - mb_header)
	.long LEAF1,  CPUID_1_EDX_PGE,   1, BASE + (msg_pge - mb_header)
	.long LEAF1,  CPUID_1_EDX_TSC,   1, BASE + (msg_tsc - mb_header)
	.long LEAF1,  CPUID_1_EDX_MSR,   1, BASE + (msg_msr - mb_header)
	.long LEAF1,  CPUID_1_EDX_FXSR,  1, BASE + (msg_fxsr - mb_header)
	.long LEAF1,  CPUID_1_EDX_SSE,   1, BASE + (msg_sse - mb_header)
	.long LEAF1,  CPUID_1_EDX_SSE2,  1, BASE + (msg_sse2 - mb_header)
	.long LEAF1,  CPUID_1_EDX_APIC,  0, BASE + (msg_apic - mb_header)
cpu_table_end:
cpu_features:
	.long 0                               /* CPUID.01H:EDX, or 0 */
cpu_ext_features:
	.long 0                               /* CPUID.80000001H:EDX, or 0 */
msg_no_elf:
	.asciz	"PANIC: tlbrace amd64 trampoline: no ELF header with e_entry < 4 GiB at 0x100000 (check -T 0x101000)\n"
msg_exit_panic:
	.asciz	"EXIT 2\n"

/*
 * Page tables (SDM Vol. 3A §4.5): zero bytes in the image, filled by
 * entry32. Page-aligned because mb_header is at BASE = 0x101000, itself
 * page-aligned, and .balign counts from the start of this section, which
 * is mb_header.
 */
	.balign	PAGE_SIZE
pml4:
	.fill	PAGE_SIZE, 1, 0             /* PML4: entry 0 used */
pdpt:
	.fill	PAGE_SIZE, 1, 0             /* PDPT: entries 0..3 used */
pd:
	.fill	PD_COUNT * PAGE_SIZE, 1, 0  /* 4 page directories: all 2048 entries used */

/* The boot stack (grows down from boot_stack_top). */
	.balign	16
boot_stack:
	.fill	BOOT_STACK_SIZE, 1, 0
boot_stack_top:
