// Package kernel is tlbrace's top level: Main brings the machine up in
// order — console, traps, boot information and command line, memory — and
// then runs what the command line asked for.
package kernel

import (
	"unsafe"

	"tlbrace/asm"
	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/console"
	"tlbrace/kernel/inject"
	"tlbrace/kernel/ktests"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/multiboot"
	"tlbrace/kernel/preempt"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/serial"
	"tlbrace/kernel/smp"
	"tlbrace/kernel/spin"
	"tlbrace/kernel/trap"
	"tlbrace/kernel/user"
)

// Opts are the boot options, parsed once from the Multiboot command line.
var Opts cmdline.Options

// Boot is the Multiboot information QEMU or GRUB handed over.
var Boot multiboot.Info

// cmdlineCopy holds the command line Boot.Cmdline and Opts refer to.
var cmdlineCopy [multiboot.MaxString]byte

// bootTSC is the time-stamp counter when Main started, for boot timing.
var bootTSC uint64

// cpuTable is what the firmware says about the processors (kernel/smp),
// read before paging hides the firmware's tables.
var cpuTable smp.Found

// consoleLock makes each Printf one piece of output, whichever CPU prints.
var consoleLock spin.Recursive

func consoleEnter() uintptr     { return consoleLock.Enter() }
func consoleExit(flags uintptr) { consoleLock.Exit(flags) }

// Main is called by boot/rt0 on the boot stack with interrupts off.
func Main(magic, info uintptr) {
	preempt.Boot() // preempt_count lives in each task from here on (the boot thread's: its CPU's)
	bootTSC = asm.Rdtsc()
	serial.Init()
	console.SetOutput(serial.Write)
	console.SetLock(consoleEnter, consoleExit)
	trap.Init() // from here on every fault is reported
	trap.GuardPage = rt.IsGuardPage

	readBootInfo(magic, info)
	// The firmware's tables lie above the RAM the kernel maps: read them
	// while every physical address is still reachable (386: paging is
	// off; amd64: the trampoline's identity map of 4 GiB).
	cpuTable = smp.Discover(smp.Memory{Size: 1 << 32})
	// flush='s values are mm's variants, in order (kernel/mm/variant_test.go).
	mm.Selected = mm.Variant(Opts.Flush)
	// shootdown='s values are mm's shootdown variants, in order.
	mm.Shootdown = mm.ShootdownVariant(Opts.Shootdown)
	console.Printf("tlbrace %s: flush primitives in %s variant\n", archName, mm.Selected.About())
	printBootInfo()
	initMemory()
	initScheduler()
	startCPUs()

	var buf [256]byte
	n := Opts.Describe(buf[:])
	console.Printf("tlbrace: ready arch=%s %s\n", archName, buf[:n])

	if Opts.Fault != cmdline.FaultNone {
		triggerFault(Opts.Fault)
		console.Printf("PANIC: fault=%s did not fault\n", Opts.ValueName("fault"))
		rt.Exit(rt.ExitPanic)
	}
	if Opts.Test != "" {
		ran, failed := ktests.Run(initrd(), Opts.WantsTest)
		switch {
		case ran == 0:
			console.Printf("ktest: test=%s matched no kernel test\n", Opts.Test)
			rt.Exit(rt.ExitTestFailed)
		case failed > 0:
			rt.Exit(rt.ExitTestFailed)
		}
		rt.Exit(rt.ExitPass)
	}
	if Opts.Bench == cmdline.BenchSwitch {
		benchSwitch()
		rt.Exit(rt.ExitPass)
	}
	runWorkload()
	rt.Exit(rt.ExitPass)
}

// initScheduler installs the page-fault and system-call handlers, makes
// this boot thread task 0, starts the jittered timer and enables
// interrupts: from here on everything is preemptible.
func initScheduler() {
	trap.Register(trap.VecPageFault, mm.HandlePageFault)
	user.Init()
	policy := sched.RoundRobin
	if Opts.Sched == cmdline.SchedShuffle {
		policy = sched.Shuffle
	}
	sched.HZ = Opts.HZ
	sched.Init(policy, Opts.Seed)
	sched.StartTimer(Opts.HZ, Opts.Seed)
	if Opts.Inject > 0 {
		inject.Start(uint32(Opts.Inject), Opts.Seed)
		if !Opts.Quiet {
			console.Printf("  inject: breakpoints on the flush windows' CR3 writes, preempting with probability %d%%\n", Opts.Inject)
		}
	}
	switch {
	case Opts.Quiet:
	case sched.UsingPIT:
		console.Printf("  timer: PIT channel 0 (this CPU has no local APIC), one-shot, mean reload %d (hz=%d, jittered +-50%%, seed %d)\n",
			sched.MeanCount, Opts.HZ, Opts.Seed)
	default:
		console.Printf("  timer: local APIC at %d Hz, one-shot, mean reload %d (hz=%d, jittered +-50%%, seed %d)\n",
			sched.LAPICHz, sched.MeanCount, Opts.HZ, Opts.Seed)
	}
	asm.Sti()
}

// startCPUs starts the other processors the firmware lists, up to
// maxcpus= (kernel/smp), and says how many run.
func startCPUs() {
	smp.Prepare, smp.Run = sched.PrepareCPU, sched.RunCPU
	smp.Start(&cpuTable, int(Opts.MaxCPUs), mm.KernelRoot, int(Opts.SilentCPU))
	smp.Report(&cpuTable)
}

// readBootInfo checks the Multiboot hand-over and parses the command line;
// a bad command line stops boot here, before anything else happens.
func readBootInfo(magic, info uintptr) {
	var buf [512]byte
	if !multiboot.CheckMagic(uint32(magic)) {
		console.Printf("PANIC: not booted by a Multiboot loader (EAX %#x, want %#x)\n", magic, multiboot.BootMagic)
		rt.Exit(rt.ExitPanic)
	}
	var err *multiboot.Error
	Boot, err = multiboot.Parse(multiboot.Memory{Size: 1 << 32}, uint32(info))
	if err != nil {
		n := err.Message(buf[:])
		console.Printf("PANIC: bad Multiboot information: %s\n", buf[:n])
		rt.Exit(rt.ExitPanic)
	}
	// The loader's copy of the command line sits in memory the frame
	// allocator will hand out (QEMU puts it right after the image): keep
	// our own copy, and let Opts' strings point into it.
	n := copy(cmdlineCopy[:], Boot.Cmdline)
	Boot.Cmdline = unsafe.String(&cmdlineCopy[0], n)
	var cerr *cmdline.Error
	Opts, cerr = cmdline.Parse(Boot.Cmdline)
	if cerr != nil {
		// The error, the usage, and the error again: twenty lines of
		// usage would otherwise scroll it out of sight.
		n := cerr.Message(buf[:])
		console.Printf("%s\n", buf[:n])
		printUsage()
		console.Printf("%s\n", buf[:n])
		rt.Exit(rt.ExitBadConfig)
	}
	if Opts.Help {
		printUsage()
		rt.Exit(rt.ExitPass)
	}
}

// usageBuf holds the help text: too big for a stack frame.
var usageBuf [cmdline.UsageMax]byte

func printUsage() {
	n := cmdline.Usage(usageBuf[:])
	console.Printf("%s", usageBuf[:n])
}

// printBootInfo prints the command line, the memory map and the modules
// (not with quiet).
func printBootInfo() {
	if Opts.Quiet {
		return
	}
	console.Printf("  command line: \"%s\"\n", Boot.Cmdline)
	console.Printf("  memory map (Multiboot, %d regions):\n", Boot.NumRegions)
	for _, r := range Boot.MemoryMap() {
		console.Printf("    [%#012x - %#012x) %8d KiB  %s\n", r.Base, r.Base+r.Length, r.Length>>10, r.TypeName())
	}
	for _, m := range Boot.ModuleList() {
		console.Printf("  module [%#x - %#x) \"%s\"\n", m.Start, m.End, m.Cmdline)
	}
}
