package kernel

import (
	"unsafe"

	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/multiboot"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// lowMemoryEnd: below 1 MiB lie the real-mode IVT, the BIOS data area,
// the EBDA and the ROMs; none of it is handed out.
const lowMemoryEnd = 1 << 20

// initMemory feeds the frame allocator from the memory map, keeps the
// kernel image and the boot modules out of it, builds the kernel's page
// tables and turns paging on (386) or moves onto them (amd64).
func initMemory() {
	mm.Phys.Init()
	var ramTop uint64
	for _, r := range Boot.MemoryMap() {
		if r.Type != multiboot.TypeAvailable {
			continue
		}
		mm.Phys.AddFree(r.Base, r.Length)
		if end := r.Base + r.Length; end > ramTop && r.Base < mm.MaxPhys {
			ramTop = end
		}
	}
	if ramTop > mm.MaxPhys {
		ramTop = mm.MaxPhys
	}
	mm.Phys.Reserve(0, lowMemoryEnd)
	imageEnd := uint64(rt.ImageEnd())
	mm.Phys.Reserve(lowMemoryEnd, imageEnd-lowMemoryEnd)
	for _, m := range Boot.ModuleList() {
		mm.Phys.Reserve(uint64(m.Start), uint64(m.End-m.Start))
		if len(m.Cmdline) > 0 { // the module's name string stays where the loader put it
			mm.Phys.Reserve(uint64(uintptr(unsafe.Pointer(unsafe.StringData(m.Cmdline)))), uint64(len(m.Cmdline)+1))
		}
	}
	if !Opts.Quiet {
		console.Printf("  frames: %d free of %d (%d KiB); kernel image [%#x, %#x)\n",
			mm.Phys.Free, mm.Phys.Total, mm.Phys.Free*4, rt.ImageStart(), imageEnd)
	}
	if !mm.BuildKernelSpace(uintptr(ramTop), rt.IsGuardPage) {
		console.Printf("PANIC: out of frames building the kernel page tables\n")
		rt.Exit(rt.ExitPanic)
	}
	mm.EnablePaging()
	trap.SetDoubleFaultCR3(mm.KernelRoot)
	if !Opts.Quiet {
		console.Printf("  paging on: kernel root %#x, RAM identity-mapped up to %#x, page 0 and stack guards unmapped\n",
			mm.KernelRoot, ramTop)
	}
}
