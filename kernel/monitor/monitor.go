// Package monitor is a small command shell on the serial console, for
// `make qemu`: look at tasks, address spaces and counters, dump the trace,
// and start the stress reproducer with either flush variant.
package monitor

import (
	"unsafe"

	"tlbrace/kernel/console"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/rt"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/serial"
	"tlbrace/kernel/stress"
	"tlbrace/kernel/trace"
)

// Stress starts the reproducer with a flush variant, Race the race demo
// of make qemu (installed by the kernel, which knows the worker program
// and the boot options).
var (
	Stress func(v mm.Variant, seconds uint64)
	Race   func()
)

type command struct {
	name, args, help string
	run              func(arg string)
}

var commands = [...]command{
	{"help", "", "this list", nil},
	{"ps", "", "tasks: state, mm, active_mm, switches, preemptions, borrows, CPU; and each CPU", ps},
	{"mm", "", "address spaces: id, page table, mm_users, mm_count, VMAs; and what CR3 holds", mms},
	{"stat", "", "scheduler, TLB and fault counters, per CPU too", stat},
	{"trace", "", "the last trace events (recorded during stress runs)", dumpTrace},
	{"stress", "racy|fixed [seconds]", "run the lockup reproducer (default 10 s, or until a detection)", runStress},
	{"race", "", "the race demo again: racy until detected, explained, then fixed", runRace},
	{"exit", "", "leave QEMU", exit},
}

// line is the input buffer: static, since views of it are handed to the
// commands through function values (a local would escape to the heap).
var line [128]byte

// Run reads commands until exit. Input is polled (one tick between
// polls), so the rest of the system keeps running meanwhile.
func Run() {
	console.Print("monitor: type help for commands\n")
	for {
		console.Print("tlbrace> ")
		n := readLine(line[:])
		// A string view of the line, no copy (string() would allocate).
		name, arg := split(unsafe.String(&line[0], n))
		if name == "" {
			continue
		}
		found := false
		for i := range commands {
			if commands[i].name == name && commands[i].run != nil {
				commands[i].run(arg)
				found = true
			}
		}
		if name == "help" {
			help()
		} else if !found {
			console.Printf("unknown command \"%s\"\n", name)
			help()
		}
	}
}

// readLine reads one line, echoing as it goes; backspace edits.
func readLine(buf []byte) int {
	n := 0
	for {
		b, ok := serial.TryGetByte()
		if !ok {
			sched.Sleep(1)
			continue
		}
		switch {
		case b == '\r' || b == '\n':
			console.Print("\n")
			return n
		case (b == 0x7f || b == 8) && n > 0:
			n--
			console.Print("\b \b")
		case b >= ' ' && b < 0x7f && n < len(buf):
			buf[n] = b
			n++
			console.Printf("%c", b)
		}
	}
}

func split(s string) (name, arg string) {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	j := i
	for j < len(s) && s[j] != ' ' {
		j++
	}
	name = s[i:j]
	for j < len(s) && s[j] == ' ' {
		j++
	}
	return name, s[j:]
}

func help() {
	for i := range commands {
		c := &commands[i]
		console.Printf("  %-7s %-22s %s\n", c.name, c.args, c.help)
	}
}

func ps(string) { stress.PrintTasks() }

func mms(string) {
	console.Print("  id  page table  users  count  pages\n")
	console.Printf("  %2d  %#10x  (init_mm: the kernel's own, never freed)\n", 0, mm.KernelRoot)
	mm.Each(printMM)
	console.Print("  CR3 holds the page table of ")
	mm.PrintOwner(readCR3())
	t := sched.Current()
	console.Printf("; this task (%s) believes it runs on mm %d\n", t.Name(), t.ActiveMM.IDOrNone())
}

func printMM(m *mm.MM) {
	console.Printf("  %2d  %#10x  %5d  %5d  %5d\n", m.ID, m.Root, m.Users, m.Count, m.Pages)
	mm.PrintVMAs(m)
}

func stat(string) {
	console.Printf("  ticks %d, schedules %d, preemptions %d (%d inside a flush window), voluntary %d\n",
		sched.Ticks, sched.Schedules, sched.Preemptions, sched.PreemptionsInWindow, sched.Voluntary)
	console.Printf("  timer interrupts inside a flush window %d; CR3 writes %d, same-mm switches without one %d, lazy borrows %d\n",
		sched.WindowHits, sched.CR3Writes, sched.CR3Skips, sched.LazyBorrows)
	console.Printf("  flushes %d, global flushes %d, unguarded lazy flushes %d\n", mm.Flushes, mm.GlobalFlushes, mm.UnguardedLazyFlushes())
	console.Printf("  faults: demand %d, spurious (present PTE) %d, segfaults %d; frames free %d of %d\n",
		mm.DemandFaults, mm.SpuriousFaults, mm.Segfaults, mm.Phys.Free, mm.Phys.Total)
	console.Printf("  cpus %d online; migrations %d, reschedule IPIs %d\n", sched.CPUs(), sched.Migrations, sched.ReschedIPIs)
	sched.CPUStats(statCPU)
	if sched.SwitchesMeasured > 0 {
		console.Printf("  preemptive switch: %d TSC cycles on average\n", sched.SwitchCycles/sched.SwitchesMeasured)
	}
}

func statCPU(c *sched.CPUStat) {
	console.Printf("  cpu %d: ticks %d, switches %d (%d to idle), %d queued\n", c.ID, c.Ticks, c.Switches, c.Idle, c.Queued)
}

func dumpTrace(string) {
	if trace.Count() == 0 {
		console.Print("  no events: the trace records during stress runs\n")
		return
	}
	trace.Dump(32)
}

func runStress(arg string) {
	name, rest := split(arg)
	v, ok := mm.VariantNamed(name)
	if !ok {
		console.Print("usage: stress racy|fixed [seconds]\n")
		return
	}
	secs := uint64(10)
	if rest != "" {
		secs = 0
		for i := 0; i < len(rest); i++ {
			if rest[i] < '0' || rest[i] > '9' || secs > 86400 {
				console.Printf("bad number of seconds %q\n", rest)
				return
			}
			secs = secs*10 + uint64(rest[i]-'0')
		}
	}
	if Stress == nil {
		console.Print("stress is not available\n")
		return
	}
	Stress(v, secs)
}

func runRace(string) {
	if Race == nil {
		console.Print("race is not available\n")
		return
	}
	Race()
}

func exit(string) { rt.Exit(rt.ExitPass) }
