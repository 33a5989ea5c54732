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

// minFreeFrames is the memory tlbrace asks for beyond its image and the
// boot modules: frames for the kernel's page tables (the identity map of
// RAM: 4 frames for 8 MiB on 386, 9 on amd64) and for user address spaces
// (page tables, text, data, private and shared pages, stacks). Measured
// with a low-water mark on the frame allocator: the stress workload with
// churn=on peaks at 48 frames on 386 and 54 on amd64. 1 MiB leaves the
// kernel tests and longer runs room to spare.
const minFreeFrames = 256

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
	checkEnoughRAM(ramTop, imageEnd)
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

// checkEnoughRAM stops boot with a PANIC naming the RAM found and the
// minimum when fewer than minFreeFrames frames are left free (or the
// image itself does not fit): later, an allocation would fail somewhere
// less clear — a page table, a user program's page.
func checkEnoughRAM(ramTop, imageEnd uint64) {
	if mm.Phys.Free >= minFreeFrames {
		return
	}
	// What the kernel and the modules occupy, and where usable RAM must
	// therefore reach.
	used := imageEnd
	for _, m := range Boot.ModuleList() {
		used = max(used, uint64(m.End))
	}
	used = (used + mm.PageSize - 1) &^ (mm.PageSize - 1)
	need := used + minFreeFrames*mm.PageSize
	// The RAM size as -m gives it: the end of the memory map's regions up
	// to and just above the usable top (QEMU's firmware reserves the top
	// 128 KiB).
	size := ramTop
	for _, r := range Boot.MemoryMap() {
		if r.Base <= ramTop && r.Base+r.Length > size && r.Base+r.Length <= mm.MaxPhys {
			size = r.Base + r.Length
		}
	}
	minimum := need + (size - ramTop)
	console.Printf("PANIC: not enough RAM: %d KiB found (usable up to %#x), tlbrace needs %d KiB: "+
		"its image and boot modules end at %#x, then %d KiB must be free for page tables and user programs "+
		"(%d KiB are); boot with at least %d MiB (qemu.sh -m %dM)\n",
		size>>10, ramTop, minimum>>10, used, minFreeFrames*mm.PageSize>>10, mm.Phys.Free*mm.PageSize>>10,
		(minimum+1<<20-1)>>20, (minimum+1<<20-1)>>20)
	rt.Exit(rt.ExitPanic)
}
