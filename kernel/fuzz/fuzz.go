// Package fuzz is workload=fuzz: ring-3 programs (user/fuzz) throwing
// seeded random system calls at the kernel — wild, kernel, unaligned,
// page-straddling and unmapped pointers, huge and negative lengths,
// unknown numbers, a set direction flag — while others fault or exit on
// purpose, the supervisor kills them at random and respawns them, and
// (stress=on) the stress workload's workers and lazy-TLB flushers run
// beside them.
//
// The verdict: every call returns, with an error for a bad one (the
// fuzzers check the rules of the ABI themselves and exit with a
// violation code when one is broken); the kernel never panics, never
// reports a BUG and never hangs; and once the fuzzers are gone, the free
// frame count and the live address spaces are back at their baseline. A
// failing run prints the seed and the command that reproduces it.
package fuzz

import (
	"tlbrace/kernel/console"
	"tlbrace/kernel/leakcheck"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/stress"
	"tlbrace/kernel/user"
	"tlbrace/kernel/user/abi"
)

// Config is the workload's knobs (validated by kernel/cmdline).
type Config struct {
	Fuzzers int
	Seconds uint64 // guest seconds of fuzzing (0: until stopped)
	Seed    uint64
	Hang    uint64 // guest seconds without a system call that make a hang
	// OOM and FrameCap arm the frame allocator's failures (mm.ArmFailures)
	// for the run: every OOMth allocation a task's page fault or system
	// call makes fails; at most FrameCap frames beyond the baseline, exec
	// included.
	OOM      uint64
	FrameCap int
	// Stress, when set, runs the stress workload with this configuration
	// beside the fuzzers (its Seconds are the run's).
	Stress *stress.Config
	// Arch and Cmdline make the reproduce line: ./qemu.sh -a Arch -- Cmdline.
	Arch, Cmdline string
	// Quiet: no per-second FUZZ lines, only the final one (quiet=).
	Quiet bool
}

// Program is the fuzzer's task name (and its file, bin/fuzz).
const Program = "fuzz"

var (
	cfg  Config
	rnd  sched.Rand
	fuzz []byte

	// isFuzzer[id]: task id runs a fuzzer this supervisor started;
	// seedOf[id] is its seed.
	isFuzzer [sched.MaxTasks]bool
	seedOf   [sched.MaxTasks]uint64

	// Counters.
	Spawned, SpawnFailures, Exits, Killed, Violations uint64

	// The first violation, for the verdict.
	violation struct {
		id         int
		seed, code uint64
	}

	stressDone, stressClean bool
)

// Run runs the workload from the calling kernel thread and returns true
// if the kernel passed.
func Run(c Config, fuzzImage, workerImage []byte) bool {
	cfg, fuzz = c, fuzzImage
	rnd = sched.NewRand(c.Seed, 5)
	user.Muted = muted
	user.OnExit = onExit

	b := leakcheck.Take()
	takeCounters()
	console.Printf("fuzz: start fuzzers=%d seed=%d duration=%ds stress=%t oom=%d framecap=%d\n",
		c.Fuzzers, c.Seed, c.Seconds, c.Stress != nil, c.OOM, c.FrameCap)
	console.Printf("fuzz: frames free before: %d (address spaces alive: %d)\n", b.Free, b.MMs)
	mm.Phys.ArmFailures(c.OOM, c.FrameCap, mm.ForTask)

	if c.Stress != nil {
		stressImage = workerImage
		stressCfg = *c.Stress
		stressCfg.Seconds = c.Seconds
		sched.Spawn("kstress", runStress, 0)
	}
	for i := 0; i < c.Fuzzers; i++ {
		spawn()
	}
	supervise()

	// Stop: no more fuzzers, the stress run ends on its own clock.
	for id := range isFuzzer {
		if alive(id) {
			sched.Kill(sched.ByID(id))
		}
		isFuzzer[id] = false
	}
	for c.Stress != nil && !stressDone {
		sched.Sleep(sched.HZ / 10)
	}
	mm.Phys.DisarmFailures()
	printStat(0)
	return verdict(b)
}

// supervise keeps cfg.Fuzzers fuzzers alive, killing one at random every
// killInterval (racing it with whatever it is doing), until time is up.
//
// Time is the tick count (guest time, exec and all), not the sleeps.
func supervise() {
	const step = 20 // ms between looks
	var lastCalls, nextKill, nextStat uint64
	start := sched.TickCount()
	lastProgress := uint64(0)
	for {
		sched.Sleep(msTicks(step))
		ms := (sched.TickCount() - start) * 1000 / sched.HZ
		if cfg.Seconds != 0 && ms >= cfg.Seconds*1000 {
			break
		}
		if ms >= nextKill {
			killOne()
			nextKill = ms + killInterval
		}
		for live() < cfg.Fuzzers {
			if !spawn() {
				break // out of slots or frames: try again next time
			}
		}
		// A hang: fuzzers alive, and no system call for Hang seconds.
		// (None alive — exec finds no frame under framecap= — is none.)
		if calls := syscalls(); calls != lastCalls || live() == 0 {
			lastCalls, lastProgress = calls, ms
		} else if ms-lastProgress > cfg.Hang*1000 {
			hang()
		}
		if ms >= nextStat+1000 {
			nextStat += 1000
			if !cfg.Quiet {
				printStat(nextStat / 1000)
			}
		}
	}
}

// killInterval (ms): how often the supervisor kills a fuzzer itself.
const killInterval = 100

// spawn starts one fuzzer with the next seed of the run.
func spawn() bool {
	seed := seedFor(cfg.Seed, Spawned)
	t := user.ExecArg(Program, fuzz, seed)
	if t == nil {
		SpawnFailures++
		return false
	}
	Spawned++
	isFuzzer[t.ID], seedOf[t.ID] = true, seed
	return true
}

// seedFor derives fuzzer k's seed from the run's (SplitMix64's finaliser,
// Steele, Lea, Flood: "Fast splittable pseudorandom number generators",
// OOPSLA 2014): a fuzzer's calls are a function of seed= and k alone.
func seedFor(seed, k uint64) uint64 {
	z := seed + (k+1)*0x9E3779B97F4A7C15
	z = (z ^ z>>30) * 0xBF58476D1CE4E5B9
	z = (z ^ z>>27) * 0x94D049BB133111EB
	return z ^ z>>31
}

// alive reports whether task id is a fuzzer that has not ended.
func alive(id int) bool {
	if !isFuzzer[id] {
		return false
	}
	t := sched.ByID(id)
	if t == nil || t.State == sched.Dead || t.MM == nil || t.Name() != Program {
		isFuzzer[id] = false
		return false
	}
	return true
}

func live() int {
	n := 0
	for id := range isFuzzer {
		if alive(id) {
			n++
		}
	}
	return n
}

// killOne kills a random live fuzzer (whatever it is doing: sleeping,
// preempted in ring 3, about to fault).
func killOne() {
	n := live()
	if n == 0 {
		return
	}
	k := int(rnd.Intn(uint32(n)))
	for id := range isFuzzer {
		if alive(id) {
			if k == 0 {
				sched.Kill(sched.ByID(id))
				isFuzzer[id] = false
				Killed++
				return
			}
			k--
		}
	}
}

// muted: the fuzzers' writes are counted, not printed. (isFuzzer[id] may
// outlive a fuzzer until alive looks again: the name tells.)
func muted(t *sched.Task) bool { return isFuzzer[t.ID] && t.Name() == Program }

// onExit reads a fuzzer's exit code: FuzzViolation | nr<<8 | check means
// it caught the kernel breaking a rule of the ABI.
func onExit(t *sched.Task, code int) {
	if !muted(t) {
		return // not a fuzzer
	}
	Exits++
	c := uint64(uint32(code))
	if c&abi.FuzzViolationMask != abi.FuzzViolation {
		return
	}
	Violations++
	console.Printf("FUZZ-VIOLATION: fuzzer task %d (seed %#x) after system call %d: %s\n",
		t.ID, seedOf[t.ID], int8(c>>8), checkName(c&0xff))
	if Violations == 1 {
		violation.id, violation.seed, violation.code = t.ID, seedOf[t.ID], c
	}
}

func checkName(c uint64) string {
	switch c {
	case abi.FuzzCheckENOSYS:
		return "an unknown system call did not return -ENOSYS"
	case abi.FuzzCheckRegs:
		return "a register other than AX changed across the call"
	case abi.FuzzCheckXMM:
		return "X0 changed across the call"
	case abi.FuzzCheckErrno:
		return "a negative result that is no errno of the ABI"
	case abi.FuzzCheckGetpid:
		return "getpid did not return the task id given at entry"
	case abi.FuzzCheckMapinfo:
		return "mapinfo did not return the private address given at entry"
	case abi.FuzzCheckKernelPtr:
		return "write from a kernel address did not fail with -EFAULT"
	case abi.FuzzCheckLength:
		return "write longer than the maximum did not fail with -EINVAL"
	case abi.FuzzCheckFlags:
		return "EFLAGS (the direction flag) changed across the call"
	case abi.FuzzCheckResult:
		return "a call that cannot fail returned something else"
	}
	return "an unknown check"
}

// syscalls is the number of system calls made so far (all tasks).
func syscalls() uint64 {
	var n uint64
	for _, c := range user.Syscalls {
		n += c
	}
	return n + user.ENosys
}

func hang() {
	console.Printf("FUZZ-HANG: no system call in %d s of guest time\n", cfg.Hang)
	printStat(0)
	stress.PrintTasks()
	fail("a hang")
	rt.Exit(rt.ExitTestFailed)
}

// The stress workload beside the fuzzers, in its own kernel thread.
var (
	stressCfg   stress.Config
	stressImage []byte
)

func runStress(uintptr) {
	r := stress.Run(stressCfg, stressImage)
	stressClean = !r.Detected() && !r.Starved
	stressDone = true
}

func msTicks(ms uint64) uint64 {
	n := ms * sched.HZ / 1000
	if n == 0 {
		n = 1
	}
	return n
}
