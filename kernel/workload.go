package kernel

import (
	"unsafe"

	"tlbrace/kernel/cmdline"
	"tlbrace/kernel/console"
	"tlbrace/kernel/explore"
	"tlbrace/kernel/inject"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/monitor"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/shoot"
	"tlbrace/kernel/stress"
	"tlbrace/kernel/user"
	"tlbrace/kernel/user/cpio"
)

// The workloads the command line can ask for (workload=).

// initrd returns the initramfs QEMU passed with -initrd (the first
// Multiboot module), or nil.
func initrd() []byte {
	mods := Boot.ModuleList()
	if len(mods) == 0 || mods[0].End <= mods[0].Start {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(uintptr(mods[0].Start))), mods[0].End-mods[0].Start)
}

// program returns bin/<name> from the initramfs, or stops the boot with a
// message naming what is missing or malformed.
func program(name string) []byte {
	img := initrd()
	if img == nil {
		console.Printf("PANIC: workload needs the initramfs (qemu.sh passes build/ARCH/initrd.cpio with -initrd; run make build)\n")
		rt.Exit(rt.ExitPanic)
	}
	data, err := cpio.Lookup(img, name)
	if err != nil {
		var buf [256]byte
		n := err.Message(buf[:])
		console.Printf("PANIC: initramfs: %s: %s\n", name, buf[:n])
		rt.Exit(rt.ExitPanic)
	}
	return data
}

func runWorkload() {
	switch Opts.Workload {
	case cmdline.WorkloadStress:
		if !runStress() { // workload_stress.go
			rt.Exit(rt.ExitTestFailed) // a detection, or a leak: the kernel is broken
		}
		rt.Exit(rt.ExitPass)
	case cmdline.WorkloadFuzz:
		if !runFuzz() {
			rt.Exit(rt.ExitTestFailed)
		}
		rt.Exit(rt.ExitPass)
	case cmdline.WorkloadShoot:
		if !shoot.Run(shoot.Config{Seconds: Opts.Duration, Lockup: int(Opts.Lockup), Hang: Opts.Hang,
			Trace: int(Opts.Trace), Quiet: Opts.Quiet}, program("bin/shoot")) {
			rt.Exit(rt.ExitTestFailed)
		}
		rt.Exit(rt.ExitPass)
	case cmdline.WorkloadRace:
		race()
		startMonitor()
	case cmdline.WorkloadExplore:
		if n := sched.CPUs(); n > 1 {
			// Its decision strings name this CPU's run-queue choices:
			// another CPU stealing tasks would make them mean nothing.
			console.Printf("cmdline: workload=explore enumerates the schedules of one CPU, but %d are online: boot it on one (qemu.sh without --smp, or maxcpus=1)\n", n)
			rt.Exit(rt.ExitBadConfig)
		}
		if explore.Run(explore.Config{Depth: int(Opts.Explore), Replay: Opts.Schedule, KThreads: kthreads(),
			Scenario: Opts.Scenario, Caller: Opts.Caller}) > 0 {
			rt.Exit(rt.ExitTestFailed)
		}
		rt.Exit(rt.ExitPass)
	case cmdline.WorkloadDemo:
		demo()
		startMonitor()
	case cmdline.WorkloadMonitor:
		startMonitor()
	}
}

// stressConfig is the stress workload as the command line sets it up.
func stressConfig() stress.Config {
	return stress.Config{
		Scenario: Opts.Scenario, Caller: Opts.Caller,
		Users: int(Opts.Users), KThreads: kthreads(), Lockup: int(Opts.Lockup),
		Seconds: Opts.Duration, Hang: Opts.Hang, CheckCR3: Opts.CheckCR3, Churn: Opts.Churn,
		Steer: Opts.Steer, KeepGoing: Opts.KeepGoing, Trace: int(Opts.Trace), Quiet: Opts.Quiet,
	}
}

// demo interleaves user programs and kernel threads for two seconds and
// prints who ran how much (workload=demo, `make qemu CMDLINE=workload=demo`;
// the default of `make qemu` is the race, race.go). It installs no hooks;
// it stops every task it started before the monitor takes over.
func demo() {
	console.Print("demo: hello x3 and worker x2 (ring 3, own address spaces), kspin x2 (lazy-TLB kernel threads)\n")
	hello, worker := program("bin/hello"), program("bin/worker")
	var hellos [3]*sched.Task
	for i := range hellos {
		hellos[i] = user.Exec("hello", hello)
	}
	w1, w2 := user.Exec("worker", worker), user.Exec("worker", worker)
	stopSpin.Store(false)
	s1 := sched.Spawn("kspin", spinner, 0)
	s2 := sched.Spawn("kspin", spinner, 1)
	sched.Sleep(2 * sched.HZ)
	stress.PrintTasks()
	console.Printf("demo: %d context switches, %d preemptions, %d ticks, %d CR3 writes, %d switches without one, %d lazy borrows\n",
		sched.Schedules, sched.Preemptions, sched.Ticks, sched.CR3Writes, sched.CR3Skips, sched.LazyBorrows)
	stopSpin.Store(true)
	sched.Kill(w1)
	sched.Kill(w2)
	if !sched.WaitGone(sched.HZ, s1, s2, hellos[0], hellos[1], hellos[2]) {
		console.Print("demo: some of its tasks are still running\n")
	}
	console.Print("demo: done. Try `make qemu` (the race), `make qemu CMDLINE=\"test=all\"`, `./qemu.sh stress -- flush=racy`, or see README.md\n")
}

// startMonitor runs the serial-console monitor (never returns).
func startMonitor() {
	monitor.Stress = monitorStress
	monitor.Race = race
	monitor.Run()
}

// monitorStress runs the reproducer from the monitor with flush variant v,
// then puts back the variant the command line chose. A detection ends the
// run, not the session.
func monitorStress(v mm.Variant, seconds uint64) {
	booted := mm.Selected
	mm.Selected = v
	r := stress.Run(stress.Config{
		Users: 2, KThreads: 4, Lockup: 4, Seconds: seconds, Hang: 5, Trace: int(Opts.Trace), Quiet: Opts.Quiet,
	}, program("bin/worker"))
	mm.Selected = booted
	if !r.Detected() && !r.Starved && inject.Percent() == 0 && r.Counts.WindowHits == 0 {
		console.Print("monitor: no detection, and no timer interrupt landed in a flush window: without -icount\n" +
			"         one never does. Boot with ./qemu.sh --icount, or with inject=50 (make qemu does).\n")
	}
}

// kthreads is kthreads= where it means something: scenario=exit has no
// kernel flusher threads.
func kthreads() int {
	if Opts.Scenario == cmdline.ScenarioExit {
		return 0
	}
	return int(Opts.KThreads)
}
