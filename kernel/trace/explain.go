package trace

import "tlbrace/kernel/console"

// Explain tells the race as numbered steps, read from the events recorded
// since from (Mark at the start of a run): the README's "A detected
// lockup, step by step", generated from the run that just failed. The
// README's copy is this output of a real run (make race-doc), so the text
// and the kernel cannot drift apart.
//
// It looks for the stale write — a task resuming in a flush window with a
// CR3 value that belongs to another mm than the one it borrows now —
// that made CR3 wrong, preferring one that a user task then ran on (a
// switch_mm that trusted the wrong CR3), and walks out from it: the borrow
// and the preemption before, the CR3 load while the task was away, the
// lazy threads that carried the stale CR3, the skipped reload, the fault,
// the detection. kind names the detector that fired (LOCKUP, CROSS-MM,
// CR3-MISMATCH, ...) and lockup its threshold, for the last step.
//
// No heap: it reads the ring in place and prints as it goes.
func Explain(from uint64, kind string, lockup int) {
	was := Enabled
	Enabled = false
	defer func() { Enabled = was }()

	lo, end := from, next
	if end-lo > MaxEntries {
		lo = end - MaxEntries
	}
	if end == lo {
		return
	}
	det := uint64(end - 1)
	if d := find(end, lo, func(e *Entry) bool { return e.Kind == Detect }); d >= 0 {
		det = uint64(d)
	}
	ep := findEpisode(lo, det+1, at(det).CPU)
	console.Print("WHAT HAPPENED (read from the trace above; ticks count from boot):\n")
	if r := find(det, lo, func(e *Entry) bool { return e.Kind == ResumeWindow && e.VOwner == freedTable }); kind == "FREED-PGD" && r >= 0 {
		freedResume(lo, uint64(r))
		console.Print("WHAT HAPPENED END\n")
		return
	}
	if ep.resume < 0 {
		out.step(0)
		out.text("The trace holds no stale CR3 write (a task resuming in a flush window with another mm's CR3 value): " +
			"this detection is not the flush race, or the race began before the trace.")
		out.end()
		console.Print("WHAT HAPPENED END\n")
		return
	}
	r := at(uint64(ep.resume))
	k := r.A
	step := 0
	preemptStep := 0
	multi := findFwd(lo, det+1, func(e *Entry) bool { return e.CPU != r.CPU }) >= 0 // several CPUs: say which

	// The borrow, and the preemption in the window.
	p := find(uint64(ep.resume), lo, func(e *Entry) bool { return e.Kind == PreemptWindow && e.A == k })
	if p >= 0 {
		pe := at(uint64(p))
		if in := find(uint64(p), lo, func(e *Entry) bool { return e.Kind == Switch && e.B == k }); in >= 0 {
			se := at(uint64(in))
			step++
			out.stepAt(step, se.Tick)
			out.switchText(se.A, k)
			if multi {
				out.printf(" on CPU %d", se.CPU)
			}
			out.text(". ")
			out.task(k)
			out.text(" is a kernel thread: it has no mm of its own, so it borrows ")
			out.mm(int(se.X))
			out.text(" (lazy TLB): no CR3 write. CR3 holds ")
			out.cr3(se.CR3)
			out.text("'s page table.")
			out.end()
		}
		step++
		preemptStep = step
		out.stepAt(step, pe.Tick)
		out.task(k)
		if multi {
			out.printf(" on CPU %d", pe.CPU)
		}
		out.text(" flushes the TLB with no preemption guard: `mov~%cr3,%reg` reads ")
		out.cr3(pe.V)
		out.text("'s page table into a register, and ")
		if pe.B == vecDebug {
			out.text("a debug-register breakpoint on the CR3 write (inject=)")
		} else {
			out.text("the timer")
		}
		out.text(" preempts it right there, before `mov~%reg,%cr3`. The value waits in its saved registers")
		if v := owner(pe.V); v != int(pe.X) {
			// It read a CR3 that was wrong already: say who made it so.
			out.text(" (although it borrows ")
			out.mm(int(pe.X))
			out.text(": CR3 was stale already")
			if r0 := find(uint64(p), lo, func(e *Entry) bool { return e.Kind == ResumeWindow && owner(e.V) == v && int(e.X) != v }); r0 >= 0 {
				e0 := at(uint64(r0))
				out.text(", written by ")
				out.task(e0.A)
				out.printf(" at tick %d, the same race, harmless so far", e0.Tick)
			}
			out.text(")")
		}
		out.text(".")
		out.end()
		// While it is away: the CR3 load of another mm, on the CPU where
		// it resumes (the last one there before the resume, when it was
		// preempted on another CPU).
		l := findFwd(uint64(p)+1, uint64(ep.resume), func(e *Entry) bool { return e.Kind == CR3Write && e.CPU == r.CPU })
		if pe.CPU != r.CPU {
			l = find(uint64(ep.resume), lo, func(e *Entry) bool { return e.Kind == CR3Write && e.CPU == r.CPU })
		}
		if l >= 0 {
			le := at(uint64(l))
			step++
			out.stepAt(step, le.Tick)
			if pe.CPU != r.CPU {
				// Earlier, on the CPU it will come back to.
				out.printf("on CPU %d, where ", le.CPU)
				out.task(k)
				out.text(" will resume, ")
			}
			out.text("switch_mm loads CR3 = ")
			out.mm(int(le.X))
			out.text(" for ")
			out.task(le.A)
			if multi && pe.CPU == r.CPU {
				out.printf(" on CPU %d", le.CPU)
			}
			out.text(": its mm differs from the one before. CR3 is right")
			// Switches after the load: its own, the others, the one back to k.
			if n := count(uint64(l)+1, uint64(ep.resume), Switch, r.CPU) - 2; n == 1 {
				out.printf(", and stays right through one more switch (to tick %d)", r.Tick)
			} else if n > 1 {
				out.printf(", and stays right through %d more switches (to tick %d)", n, r.Tick)
			}
			out.text(".")
			out.end()
		}
	}

	// The stale write.
	step++
	if in := find(uint64(ep.resume), lo, func(e *Entry) bool { return e.Kind == Switch && e.B == k }); in >= 0 {
		se := at(uint64(in))
		out.stepAt(step, se.Tick)
		out.switchText(se.A, k)
		out.text(": ")
	} else {
		out.stepAt(step, r.Tick)
	}
	out.task(k)
	out.text(" now borrows ")
	out.mm(int(r.X))
	if p >= 0 && at(uint64(p)).CPU != r.CPU {
		out.printf(" on CPU %d (it was preempted on CPU %d)", r.CPU, at(uint64(p)).CPU)
	}
	out.text(", resumes at `mov~%reg,%cr3` and writes the value it read")
	if p >= 0 {
		out.printf(" at tick %d", at(uint64(p)).Tick)
	}
	out.text(": CR3 = ")
	out.cr3(r.V)
	out.text(" while its active_mm is ")
	out.mm(int(r.X))
	out.text(". Nothing notices: the kernel half of every page table is the same.")
	out.end()

	// The skipped reload, and what the detector saw.
	w := int16(-1)
	from = uint64(ep.resume)
	if ep.skip >= 0 {
		sk := at(uint64(ep.skip))
		w = sk.A
		from = uint64(ep.skip)
		step++
		out.stepAt(step, sk.Tick)
		if sw := findFwd(uint64(ep.skip)+1, det+1, func(e *Entry) bool { return e.Kind == Switch && e.B == w }); sw >= 0 {
			carrier := at(uint64(sw)).A
			out.switchText(carrier, w)
			if n := count(uint64(ep.resume)+1, uint64(ep.skip), Borrow, r.CPU); n > 0 && carrier != k {
				// Lazy threads in between carried the stale CR3 along.
				out.text(" (")
				out.task(carrier)
				out.text(", another lazy kernel thread, borrowed ")
				out.mm(int(sk.X))
				if n == 1 {
					out.text(" after the write and ran on the stale CR3 too)")
				} else {
					out.printf(" and ran on the stale CR3 too, as did the others of the %d lazy switches since the write)", n)
				}
			}
			out.text(": ")
		}
		out.text("switch_mm(")
		out.mm(int(sk.X))
		out.text(", ")
		out.mm(int(sk.X))
		out.text(") sees the same mm and skips the CR3 load. ")
		out.task(w)
		out.text(" (")
		out.mm(int(sk.X))
		if caught := kind == "CR3-MISMATCH" && at(det).A == w; caught {
			out.text(") would run in ring 3 on ")
		} else {
			out.text(") runs in ring 3 on ")
		}
		out.cr3(sk.CR3)
		out.text("'s page tables.")
		out.end()
	}
	step++
	lastStep(step, kind, lockup, w, from, det)
	out.step(0)
	if preemptStep > 0 {
		out.printf("With flush=fixed step %d cannot happen: ", preemptStep)
	} else {
		out.text("With flush=fixed the preemption in the window cannot happen: ")
	}
	out.text("preemption is off from the CR3 read to the write, and the reschedule waits for preempt_enable, after the write.")
	out.end()
	console.Print("WHAT HAPPENED END\n")
}

// vecDebug is the #DB vector (SDM Vol. 3A §6.3.1), as kernel/trap names it.
const vecDebug = 1

// lastStep tells how the detector saw it; w is the user task that ran on
// the stale CR3 (-1: none did), searched for a fault in [from, det].
func lastStep(step int, kind string, lockup int, w int16, from, det uint64) {
	de := at(det)
	switch kind {
	case "LOCKUP":
		f := findFwd(from, det+1, func(e *Entry) bool { return e.Kind == Fault && (w < 0 || e.A == w) })
		if f < 0 {
			break
		}
		fe := at(uint64(f))
		out.stepAt(step, fe.Tick)
		out.task(fe.A)
		out.printf(" faults at %#x: present in its own ", fe.V)
		out.mm(int(fe.X))
		out.text(", but CR3 = ")
		out.cr3(fe.CR3)
		out.text(". The fault handler finds nothing to fix and returns; the access faults again, and again: " +
			"the seed's endless page-fault loop, reported as LOCKUP after ")
		out.printf("%d faults in a row.", lockup)
		out.end()
		return
	case "CR3-MISMATCH":
		out.stepAt(step, de.Tick)
		if de.A == w {
			out.text("the debug check at that same switch (checkcr3=on; explore's oracle) compares CR3 with the page table of ")
			out.task(w)
			out.text("'s active_mm and finds another mm's: CR3-MISMATCH, before ")
			out.task(w)
			out.text(" runs a single instruction on it.")
		} else {
			out.text("the debug check at the switch to ")
			out.task(de.A)
			out.text(" (checkcr3=on) compares CR3 with the page table of its active_mm and finds another mm's: " +
				"CR3-MISMATCH, before a user task runs on it.")
		}
		out.end()
		return
	case "CROSS-MM":
		out.stepAt(step, de.Tick)
		out.task(de.A)
		if w < 0 || de.A == w {
			out.text(" reads its signature page through the wrong page tables and finds another task's signature")
		} else {
			out.text(" finds another task's signature in its own page: ")
			out.task(w)
			out.text(", running on the wrong page tables, wrote it there")
		}
		out.text(": silent access to another process's memory (CROSS-MM).")
		out.end()
		return
	case "FOREIGN-POINTER":
		out.stepAt(step, de.Tick)
		out.task(de.A)
		if w < 0 || de.A == w {
			out.text(" reads its stack through the wrong page tables, gets another task's pointer and uses it")
		} else {
			out.text(" uses a pointer of another address space, found on its own stack: ")
			out.task(w)
			out.text(", running on the wrong page tables, wrote it there")
		}
		out.text(" (FOREIGN-POINTER).")
		out.end()
		return
	}
	out.stepAt(step, de.Tick)
	out.printf("the detector %s fires in ", kind)
	out.task(de.A)
	out.text(".")
	out.end()
}

// episode is one stretch during which CR3 did not hold what the scheduler
// believed: resume is the stale write that began it, skip the first
// switch_mm that trusted the wrong CR3 in it (-1: none).
type episode struct{ resume, skip int64 }

// findEpisode replays the events [lo, end) of CPU cpu keeping track of
// its CR3's owner and its running task's active_mm, and returns the
// episode that matters at end: the one still open, if a user task ran on
// it or none did; otherwise the last closed one a user task ran on. (Each
// CPU has its own CR3: on several, the others' events would make the
// replay's CR3 and belief those of whichever CPU recorded last.)
func findEpisode(lo, end uint64, cpu int8) episode {
	const unknown = -3
	cur, harmful := episode{-1, -1}, episode{-1, -1}
	belief, cr3 := unknown, unknown
	wrong := false
	for i := lo; i < end; i++ {
		e := at(i)
		if e.CPU != cpu {
			continue
		}
		switch e.Kind {
		case Switch:
			belief, cr3 = int(e.X), owner(e.CR3)
			if cr3 != belief && cur.resume < 0 {
				cur = episode{lastStaleResume(lo, i, cr3, cpu), -1}
			}
		case Borrow:
			belief = int(e.X)
		case CR3Write:
			belief, cr3 = int(e.X), int(e.X)
		case CR3Skip:
			belief, cr3 = int(e.X), owner(e.CR3)
			if cr3 != belief && cur.resume < 0 {
				cur = episode{lastStaleResume(lo, i, cr3, cpu), -1}
			}
			if cr3 != belief && cur.resume >= 0 && cur.skip < 0 {
				cur.skip = int64(i)
			}
		case ResumeWindow:
			if e.VOwner == freedTable {
				belief = int(e.X) // a freed table: the write was defused, CR3 kept (freedResume)
				break
			}
			belief, cr3 = int(e.X), owner(e.V)
			if cr3 != belief && !wrong {
				cur = episode{int64(i), -1}
			}
		}
		now := cr3 != belief && belief != unknown && cr3 != unknown
		if wrong && !now {
			if cur.skip >= 0 {
				harmful = cur
			}
			cur = episode{-1, -1}
		}
		wrong = now
	}
	if wrong && cur.resume >= 0 && (cur.skip >= 0 || harmful.resume < 0) {
		return cur
	}
	if harmful.resume >= 0 {
		return harmful
	}
	return cur
}

// lastStaleResume finds, for a CR3 of CPU cpu seen holding mm cr3 where
// the scheduler believes another, the last resume in a flush window on
// that CPU before i that wrote that value into CR3 on another mm (-1:
// none). The replay
// cannot always tell from the resume alone: a task switched back into
// its window can be preempted there again before its write executes (a
// pending tick delivered at the IRET, or inject='s breakpoint firing
// again), so a later resume that seems to have healed CR3 may never have
// written it.
func lastStaleResume(lo, i uint64, cr3 int, cpu int8) int64 {
	for j := i; j > lo; j-- {
		if e := at(j - 1); e.Kind == ResumeWindow && e.CPU == cpu && owner(e.V) == cr3 && int(e.X) != cr3 {
			return int64(j - 1)
		}
	}
	return -1
}

func owner(cr3 uintptr) int {
	if OwnerOf == nil {
		return -3
	}
	return OwnerOf(cr3)
}

func at(i uint64) *Entry { return &ring[i%MaxEntries] }

// find returns the newest index in [lo, before) whose entry ok accepts, or -1.
func find(before, lo uint64, ok func(e *Entry) bool) int64 {
	for i := before; i > lo; i-- {
		if ok(at(i - 1)) {
			return int64(i - 1)
		}
	}
	return -1
}

// findFwd returns the oldest index in [from, end) whose entry ok accepts, or -1.
func findFwd(from, end uint64, ok func(e *Entry) bool) int64 {
	for i := from; i < end; i++ {
		if ok(at(i)) {
			return int64(i)
		}
	}
	return -1
}

// count returns how many entries of kind k lie in [from, end).
// count counts the events of kind k in [from, end) recorded by cpu.
func count(from, end uint64, k Kind, cpu int8) int {
	n := 0
	for i := from; i < end; i++ {
		if e := at(i); e.Kind == k && e.CPU == cpu {
			n++
		}
	}
	return n
}

// para collects one step's text and prints it wrapped at width columns,
// continuation lines indented under the text. '~' is a space that does
// not break a line (inside `mov %cr3,%reg`).
type para struct {
	buf    [1024]byte
	n      int
	indent int
}

// out is the one paragraph being written (static: no heap).
var out para

// width is the column the explanation wraps at.
const width = 100

// step starts a paragraph: "  3. tick 207: " (n > 0) or an unnumbered
// note (n == 0).
func (p *para) step(n int) {
	p.n = 0
	if n == 0 {
		p.text("  ")
		p.indent = 2
		return
	}
	p.printf("  %d. ", n)
	p.indent = p.n
}

func (p *para) stepAt(n int, tick uint64) {
	p.step(n)
	p.printf("tick %d: ", tick)
}

func (p *para) text(s string) { p.n += copy(p.buf[p.n:], s) }

func (p *para) printf(format string, args ...any) {
	p.n += console.Format(p.buf[p.n:], format, args...)
}

func (p *para) task(t int16) {
	if NameOf == nil {
		p.printf("task~%d", t)
		return
	}
	p.printf("%s[%d]", NameOf(int(t)), t)
}

func (p *para) switchText(a, b int16) {
	p.task(a)
	p.text(" -> ")
	p.task(b)
}

func (p *para) mm(id int) {
	switch {
	case id < 0:
		p.text("no~mm")
	case id == 0:
		p.text("init_mm")
	default:
		p.printf("mm~%d", id)
	}
}

// cr3 names the owner of a CR3 value, as cr3Name does.
func (p *para) cr3(v uintptr) {
	switch id := owner(v); {
	case id == -3:
		p.printf("%#x", v)
	case id == -2:
		p.printf("a~freed~page~table~(%#x)", v)
	default:
		p.mm(id)
	}
}

// end prints the paragraph, wrapped.
func (p *para) end() {
	var line [width + 1]byte
	b := p.buf[:p.n]
	col := 0
	for len(b) > 0 {
		// The next word, and the spaces before it.
		sp := 0
		for sp < len(b) && b[sp] == ' ' {
			sp++
		}
		w := sp
		for w < len(b) && b[w] != ' ' {
			w++
		}
		word := b[sp:w]
		if col > p.indent && col+sp+len(word) > width {
			console.Printf("%s\n", line[:col])
			col = 0
			for col < p.indent {
				line[col] = ' '
				col++
			}
			sp = 0
		}
		for i := 0; i < sp && col < len(line); i++ {
			line[col] = ' '
			col++
		}
		for _, c := range word {
			if c == '~' {
				c = ' '
			}
			if col < len(line) {
				line[col] = c
				col++
			}
		}
		b = b[w:]
	}
	console.Printf("%s\n", line[:col])
	p.n = 0
}

// freedResume tells a FREED-PGD found as a task resumed in its flush
// window (kernel/sched/freedroot.go): the value it held names a page
// directory freed while it was away.
func freedResume(lo, r uint64) {
	re := at(r)
	k := re.A
	step := 0
	p := find(r, lo, func(e *Entry) bool { return e.Kind == PreemptWindow && e.A == k })
	if p >= 0 {
		pe := at(uint64(p))
		step++
		out.stepAt(step, pe.Tick)
		out.task(k)
		out.text(" flushes the TLB with no preemption guard: `mov~%cr3,%reg` reads ")
		if pe.VOwner >= 0 {
			out.mm(int(pe.VOwner)) // as recorded: by now the table is freed
		} else {
			out.cr3(pe.V)
		}
		out.text("'s page table into a register, and is preempted right there, before `mov~%reg,%cr3`. " +
			"Switched out, it gives up the mm it borrowed: nothing counts the value in its saved registers as a reference " +
			"(in Linux 2.6.10 nothing did either).")
		out.end()
	} else {
		p = int64(lo)
	}
	if f := findFwd(uint64(p), r, func(e *Entry) bool { return e.Kind == FreePGD && e.V == re.V }); f >= 0 {
		fe := at(uint64(f))
		step++
		out.stepAt(step, fe.Tick)
		out.text("the last reference to ")
		out.mm(int(fe.X))
		out.printf(" goes (its last user has exited): its page directory %#x is freed, and may be a page table or a user page the next moment.", fe.V)
		out.end()
	}
	step++
	out.stepAt(step, re.Tick)
	out.task(k)
	out.text(" resumes at `mov~%reg,%cr3` borrowing ")
	out.mm(int(re.X))
	out.printf(", about to write %#x: the CPU would walk a freed frame — a use-after-free that ends in a triple fault once "+
		"the frame is reused and the kernel's own mappings are gone. The scheduler reports FREED-PGD and gives the saved "+
		"register this CPU's CR3, so the write reloads CR3 unchanged.", re.V)
	out.end()
	out.step(0)
	out.text("With flush=fixed the preemption in the window cannot happen: preemption is off from the CR3 read to the write.")
	out.end()
}
