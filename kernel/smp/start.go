// Package smp finds the other processors and starts them: INIT and
// STARTUP inter-processor interrupts through the local APIC, a real-mode
// trampoline below 1 MiB (boot/trampoline/ap.S), then the same per-CPU
// set-up as the boot processor (kernel/rt's GDT, TSS and TLS block,
// kernel/trap's IDT and interrupt stack, the local APIC) and the
// scheduler's idle loop. It is Linux's smpboot.c, reduced.
package smp

import (
	"sync/atomic"
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/apic"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/trap"
)

// Where the trampoline goes: a free page below 1 MiB, page-aligned (the
// STARTUP vector is its page number). trampBase and paramsOffset equal
// TRAMP_BASE and PARAMS in boot/trampoline/ap.S (tools/aptramp's test
// checks it). QEMU puts the Multiboot information at 0x9000 (hw/i386/
// multiboot.c, MULTIBOOT_STRUCT_ADDR), above this page; parkBase is the
// page of the processor that must never answer (maxcpus testing, below).
const (
	trampBase    = 0x7000
	paramsOffset = 0x200
	parkBase     = 0x6000
)

// params mirrors the parameter block of ap.S (P_* offsets).
type params struct {
	alive uint32
	long  uint32
	cr0   uint64
	cr3   uint64
	cr4   uint64
	efer  uint64
	entry uint64
	stack uint64
	cpu   uint64
}

const msrEFER, eferLMA = 0xc0000080, 1 << 10 // SDM Vol. 4 Table 2-2; LMA is the CPU's to set

// The start-up waits (Intel SDM Vol. 3A §9.4.4.1, "Typical BSP
// Initialization Sequence"): 10 ms after INIT, 200 µs after each STARTUP;
// then up to answerMs for the processor to come online.
const (
	initDelayUs    = 10000
	startupDelayUs = 200
	answerMs       = 200
)

var (
	// APICID[cpu] is the local APIC id of CPU cpu (CPU 0: the boot processor).
	APICID [rt.MaxCPUs]uint32
	// online[cpu] is set by the CPU itself once its scheduler runs (MarkOnline).
	online [rt.MaxCPUs]atomic.Bool
	// NumCPUs is how many CPU numbers are in use: CPUs 0..NumCPUs-1 are online.
	NumCPUs = 1

	// Prepare, installed by the kernel, gives CPU cpu the g and stack it
	// starts on (the scheduler's idle task for it).
	Prepare func(cpu int) (g *rt.G, stackTop uintptr)
	// Run, installed by the kernel, is what an application processor does
	// once it is set up (the scheduler's idle loop): it calls MarkOnline,
	// and never returns.
	Run func(cpu int)

	// The processors that did not start, for the report.
	failed     [MaxFound]uint8
	failedWhy  [MaxFound]string
	numFailed  int
	notStarted int // listed, but beyond maxcpus= or rt.MaxCPUs
)

// SendIPI sends vector to CPU cpu (interrupts off: one ICR per CPU).
//
//go:nosplit
func SendIPI(cpu int, vector uint8) { apic.SendIPI(APICID[cpu], vector) }

// Online reports whether CPU cpu runs.
func Online(cpu int) bool { return cpu >= 0 && cpu < rt.MaxCPUs && online[cpu].Load() }

// Start starts the processors f lists, up to max in all (the boot
// processor included), one after the other. silent (0: none) names a
// processor, by its position in f, that is pointed at a page that only
// halts: it never answers, as a broken one would (silentcpu=).
func Start(f *Found, max int, kernelRoot uintptr, silent int) {
	self := apic.ID()
	APICID[0] = self
	online[0].Store(true)
	if max > rt.MaxCPUs {
		max = rt.MaxCPUs
	}
	installTrampoline()
	for i := 0; i < f.N; i++ {
		id := f.APICIDs[i]
		if uint32(id) == self {
			continue
		}
		if NumCPUs == max {
			notStarted++
			continue
		}
		APICID[NumCPUs] = uint32(id)
		if why := startOne(NumCPUs, id, kernelRoot, i == silent); why != "" {
			failed[numFailed], failedWhy[numFailed] = id, why
			numFailed++
			continue
		}
		NumCPUs++
	}
	notStarted += f.More
}

// installTrampoline copies the start-up code below 1 MiB, and the park
// page: CLI; HLT; JMP back.
func installTrampoline() {
	copy(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(trampBase))), len(trampoline)), trampoline[:])
	park := [...]byte{0xfa, 0xf4, 0xeb, 0xfd}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(uintptr(parkBase))), len(park)), park[:])
}

// startOne starts the processor with APIC id id as CPU cpu and returns ""
// once it is online, or why not.
func startOne(cpu int, id uint8, kernelRoot uintptr, silent bool) string {
	g, top := Prepare(cpu)
	rt.PrepareCPU(cpu, g)
	p := (*params)(unsafe.Pointer(uintptr(trampBase + paramsOffset)))
	*p = params{
		long:  longMode,
		cr0:   uint64(asm.ReadCR0()),
		cr3:   uint64(kernelRoot),
		cr4:   uint64(asm.ReadCR4()),
		entry: uint64(apEntryPC()),
		stack: uint64(top),
		cpu:   uint64(cpu),
	}
	if longMode != 0 {
		p.efer = asm.Rdmsr(msrEFER) &^ eferLMA
	}
	vector := uint8(trampBase >> 12)
	if silent {
		vector = parkBase >> 12
	}
	apic.SendINIT(uint32(id))
	udelay(initDelayUs)
	for try := 0; try < 2 && !alive(p); try++ { // a second STARTUP only if the first was lost
		apic.SendStartup(uint32(id), vector)
		udelay(startupDelayUs)
	}
	for ms := 0; ms < answerMs && !online[cpu].Load(); ms++ {
		udelay(1000)
	}
	switch {
	case online[cpu].Load():
		return ""
	case alive(p):
		apic.SendINIT(uint32(id)) // park it: it must not come to life later as this CPU
		return "ran the trampoline but never came online"
	}
	apic.SendINIT(uint32(id))
	return "did not answer the STARTUP IPI"
}

// alive reads the flag the trampoline sets (volatile: the other CPU writes it).
func alive(p *params) bool {
	return atomic.LoadUint32(&p.alive) != 0
}

// apStart is where an application processor's Go begins, on the stack
// Prepare gave it, paging on, the trampoline's GDT still loaded: nothing
// may check the stack against g until rt.SetupCPU has made g current.
//
//go:nosplit
func apStart(cpu uintptr) {
	rt.SetupCPU(cpu)
	apMain(int(cpu))
}

// apMain finishes the processor's set-up: IDT and interrupt stack, local
// APIC; then the scheduler's idle loop, which marks it online (MarkOnline)
// once it schedules: Start waits for that.
func apMain(cpu int) {
	trap.InitCPU(cpu)
	apic.Enable(trap.VecSpurious)
	Run(cpu)
	rt.Halt()
}

// MarkOnline tells Start that CPU cpu runs (the scheduler calls it on
// cpu, once it takes tasks).
func MarkOnline(cpu int) { online[cpu].Store(true) }

// apEntry is where the trampoline jumps (entry_*.s).
func apEntry()

// apEntryPC returns apEntry's address.
func apEntryPC() uintptr
