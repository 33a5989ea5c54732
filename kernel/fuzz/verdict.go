package fuzz

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/stress"
	"tlbrace/kernel/user"
)

// baseline is what must be back once the fuzzers are gone.
type baseline struct {
	free, mms                       int
	bugs, doubleFrees, badFrees     uint64
	faultKills, efaults, einvals    uint64
	enosys, enomems, injected, ooms uint64
}

// takeBaseline counts free frames and live address spaces with this
// thread on init_mm: a kernel thread lazily borrowing an exited task's mm
// keeps its page table alive until it lets go (LeaveMM), which is no leak.
func takeBaseline() baseline {
	settle()
	b := baseline{free: mm.Phys.Free, mms: liveMMs(), bugs: sched.Bugs,
		doubleFrees: mm.Phys.DoubleFrees, badFrees: mm.Phys.BadFrees, faultKills: sched.FaultKills,
		efaults: user.EFaults, einvals: user.EInvals, enosys: user.ENosys, enomems: user.ENomems,
		injected: mm.Phys.Injected}
	start = b
	return b
}

// start is the baseline of the running workload (for printStat).
var start baseline

// settle waits until no task is left dead but unreaped, then lets go of
// any borrowed address space.
func settle() {
	for i := 0; i < 1000 && anyDead(); i++ {
		sched.Sleep(1)
	}
	sched.LeaveMM()
}

func anyDead() bool {
	dead := false
	sched.Tasks(func(t *sched.Task) {
		if t.State == sched.Dead {
			dead = true
		}
	})
	return dead
}

func liveMMs() int {
	n := 0
	mm.Each(func(*mm.MM) { n++ })
	return n
}

// printStat prints one line of counters: "FUZZ t=Ns" every second,
// "FUZZ end" (second 0) at the end.
func printStat(second uint64) {
	if second == 0 {
		console.Print("FUZZ end ")
	} else {
		console.Printf("FUZZ t=%ds ", second)
	}
	console.Printf("syscalls=%d enosys=%d efault=%d einval=%d enomem=%d spawned=%d spawn_failures=%d exits=%d "+
		"fault_kills=%d killed=%d violations=%d oom_injected=%d muted_bytes=%d frames_free=%d\n",
		syscalls(), user.ENosys-start.enosys, user.EFaults-start.efaults, user.EInvals-start.einvals,
		user.ENomems-start.enomems, Spawned, SpawnFailures, Exits, sched.FaultKills-start.faultKills, Killed,
		Violations, mm.Phys.Injected-start.injected, user.MutedBytes, mm.Phys.Free)
}

// verdict compares the end of the run with its baseline and prints the
// result line; a failure also prints how to reproduce it.
func verdict(b baseline) bool {
	settle()
	free, mms := mm.Phys.Free, liveMMs()
	console.Printf("fuzz: frames free after: %d (before: %d)\n", free, b.free)
	console.Printf("fuzz: address spaces alive after: %d (before: %d)\n", mms, b.mms)
	ok := true
	why := func(cond bool, format string, v1, v2 uint64) {
		if cond {
			console.Print("fuzz: FAIL: ")
			console.Printf(format, v1, v2)
			console.Print("\n")
			ok = false
		}
	}
	why(free != b.free, "%d frames leaked (%d free before)", uint64(b.free-free), uint64(b.free))
	why(mms != b.mms, "%d address spaces leaked (%d alive before)", uint64(mms-b.mms), uint64(b.mms))
	why(sched.Bugs != b.bugs, "%d BUG reports (%d before)", sched.Bugs-b.bugs, b.bugs)
	why(mm.Phys.DoubleFrees+mm.Phys.BadFrees != b.doubleFrees+b.badFrees, "%d double or bad frees (%d before)",
		mm.Phys.DoubleFrees+mm.Phys.BadFrees-b.doubleFrees-b.badFrees, b.doubleFrees+b.badFrees)
	why(Violations != 0, "%d fuzzers caught the kernel breaking the ABI (first: code %#x)", Violations, violation.code)
	why(cfg.Stress != nil && !stressClean, "the stress run beside the fuzzers failed (%d, %d)", 0, 0)
	if !ok {
		if mms != b.mms {
			mm.Each(printMM)
			stress.PrintTasks()
		}
		fail("see above")
		return false
	}
	console.Printf("fuzz: result clean seed=%d: %d fuzzers started, %d system calls, frames and address spaces back at the baseline\n",
		cfg.Seed, Spawned, syscalls())
	return true
}

// fail prints the failure line with the way to reproduce the run.
func fail(why string) {
	console.Printf("fuzz: result FAILED seed=%d: %s\n", cfg.Seed, why)
	if violation.code != 0 {
		console.Printf("fuzz: the first violating fuzzer had seed %#x (task %d)\n", violation.seed, violation.id)
	}
	console.Printf("fuzz: reproduce: ./qemu.sh -a %s -- %s\n", cfg.Arch, cfg.Cmdline)
	console.Printf("fuzz: (each fuzzer's calls follow from seed= alone; for the same interleaving too: ./qemu.sh --icount -a %s -- %s)\n",
		cfg.Arch, cfg.Cmdline)
}

func printMM(m *mm.MM) {
	console.Printf("fuzz: alive: mm %d users %d count %d pages %d root %#x\n", m.ID, m.Users, m.Count, m.Pages, m.Root)
}
