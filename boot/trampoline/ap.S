/*
 * ap.S — the real-mode start-up code of the application processors.
 *
 * Assembled by `make trampoline` (boot/trampoline/trampoline.mk) with
 * `as --64` and `objcopy -O binary` into raw bytes, which tools/aptramp
 * writes into kernel/smp/trampoline_gen.go. kernel/smp copies them to the
 * page at TRAMP_BASE and fills in the parameter block at PARAMS before it
 * starts each processor (kernel/smp/start.go). One image serves both
 * kernels: the parameter `long` picks 32-bit paging (386) or IA-32e mode
 * (amd64).
 *
 * An application processor wakes from INIT in real mode and, on the
 * STARTUP IPI with vector V, begins at CS:IP = (V << 8):0000, physical
 * V << 12 (Intel SDM Vol. 3A §9.4.4 "MP Initialization Example", §10.6.1
 * "Interrupt Command Register", Delivery Mode 110). TRAMP_BASE >> 12 is
 * the vector. From there:
 *
 *   real mode   load the GDT below, set CR0.PE, far jump to 32-bit code
 *   32-bit      set the flag `alive` (the kernel's proof that the STARTUP
 *               IPI arrived); CR4, CR3 and CR0 as the boot processor has
 *               them: paging on, on the kernel's own page tables, which
 *               identity-map this page; then either
 *     386:      ESP = stack, EAX = cpu, jump to entry (a 32-bit address);
 *     amd64:    EFER as the boot processor has it (LME) before CR0.PG
 *               (SDM Vol. 3A §9.8.5 "Initializing IA-32e Mode"), far jump
 *               to the 64-bit code segment, RSP = stack, RAX = cpu, jump
 *               to entry.
 *
 * entry (kernel/smp/entry_*.s) then sets up the processor's own GDT, TSS
 * and TLS block (kernel/rt) and runs Go.
 *
 * RULE: like multiboot64.S this image has no relocations: every absolute
 * address is TRAMP_BASE + (label - ap_start). kernel/smp's constants
 * trampBase and paramsOffset must equal TRAMP_BASE and PARAMS below
 * (tools/aptramp's test checks them).
 */

	.set TRAMP_BASE,        0x7000        /* page the kernel copies this to: STARTUP vector 0x07 */
	.set PARAMS,            0x200         /* offset of the parameter block in the page */

	/* The parameter block, filled in by kernel/smp for each processor. */
	.set P_ALIVE,           0             /* .long: set to 1 by the processor in 32-bit mode */
	.set P_LONG,            4             /* .long: 1 = enter IA-32e mode (amd64 kernel) */
	.set P_CR0,             8             /* .quad: CR0 to load (PG on) */
	.set P_CR3,             16            /* .quad: the kernel's top-level page table */
	.set P_CR4,             24            /* .quad */
	.set P_EFER,            32            /* .quad: IA32_EFER (LME; LMA clear) */
	.set P_ENTRY,           40            /* .quad: where to jump */
	.set P_STACK,           48            /* .quad: the stack to run on */
	.set P_CPU,             56            /* .quad: the processor's number, in EAX/RAX */

	.set CR0_PE,            1 << 0        /* SDM Vol. 3A §2.5: protection enable */
	.set MSR_EFER,          0xC0000080    /* SDM Vol. 4 Table 2-2 */

	/* Segments: SDM Vol. 3A §3.4.5 "Segment Descriptors". */
	.set SEL_CODE32,        0x08
	.set SEL_DATA,          0x10
	.set SEL_CODE64,        0x18

	.text
	.code16
ap_start:
	cli
	cld
	/* CS = TRAMP_BASE >> 4: data through DS = CS at offsets from ap_start. */
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	gdtr - ap_start
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	/* A far jump with a 32-bit offset (operand-size prefix): CS = code32. */
	ljmpl	$SEL_CODE32, $TRAMP_BASE + (pm32 - ap_start)

	.code32
pm32:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$TRAMP_BASE + PARAMS, %ebx
	movl	$1, P_ALIVE(%ebx)

	/* Paging structures and features as on the boot processor. CR4 first
	 * (PAE must be set before CR0.PG for IA-32e), then CR3. */
	movl	P_CR4(%ebx), %eax
	movl	%eax, %cr4
	movl	P_CR3(%ebx), %eax
	movl	%eax, %cr3
	cmpl	$0, P_LONG(%ebx)
	jne	long

	/* 386: paging on; this page is identity-mapped, execution goes on. */
	movl	P_CR0(%ebx), %eax
	movl	%eax, %cr0
	movl	P_STACK(%ebx), %esp
	movl	P_CPU(%ebx), %eax
	jmp	*P_ENTRY(%ebx)

long:
	/* amd64: EFER.LME, then CR0.PG activates IA-32e mode (compatibility
	 * mode until CS is a 64-bit segment). */
	movl	$MSR_EFER, %ecx
	movl	P_EFER(%ebx), %eax
	movl	P_EFER+4(%ebx), %edx
	wrmsr
	movl	P_CR0(%ebx), %eax
	movl	%eax, %cr0
	ljmp	$SEL_CODE64, $TRAMP_BASE + (lm64 - ap_start)

	.code64
lm64:
	movl	$SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	$TRAMP_BASE + PARAMS, %ebx        /* zero-extends into RBX */
	movq	P_STACK(%rbx), %rsp
	movq	P_CPU(%rbx), %rax
	jmpq	*P_ENTRY(%rbx)

/*
 * The GDT (SDM Vol. 3A §3.4.5): flat 32-bit code and data, 64-bit code.
 * Only used until the processor loads its own (kernel/rt).
 */
	.balign	8
gdt:
	.quad	0                           /* null */
	.quad	0x00CF9A000000FFFF          /* 0x08: 32-bit code, base 0, 4 GiB */
	.quad	0x00CF92000000FFFF          /* 0x10: data, base 0, 4 GiB */
	.quad	0x00AF9A000000FFFF          /* 0x18: 64-bit code (L=1) */
gdt_end:
	.balign	4
	.word	0                           /* pad: the base is 4-byte aligned */
gdtr:
	.word	gdt_end - gdt - 1
	.long	TRAMP_BASE + (gdt - ap_start)

/* The parameter block: zeros in the image, written by the kernel. */
	.org	PARAMS
params:
	.fill	64, 1, 0
