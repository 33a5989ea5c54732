// Package asm holds every privileged instruction the kernel executes.
//
// Each function is a bodyless Go declaration with a one-line doc comment
// naming the instruction; its body is a few lines of Plan 9 assembly in the
// matching *_386.s or *_amd64.s file. Nothing here makes decisions: the
// kernel packages decide, these stubs only reach the hardware. Keeping the
// privileged instructions in one place is what lets tools/audit find every
// CR3 and CR4 write in the built kernels.
package asm
