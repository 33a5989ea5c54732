package fuzz

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/leakcheck"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user"
)

// counters holds the run's starting values of the global counters
// printStat reports as differences.
type counters struct {
	faultKills, efaults, einvals, enosys, enomems, injected uint64
}

var start counters

func takeCounters() {
	start = counters{faultKills: sched.FaultKills, efaults: user.EFaults, einvals: user.EInvals,
		enosys: user.ENosys, enomems: user.ENomems, injected: mm.Phys.Injected}
}

// printStat prints one line of counters: "FUZZ t=Ns" every second,
// "FUZZ end" (second 0) at the end; one Printf, so that no other line
// lands in the middle of it.
func printStat(second uint64) {
	var label [16]byte
	n := console.Format(label[:], "end")
	if second != 0 {
		n = console.Format(label[:], "t=%ds", second)
	}
	console.Printf("FUZZ %s syscalls=%d enosys=%d efault=%d einval=%d enomem=%d spawned=%d spawn_failures=%d exits=%d "+
		"fault_kills=%d killed=%d violations=%d oom_injected=%d muted_bytes=%d frames_free=%d\n",
		label[:n], syscalls(), user.ENosys-start.enosys, user.EFaults-start.efaults, user.EInvals-start.einvals,
		user.ENomems-start.enomems, Spawned, SpawnFailures, Exits, sched.FaultKills-start.faultKills, Killed,
		Violations, mm.Phys.Injected-start.injected, user.MutedBytes, mm.Phys.Free)
}

// verdict compares the end of the run with its baseline and prints the
// result line; a failure also prints how to reproduce it.
func verdict(b leakcheck.Baseline) bool {
	ok := leakcheck.Check(b, "fuzz")
	if Violations != 0 {
		console.Printf("fuzz: FAIL: %d fuzzers caught the kernel breaking the ABI (the first: exit code %#x)\n", Violations, violation.code)
		ok = false
	}
	if cfg.Stress != nil && !stressClean {
		console.Print("fuzz: FAIL: the stress run beside the fuzzers failed\n")
		ok = false
	}
	if !ok {
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
