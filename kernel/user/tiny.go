package user

// Tiny programs: raw machine code of a few dozen bytes, the same bytes in
// 32- and 64-bit mode, loaded with LoadCode into one page. Where a
// workload spawns programs by the thousand (scenario=exit respawns every
// task that exits), an ELF from the initramfs would cost more to load than
// the program runs; these cost one page.

// ExitingWorker is the stress worker of scenario=exit, cut down to a short
// life: it starts like every user task (AX = task id, BX = its private
// pages, CX = the shared-address page), takes the worker's signature
// 0x5A5A0000|id, and for 1 to 4 rounds (from the low bits of the TSC)
// writes it into two private pages, its stack and the shared page, reads
// the shared page back, and yields; then it exits with status 0. The
// pages it touches (text, private pages 0 and 8, the stack's top page, the
// shared page) lie in five different 8-page blocks, so its exit flushes
// five times (kernel/mm/teardown.go, zapBlock). On another task's
// page tables the private pages fault (they are mapped at an address no
// other task maps) and the shared page shows another task's signature:
// then it reports it, report(ReportForeign, address, value), and exits
// with status 2, as user/worker does. tiny_test.go decodes the bytes in
// both modes.
var ExitingWorker = [...]byte{
	0x89, 0xc6, //                         mov  %eax, %esi          signature = id
	0x81, 0xce, 0x00, 0x00, 0x5a, 0x5a, // or   $0x5a5a0000, %esi
	0x0f, 0x31, //                         rdtsc
	0x83, 0xe0, 0x03, //                   and  $3, %eax
	0x8d, 0x78, 0x01, //                   lea  1(%eax), %edi       rounds = 1..4
	// round (0x10):
	0x89, 0x33, //                         mov  %esi, (%ebx)        private page 0
	0x89, 0xb3, 0x00, 0x80, 0x00, 0x00, // mov  %esi, 0x8000(%ebx)  private page 8
	0x56,       //                               push %esi                the stack's top page
	0x5a,       //                               pop  %edx
	0x89, 0x31, //                         mov  %esi, (%ecx)        the shared page
	0x8b, 0x11, //                         mov  (%ecx), %edx
	0x39, 0xf2, //                         cmp  %esi, %edx
	0x75, 0x16, //                         jne  foreign (0x38)
	0xb8, 0x04, 0x00, 0x00, 0x00, //       mov  $4, %eax            yield
	0xcd, 0x80, //                         int  $0x80
	0xff, 0xcf, //                         dec  %edi
	0x75, 0xe3, //                         jnz  round (0x10)
	0x31, 0xdb, //                         xor  %ebx, %ebx          exit(0)
	0xb8, 0x01, 0x00, 0x00, 0x00, //       mov  $1, %eax
	0xcd, 0x80, //                         int  $0x80
	0xeb, 0xfe, //                         jmp  .                   (exit does not return)
	// foreign (0x38): report(1, CX = address, DX = value), then exit(2)
	0xbb, 0x01, 0x00, 0x00, 0x00, //       mov  $1, %ebx            ReportForeign
	0xb8, 0x06, 0x00, 0x00, 0x00, //       mov  $6, %eax            report
	0xcd, 0x80, //                         int  $0x80
	0xbb, 0x02, 0x00, 0x00, 0x00, //       mov  $2, %ebx
	0xb8, 0x01, 0x00, 0x00, 0x00, //       mov  $1, %eax            exit(2)
	0xcd, 0x80, //                         int  $0x80
	0xeb, 0xfe, //                         jmp  .
}

// SteadyWorker is ExitingWorker without the end: round after round it
// writes its signature into its private page and the shared page, checks
// the shared page and yields, and never exits. A user task that stays in
// user space is what turns a stale CR3 into a visible one: switching to it
// loads its own CR3 (and if a borrower wrote a stale one while borrowing
// its mm, switching back to it trusts the stale one).
var SteadyWorker = [...]byte{
	0x89, 0xc6, //                         mov  %eax, %esi          signature = id
	0x81, 0xce, 0x00, 0x00, 0x5a, 0x5a, // or   $0x5a5a0000, %esi
	// round (0x08):
	0x89, 0x33, //                         mov  %esi, (%ebx)        private page 0
	0x89, 0x31, //                         mov  %esi, (%ecx)        the shared page
	0x8b, 0x11, //                         mov  (%ecx), %edx
	0x39, 0xf2, //                         cmp  %esi, %edx
	0x75, 0x09, //                         jne  foreign (0x1b)
	0xb8, 0x04, 0x00, 0x00, 0x00, //       mov  $4, %eax            yield
	0xcd, 0x80, //                         int  $0x80
	0xeb, 0xed, //                         jmp  round (0x08)
	// foreign (0x1b): report(1, CX = address, DX = value), then exit(2)
	0xbb, 0x01, 0x00, 0x00, 0x00, //       mov  $1, %ebx            ReportForeign
	0xb8, 0x06, 0x00, 0x00, 0x00, //       mov  $6, %eax            report
	0xcd, 0x80, //                         int  $0x80
	0xbb, 0x02, 0x00, 0x00, 0x00, //       mov  $2, %ebx
	0xb8, 0x01, 0x00, 0x00, 0x00, //       mov  $1, %eax            exit(2)
	0xcd, 0x80, //                         int  $0x80
	0xeb, 0xfe, //                         jmp  .
}
