// Package bootfloor builds the smallest Multiboot kernel QEMU can boot: it
// prints one line on COM1 and leaves through isa-debug-exit at once. Booted
// the way qemu.sh boots tlbrace (same machine, CPU, memory, -kernel,
// -initrd), the time to its line is QEMU's own floor — firmware, option
// ROM, Multiboot loading — which tlbrace's boot to "tlbrace: ready" can
// only add to. tools/stressbench boots both, interleaved, and prints the
// ratio.
//
// The image is written here, byte by byte, with debug/elf's types: no
// assembler, no linker, nothing committed but this source. It runs on
// qemu-system-i386 and qemu-system-x86_64 alike (Multiboot enters 32-bit
// protected mode on both).
package bootfloor

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
)

// Line is what the image prints before it exits, then ExitLine (the
// harness counts a run as passed only after "EXIT 0": docs/conventions.md).
const (
	Line     = "floor: ready"
	ExitLine = "EXIT 0"
)

// Load is where the image is loaded and linked: 1 MiB, like tlbrace.
const Load = 0x100000

// Multiboot Specification 0.6.96, §3.1.1-2: the header, within the first
// 8192 bytes and 32-bit aligned. The flags ask for what tlbrace asks for
// (page-aligned modules, memory information), so QEMU does the same work.
const (
	mbMagic = 0x1BADB002
	mbFlags = 1<<0 | 1<<1

	mbChecksum = ^uint32(mbMagic+mbFlags) + 1 // magic + flags + checksum = 0 (mod 2^32)
)

// I/O ports: COM1's transmit register (QEMU's 16550 sends a byte written
// there at once, initialised or not: hw/char/serial.c) and qemu.sh's
// isa-debug-exit (QEMU exits with status (v<<1)|1 for a write of v).
const (
	com1     = 0x3f8
	exitPort = 0xf4
)

// Layout of the file: ELF header, one program header, the Multiboot
// header, the code, the message. One PT_LOAD maps all of it at Load.
const (
	ehsize   = 52 // ELF32 header
	phsize   = 32 // ELF32 program header
	mbOff    = ehsize + phsize
	codeOff  = mbOff + 12
	entry    = Load + codeOff
	codeSize = 29
	msgOff   = codeOff + codeSize
)

// code is the program (32-bit protected mode, paging off, interrupts off:
// Multiboot §3.2), with the message address patched in at msgImm.
func code() []byte {
	msg := uint32(Load + msgOff)
	c := []byte{
		0xFC,                                                              // cld                 (§3.2: EFLAGS.DF is undefined)
		0xBE, byte(msg), byte(msg >> 8), byte(msg >> 16), byte(msg >> 24), // mov esi, msg
		0x66, 0xBA, com1 & 0xFF, com1 >> 8, // mov dx, 0x3f8
		0xAC,       // next: lodsb
		0x84, 0xC0, //   test al, al
		0x74, 0x03, //   jz done
		0xEE,       //   out dx, al
		0xEB, 0xF8, //   jmp next
		0x31, 0xC0, // done: xor eax, eax
		0xE7, exitPort, // out 0xf4, eax   (QEMU exits with status 1: pass)
		0xFA,       // halt: cli
		0xF4,       //   hlt
		0xEB, 0xFC, //   jmp halt
		0x90, 0x90, 0x90, // pad to codeSize
	}
	if len(c) != codeSize {
		panic("bootfloor: code size changed; update codeSize")
	}
	return c
}

// Image returns the Multiboot ELF.
func Image() []byte {
	msg := []byte(Line + "\n" + ExitLine + "\n\x00")
	size := uint32(msgOff + len(msg))
	var b bytes.Buffer
	le := binary.LittleEndian
	ident := [elf.EI_NIDENT]byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS32), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)}
	binary.Write(&b, le, elf.Header32{Ident: ident, Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_386),
		Version: uint32(elf.EV_CURRENT), Entry: entry, Phoff: ehsize, Ehsize: ehsize, Phentsize: phsize, Phnum: 1})
	binary.Write(&b, le, elf.Prog32{Type: uint32(elf.PT_LOAD), Off: 0, Vaddr: Load, Paddr: Load,
		Filesz: size, Memsz: size, Flags: uint32(elf.PF_R | elf.PF_X), Align: 4096})
	binary.Write(&b, le, [3]uint32{mbMagic, mbFlags, mbChecksum})
	b.Write(code())
	b.Write(msg)
	return b.Bytes()
}
