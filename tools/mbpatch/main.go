// Command mbpatch completes and checks the Multiboot header of a built
// tlbrace kernel.
//
//	mbpatch [-check] KERNEL.elf...
//
// amd64 (ELF64): the header is the one in boot/trampoline_amd64.syso, at
// file offset 0x1000, with the a.out kludge (flag bit 16) that QEMU needs to
// accept an ELF64. The assembler cannot know where the image ends, so the
// trampoline leaves load_end_addr and bss_end_addr at 0; mbpatch sets them
// in place after `go build`:
//
//	load_end_addr = end of the last PT_LOAD's file data (DWARF after it is
//	                not loaded)
//	bss_end_addr  = highest end in memory of any PT_LOAD (QEMU zeroes
//	                [load_end_addr, bss_end_addr): hw/i386/multiboot.c)
//
// after checking every other field and that QEMU's flat copy of the file
// (file offset o → load_addr+o) puts every segment where it was linked.
//
// 386 (ELF32): QEMU loads the image from its program headers; mbpatch only
// validates the header (magic, checksum, flags, 4-byte aligned, in the
// first 8 KiB) and reports it.
//
// With -check nothing is written: an amd64 image whose header is not
// already complete is an error. Every failure is one line on stderr
// naming the file; the exit status is then 1.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mbpatch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	check := fs.Bool("check", false, "only check; fail if an amd64 header still needs patching")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mbpatch [-check] KERNEL.elf...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	status := 0
	for _, path := range fs.Args() {
		msg, err := patchFile(path, *check)
		if err != nil {
			fmt.Fprintf(stderr, "mbpatch: %s: %v\n", path, err)
			status = 1
			continue
		}
		fmt.Fprintf(stdout, "mbpatch: %s: %s\n", path, msg)
	}
	return status
}

// patchFile processes one kernel image and, unless check is set, writes
// the patched header fields back in place.
func patchFile(path string, check bool) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	r, err := Process(data)
	if err != nil {
		return "", err
	}
	h := r.Header
	if r.Arch == "386" {
		return fmt.Sprintf("386 Multiboot header OK at file offset %#x (flags %#x), nothing to patch", h.Offset, h.Flags), nil
	}
	desc := fmt.Sprintf("amd64 Multiboot header at file offset %#x: load %#x..%#x, bss to %#x, entry %#x",
		h.Offset, h.LoadAddr, r.LoadEndAddr, r.BssEndAddr, h.EntryAddr)
	if !r.Patched {
		return desc + " (already patched)", nil
	}
	if check {
		return "", fmt.Errorf("load_end_addr/bss_end_addr are %#x/%#x, want %#x/%#x: run mbpatch on it after go build",
			h.LoadEndAddr, h.BssEndAddr, r.LoadEndAddr, r.BssEndAddr)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return "", err
	}
	// Only the 8 patched bytes change.
	field := data[h.Offset+offLoadEndAddr : h.Offset+offBssEndAddr+4]
	if _, err := f.WriteAt(field, int64(h.Offset+offLoadEndAddr)); err != nil {
		f.Close()
		return "", fmt.Errorf("writing the header: %v", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("writing the header: %v", err)
	}
	return desc + " (patched)", nil
}
