// Package cmdline turns the kernel command line into typed options.
//
// This file defines the options: the Options struct the kernel reads and
// the table describing each option (its name, kind, range, default and
// help). Adding an option means adding a field and one table line.
// parse.go reads a command line; usage.go prints options and help.
package cmdline

import "unsafe"

// Flush is flush=: how the kernel flushes stale TLB entries.
type Flush uint8

const (
	FlushFixed  Flush = iota // the correct protocol: the primitive guards itself (2004, 2016)
	FlushRacy                // the protocol with the race left in
	FlushModern              // Linux since 2018: the primitive asserts, its callers guard
)

// Scenario is scenario=: which code path borrows an address space and
// flushes the TLB — the race as Linux met it in 2004, 2016 and 2018.
type Scenario uint8

const (
	ScenarioKthread Scenario = iota // 2004: lazy-TLB kernel threads flush in a loop (the seed)
	ScenarioExit                    // 2016: user tasks exit; exit_mm sets mm to nil, the teardown flushes (5cf0791da5c1)
	ScenarioCaller                  // 2018: the page allocator's DEBUG_PAGEALLOC path flushes globally (f77084d96355)
)

// Caller is caller=: whether scenario=caller's flush caller keeps the
// modern contract (preemption disabled around its flush).
type Caller uint8

const (
	CallerFixed Caller = iota // f77084d96355: preempt_disable() around the flush
	CallerRacy                // before it: the flush runs preemptible
)

// Sched is sched=: the order in which runnable threads are picked.
type Sched uint8

const (
	SchedRR      Sched = iota // round robin
	SchedShuffle              // seeded pseudo-random order
)

// Workload is workload=: what runs once the kernel has booted.
type Workload uint8

const (
	WorkloadNone Workload = iota
	WorkloadDemo
	WorkloadStress
	WorkloadMonitor
	WorkloadExplore
	WorkloadShoot
	WorkloadRace // make qemu's default: the race caught, explained, and the fix shown
	WorkloadFuzz
)

// Shootdown is shootdown=: how a TLB shootdown treats lazy CPUs.
type Shootdown uint8

const (
	ShootdownFixed    Shootdown = iota // Linux 2.6.10: lazy CPUs leave the mm, switch_mm reloads when they come back
	ShootdownNoReload                  // no reload on lazy re-entry
	ShootdownSkipLazy                  // lazy CPUs skipped, left in the mask
)

// Fault is fault=: a deliberate fault raised at boot, for the fault tests.
type Fault uint8

const (
	FaultNone          Fault = iota
	FaultNil                 // nil pointer dereference
	FaultBounds              // index out of range
	FaultStackOverflow       // unbounded recursion
	FaultDivide              // integer divide by zero (#DE)
	FaultGPF                 // general protection fault (#GP)
	FaultBreakpoint          // int3 (#BP)
	FaultGuardPage           // assembly pushing into a stack's guard page (#PF, then #DF)
)

// Bench is bench=: a measurement to run instead of a workload.
type Bench uint8

const (
	BenchNone   Bench = iota
	BenchSwitch       // the cost of a preemptive context switch
)

// Options holds every boot option. Parse fills in the defaults for options
// not given. Strings point into the command line, which must stay put.
type Options struct {
	Test      string // test=: "", "all" or name,name*,...; see WantsTest
	Flush     Flush
	Scenario  Scenario
	Caller    Caller
	Seed      uint64
	HZ        uint64 // mean timer interrupt rate
	Sched     Sched
	Workload  Workload
	Fault     Fault
	Quiet     bool
	Duration  uint64 // seconds; 0 means until stopped
	Lockup    uint64 // faults in a row at one address that count as a lockup
	CheckCR3  bool
	Inject    uint64 // percent; 0 means off
	Trace     uint64 // trace ring entries to dump
	Users     uint64
	KThreads  uint64
	Churn     bool
	Steer     bool   // stress: the picks after a preemption in a flush window expose the race
	KeepGoing bool   // stress: count every detection and go on (the racy kernel's steady state)
	Hang      uint64 // stress: guest seconds without worker progress that count as a hang
	Explore   uint64 // scheduling decisions enumerated per schedule (workload=explore)
	Schedule  string // one decision string to replay, e.g. 0,2,1 (workload=explore)
	Fuzzers   uint64 // fuzzer tasks at once (workload=fuzz)
	Stress    bool   // workload=fuzz: the stress workload's tasks run beside the fuzzers
	OOM       uint64 // every Nth frame a task's fault or system call needs is refused; 0 = off
	FrameCap  uint64 // frames the workload may hold beyond what was in use at its start; 0 = no cap
	Bench     Bench
	Shootdown Shootdown
	MaxCPUs   uint64 // processors to run on, the boot one included
	SilentCPU uint64 // testing: the Nth listed processor never answers (0: none)
	Help      bool   // print the options and stop
}

// kind says how an option's value is written and how it is stored.
type kind uint8

const (
	kindEnum kind = iota // one of values; stored as a uint8 index into values
	kindUint             // decimal or 0x hex in min..max; stored as uint64
	kindBool             // "name", "name=on" or "name=off"; stored as bool
	kindList             // comma-separated names; stored as string (default "")
)

// option describes one option. off is the offset of its field in Options
// (the tests check that the field's type matches the kind).
type option struct {
	name     string
	kind     kind
	off      uintptr
	def      uint64 // default: enum index, number, or 1 for on
	min, max uint64 // allowed range of a kindUint
	values   []string
	help     string
}

const maxUint64 = 1<<64 - 1

// MaxCPUs is maxcpus='s upper bound: kernel/rt's MaxCPUs (the kernel
// checks that they agree).
const MaxCPUs = 4

// onOff names the two values of a kindBool option, indexed by value.
var onOff = []string{"off", "on"}

// table lists the options in the order Usage and Describe print them.
var table = [...]option{
	{"test", kindList, unsafe.Offsetof(Options{}.Test), 0, 0, 0, nil, "kernel tests to run: all, or comma-separated names (name* matches a prefix); empty runs none"},
	{"flush", kindEnum, unsafe.Offsetof(Options{}.Flush), uint64(FlushFixed), 0, 0, []string{FlushFixed: "fixed", FlushRacy: "racy", FlushModern: "modern"}, "TLB flush protocol: fixed (the primitive guards), racy (nothing does), modern (callers guard)"},
	{"scenario", kindEnum, unsafe.Offsetof(Options{}.Scenario), uint64(ScenarioKthread), 0, 0, []string{ScenarioKthread: "kthread", ScenarioExit: "exit", ScenarioCaller: "caller"}, "stress, explore: who borrows an mm and flushes (2004, 2016, 2018)"},
	{"caller", kindEnum, unsafe.Offsetof(Options{}.Caller), uint64(CallerFixed), 0, 0, []string{CallerFixed: "fixed", CallerRacy: "racy"}, "scenario=caller: its flush runs with preemption off, or preemptible"},
	{"seed", kindUint, unsafe.Offsetof(Options{}.Seed), 1, 0, maxUint64, nil, "seed for all pseudo-random choices"},
	{"hz", kindUint, unsafe.Offsetof(Options{}.HZ), 1000, 10, 100000, nil, "mean timer interrupt rate, per second"},
	{"sched", kindEnum, unsafe.Offsetof(Options{}.Sched), uint64(SchedRR), 0, 0, []string{SchedRR: "rr", SchedShuffle: "shuffle"}, "scheduling order: round robin, or seeded shuffle"},
	{"workload", kindEnum, unsafe.Offsetof(Options{}.Workload), uint64(WorkloadNone), 0, 0, []string{WorkloadNone: "none", WorkloadDemo: "demo", WorkloadStress: "stress", WorkloadMonitor: "monitor", WorkloadExplore: "explore", WorkloadShoot: "shoot", WorkloadRace: "race", WorkloadFuzz: "fuzz"}, "what runs after boot"},
	{"fault", kindEnum, unsafe.Offsetof(Options{}.Fault), uint64(FaultNone), 0, 0, []string{FaultNone: "none", FaultNil: "nil", FaultBounds: "bounds", FaultStackOverflow: "stackoverflow", FaultDivide: "divide", FaultGPF: "gpf", FaultBreakpoint: "breakpoint", FaultGuardPage: "guardpage"}, "deliberate fault at boot, for the fault tests"},
	{"quiet", kindBool, unsafe.Offsetof(Options{}.Quiet), 0, 0, 0, nil, "print less: no boot details, no per-second STAT lines"},
	{"duration", kindUint, unsafe.Offsetof(Options{}.Duration), 0, 0, 86400, nil, "seconds to run, 0 = until stopped"},
	{"lockup", kindUint, unsafe.Offsetof(Options{}.Lockup), 100, 2, 1000000, nil, "faults in a row at one address that count as a lockup"},
	{"checkcr3", kindBool, unsafe.Offsetof(Options{}.CheckCR3), 0, 0, 0, nil, "check at every switch that CR3 holds active_mm's page table (CONFIG_DEBUG_VM style)"},
	{"inject", kindUint, unsafe.Offsetof(Options{}.Inject), 0, 0, 100, nil, "preempt at the flush windows through debug-register breakpoints, with this probability in percent; 0 = off"},
	{"trace", kindUint, unsafe.Offsetof(Options{}.Trace), 64, 0, 65536, nil, "trace ring entries to dump"},
	{"users", kindUint, unsafe.Offsetof(Options{}.Users), 3, 1, 16, nil, "stress: user tasks (each its own address space)"},
	{"kthreads", kindUint, unsafe.Offsetof(Options{}.KThreads), 2, 1, 16, nil, "stress: lazy-TLB kernel threads flushing the TLB"},
	{"churn", kindBool, unsafe.Offsetof(Options{}.Churn), 0, 0, 0, nil, "kill and respawn a worker every second (address spaces come and go)"},
	{"steer", kindBool, unsafe.Offsetof(Options{}.Steer), 0, 0, 0, nil, "stress: after a preemption in a flush window, pick the tasks that expose the race (a worker of another mm, the preempted thread, the worker of the mm it borrows); the policy picks otherwise"},
	{"keepgoing", kindBool, unsafe.Offsetof(Options{}.KeepGoing), 0, 0, 0, nil, "stress: count each detection and run on to duration= (the racy kernel's steady state); the run still fails"},
	{"hang", kindUint, unsafe.Offsetof(Options{}.Hang), 5, 1, 3600, nil, "stress: guest seconds without a worker system call that count as a hang (or as starvation, if timer ticks ate the time)"},
	{"explore", kindUint, unsafe.Offsetof(Options{}.Explore), 6, 1, 12, nil, "workload=explore: scheduling decisions to enumerate after each injected preemption"},
	{"schedule", kindList, unsafe.Offsetof(Options{}.Schedule), 0, 0, 0, nil, "workload=explore: replay one decision string (comma-separated choices) instead of enumerating"},
	{"fuzzers", kindUint, unsafe.Offsetof(Options{}.Fuzzers), 4, 1, 16, nil, "workload=fuzz: ring-3 system-call fuzzers running at once"},
	{"stress", kindBool, unsafe.Offsetof(Options{}.Stress), 0, 0, 0, nil, "workload=fuzz: run the stress workload's workers and flushers beside the fuzzers"},
	{"oom", kindUint, unsafe.Offsetof(Options{}.OOM), 0, 0, 1000000, nil, "out of memory on demand: every Nth frame a task's page fault or system call needs is refused (-ENOMEM, or the task is killed); 0 = off"},
	{"framecap", kindUint, unsafe.Offsetof(Options{}.FrameCap), 0, 0, 1 << 18, nil, "out of memory for real: the workload may hold at most N frames beyond those in use when it starts, exec included; 0 = no cap"},
	{"bench", kindEnum, unsafe.Offsetof(Options{}.Bench), uint64(BenchNone), 0, 0, []string{BenchNone: "none", BenchSwitch: "switch"}, "run a measurement instead of a workload"},
	{"shootdown", kindEnum, unsafe.Offsetof(Options{}.Shootdown), uint64(ShootdownFixed), 0, 0, []string{ShootdownFixed: "fixed", ShootdownNoReload: "noreload", ShootdownSkipLazy: "skiplazy"}, "TLB shootdown on SMP: Linux 2.6.10's, or without switch_mm's reload on lazy re-entry, or skipping lazy CPUs"},
	{"maxcpus", kindUint, unsafe.Offsetof(Options{}.MaxCPUs), MaxCPUs, 1, MaxCPUs, nil, "processors to run on, the boot processor included (qemu.sh --smp N gives N)"},
	{"silentcpu", kindUint, unsafe.Offsetof(Options{}.SilentCPU), 0, 0, 15, nil, "testing: the Nth processor the firmware lists never answers its start-up IPI (0 = none)"},
	{"help", kindBool, unsafe.Offsetof(Options{}.Help), 0, 0, 0, nil, "print this list of options and stop"},
}

// names returns the value names of an enum or bool option (nil otherwise).
func (e *option) names() []string {
	if e.kind == kindBool {
		return onOff
	}
	return e.values
}

// get and set read and write the option's field in o as a uint64
// (enum index, number, or 0/1); kindList fields are strings, see str.
func (e *option) get(o *Options) uint64 {
	p := unsafe.Add(unsafe.Pointer(o), e.off)
	switch e.kind {
	case kindEnum:
		return uint64(*(*uint8)(p))
	case kindUint:
		return *(*uint64)(p)
	case kindBool:
		if *(*bool)(p) {
			return 1
		}
	}
	return 0
}

func (e *option) set(o *Options, v uint64) {
	p := unsafe.Add(unsafe.Pointer(o), e.off)
	switch e.kind {
	case kindEnum:
		*(*uint8)(p) = uint8(v)
	case kindUint:
		*(*uint64)(p) = v
	case kindBool:
		*(*bool)(p) = v != 0
	}
}

// str points at the string field of a kindList option.
func (e *option) str(o *Options) *string {
	return (*string)(unsafe.Add(unsafe.Pointer(o), e.off))
}
