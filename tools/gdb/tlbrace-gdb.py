# tlbrace-gdb.py — gdb commands for watching the __flush_tlb() race.
#
# Load it in gdb with `source tools/gdb/tlbrace-gdb.py` (make gdb does it).
# It adds:
#
#   tl-tasks            every live task: state, mm, active_mm, preempt count
#   tl-cr3              CR3 next to what the scheduler believes it holds
#   tl-window [MODE]    breakpoints on the flush window; MODE is one of
#                         all      stop at every CR3 write of a flush (default)
#                         stale    stop only when that write puts back a
#                                  CR3 value that is not the writer's
#                                  active_mm: the race, as it happens
#                         preempt  stop when the timer preempts a task
#                                  between its CR3 read and write
#                         off      delete these breakpoints
#   tl-serial [N]       the last N lines the kernel printed (make gdb only)
#
# How gdb names Go things: a package-level variable is one symbol whose name
# is the full import path plus the name, e.g. 'tlbrace/kernel/sched.tasks'.
# The slash and dot mean it must be quoted in gdb expressions:
#     print 'tlbrace/kernel/sched.tasks'[3].ActiveMM.ID
# Assembly functions on amd64 exist only under their ABI0 name
# ('tlbrace/asm.FlushTLBRaw.abi0'); on 386 there is no suffix.
#
# Works for both build/386/kernel.elf and build/amd64/kernel.elf: field
# names come from the kernel's DWARF, sizes from the types.

import os
import re

import gdb

SCHED = "tlbrace/kernel/sched."
MM = "tlbrace/kernel/mm."
ASM = "tlbrace/asm."

# TaskState in kernel/sched/task.go, in order.
STATE_NAMES = ["free", "runnable", "running", "sleeping", "dead"]

# Offsets of the CR3 write (`mov %reg,%cr3`) inside the two flush
# primitives: LOCAL_WRITE and GLOBAL_WRITE in asm/tlb_386.s and
# asm/tlb_amd64.s. The amd64 global one is longer (REX prefixes).
WINDOW_WRITE = {4: {"FlushTLBRaw": 3, "FlushTLBGlobalRaw": 18},
                8: {"FlushTLBRaw": 3, "FlushTLBGlobalRaw": 21}}

# The bytes of `mov %eax,%cr3` / `mov %rax,%cr3` (0f 22 d8: MOV CR3, r32/64
# with ModRM reg=3 (CR3), rm=0 (AX)). Intel SDM Vol. 2B, "MOV—Move to/from
# Control Registers".
MOV_AX_TO_CR3 = b"\x0f\x22\xd8"

# CR3 holds the page-table root's physical address in bits 12 and up; the
# low 12 bits are flags (PWT, PCD; the PCID on amd64). SDM Vol. 3A §4.5.
CR3_ADDR_MASK = ~0xFFF


# ---------------------------------------------------------------- lookups


_expanded = set()


def expand_symtabs():
    """Read the DWARF of the tlbrace packages, once per loaded ELF (25 ms),
    before any lookup: gdb caches a failed lookup."""
    f = gdb.current_progspace().filename
    if f in _expanded:
        return
    gdb.execute("maintenance expand-symtabs tlbrace/", to_string=True)
    gdb.execute("maintenance flush symbol-cache", to_string=True)
    _expanded.add(f)


def lookup(name):
    """The value of the Go global `name`, or a clear gdb error."""
    # Through the symbol table, not parse_and_eval: that depends on the
    # current language, and before the kernel runs (pc 0xfff0, no symbol)
    # it is C, which sees only the untyped ELF symbol. gdb 13's index does
    # not find Go names until their compilation unit is read: read ours.
    try:
        expand_symtabs()
        sym = gdb.lookup_global_symbol(name)
        if sym is not None:
            return sym.value()
        return gdb.parse_and_eval("'%s'" % name)
    except gdb.error as e:
        raise gdb.GdbError(
            "tlbrace: cannot find %s (%s). Is the kernel's ELF loaded "
            "(file build/ARCH/kernel.elf) and built with DWARF (no -ldflags=-w)?"
            % (name, e))


def func_addr(name):
    """The address of function `name`, trying its ABI0 name as well."""
    for n in (name, name + ".abi0"):
        try:
            return int(gdb.parse_and_eval("'%s'" % n).address)
        except gdb.error:
            pass
    raise gdb.GdbError("tlbrace: no function %s (nor %s.abi0) in the loaded ELF"
                       % (name, name))


def word_size():
    """4 on the 386 kernel, 8 on the amd64 one."""
    try:
        return gdb.lookup_type("uintptr").sizeof
    except gdb.error:
        return gdb.lookup_type("void").pointer().sizeof


def is_nil(p):
    return int(p) == 0


def deref(p):
    """The struct a Go pointer points at; None for nil."""
    return None if is_nil(p) else p.dereference()


# ------------------------------------------------------------- registers


def read_cr3():
    """CR3, from QEMU's gdb stub ($cr3), else from QEMU's monitor."""
    try:
        v = gdb.parse_and_eval("$cr3")
        if v.type.code != gdb.TYPE_CODE_VOID:  # void: no such register
            return int(v)
    except gdb.error:
        pass
    # Fallback: QEMU's human monitor through the gdb stub (qRcmd). It works
    # even with -monitor none, since the stub has its own monitor.
    out = gdb.execute("monitor info registers", to_string=True)
    m = re.search(r"CR3=([0-9a-fA-F]+)", out)
    if not m:
        raise gdb.GdbError("tlbrace: neither $cr3 nor `monitor info registers` gives CR3")
    return int(m.group(1), 16)


def read_ax():
    """The register the flush primitives read CR3 into (EAX / RAX)."""
    return int(gdb.parse_and_eval("$rax" if word_size() == 8 else "$eax")) & ((1 << (8 * word_size())) - 1)


# ---------------------------------------------------------- kernel state


def task_name(t):
    n = max(0, min(int(t["nlen"]), 24))
    return bytes(int(t["name"][i]) & 0xFF for i in range(n)).decode("ascii", "replace")


def task_label(t):
    """kflush[4]: the name and id, the way the kernel's trace prints them."""
    return "%s[%d]" % (task_name(t), int(t["ID"]))


def state_name(t):
    s = int(t["State"])
    return STATE_NAMES[s] if s < len(STATE_NAMES) else "state%d" % s


def mm_id(p):
    """'mm 2' for an mm pointer, '-' for nil."""
    m = deref(p)
    return "-" if m is None else "mm %d" % int(m["ID"])


def all_tasks():
    """(task value, is-current) for every live task slot."""
    tasks = lookup(SCHED + "tasks")
    cur = int(lookup(SCHED + "current"))
    lo, hi = tasks.type.range()
    for i in range(lo, hi + 1):
        t = tasks[i]
        if int(t["State"]) != 0:  # 0 = Free
            yield t, int(t.address) == cur


def current_task():
    return deref(lookup(SCHED + "current"))


def mm_owning(root):
    """Describe which address space has page-table root `root`."""
    init = lookup(MM + "InitMM")
    if int(init["Root"]) == root:
        return "init_mm (kernel only, mm %d)" % int(init["ID"])
    # A freed slot keeps its old Root, and a new mm may reuse that frame:
    # a live owner wins over a freed one.
    mms = lookup(MM + "mms")
    lo, hi = mms.type.range()
    freed = None
    for i in range(lo, hi + 1):
        m = mms[i]
        if int(m["Root"]) != root or int(m["ID"]) == 0:
            continue
        if bool(m["used"]):
            return "mm %d" % int(m["ID"])
        freed = freed or int(m["ID"])
    if freed:
        return "mm %d, FREED: CR3 points at a released page table" % freed
    return "no known mm"


def window_addrs():
    """{address: primitive} of the CR3 writes in the two flush primitives."""
    offs = WINDOW_WRITE[word_size()]
    return {func_addr(ASM + fn) + off: fn for fn, off in offs.items()}


def check_window_bytes(addr):
    """Warn if the bytes at addr are loaded but are not `mov %ax,%cr3`."""
    try:
        b = bytes(gdb.selected_inferior().read_memory(addr, 3))
    except gdb.error:
        return
    if b != MOV_AX_TO_CR3 and b != b"\x00\x00\x00":  # zeros: not loaded yet
        print("tlbrace: warning: %#x holds %s, not mov %%ax,%%cr3 (0f 22 d8): "
              "have the offsets in asm/tlb_*.s changed? Update WINDOW_WRITE." % (addr, b.hex(" ")))


# --------------------------------------------------------------- tl-tasks


class TlTasks(gdb.Command):
    """List the kernel's tasks (tlbrace/kernel/sched.tasks).

Columns: id, name, state, mm (its own address space, - for a kernel
thread), active_mm (the one it runs on; a kernel thread borrows the last
one), preempt (preempt_count; > 0 means the timer cannot switch it out),
and 'window' when the task was preempted between a flush's CR3 read and
write, holding the CR3 value shown. '*' marks sched.current."""

    def __init__(self):
        super().__init__("tl-tasks", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        print("  %3s %-16s %-9s %-6s %-9s %-7s %s" %
              ("id", "name", "state", "mm", "active_mm", "preempt", "window"))
        for t, cur in all_tasks():
            win = ""
            if bool(t["inWindow"]):
                v = int(t["windowValue"])
                win = "holds CR3 %#x (%s)" % (v, mm_owning(v & CR3_ADDR_MASK))
            print("%s %3d %-16s %-9s %-6s %-9s %-7d %s" % (
                "*" if cur else " ", int(t["ID"]), task_name(t), state_name(t),
                mm_id(t["MM"]), mm_id(t["ActiveMM"]), int(t["Preempt"]["Count"]), win))
        if current_task() is None:
            print("(no current task: the scheduler has not started)")


# ----------------------------------------------------------------- tl-cr3


def cr3_report():
    """Lines comparing CR3 with the current task's active_mm; and whether
    they disagree."""
    cr3 = read_cr3()
    root = cr3 & CR3_ADDR_MASK
    lines = ["CR3 (the CPU)        %#x  -> %s" % (cr3, mm_owning(root))]
    t = current_task()
    if t is None:
        lines.append("scheduler            no current task yet")
        return lines, False
    am = deref(t["ActiveMM"])
    if am is None:
        lines.append("scheduler            %s has no active_mm" % task_label(t))
        return lines, False
    want = int(am["Root"])
    lines.append("scheduler            %#x  = active_mm mm %d of current task %s"
                 % (want, int(am["ID"]), task_label(t)))
    return lines, want != root


# Functions inside which CR3 and sched.current legitimately differ for a
# few instructions (the switch writes CR3 before it updates current).
SWITCH_FUNCS = (SCHED + "contextSwitch", SCHED + "switchMM", MM + "LoadCR3")


class TlCr3(gdb.Command):
    """Print CR3 beside the current task's active_mm page table.

CR3 is what the CPU walks; current->active_mm->Root is what the scheduler
believes CR3 holds (switch_mm skips the CR3 load when it thinks they
already agree). When they differ, the next user task on that mm runs on
another address space's page tables: the bug."""

    def __init__(self):
        super().__init__("tl-cr3", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        lines, bad = cr3_report()
        for l in lines:
            print(l)
        if not bad:
            print("CR3 and the scheduler agree.")
            return
        print("*** CR3 and the scheduler disagree ***")
        try:
            fn = gdb.selected_frame().name() or ""
        except gdb.error:
            fn = ""
        if fn in SWITCH_FUNCS:
            print("(stopped inside %s, where CR3 and current legitimately differ "
                  "for a few instructions: step past the switch and look again)" % fn)


# -------------------------------------------------------------- tl-window


def explain_write(prim):
    """What the CR3 write at the current stop is about to do."""
    ax, cr3 = read_ax(), read_cr3()
    t = current_task()
    who = task_label(t) if t is not None else "?"
    reg = "RAX" if word_size() == 8 else "EAX"
    print("tl-window: %s is at `mov %%%s,%%cr3` in %s" % (who, reg.lower(), prim))
    print("  %s = %#x (%s): the CR3 value it read one instruction earlier" %
          (reg, ax, mm_owning(ax & CR3_ADDR_MASK)))
    print("  CR3 = %#x (%s): what the CPU holds now" % (cr3, mm_owning(cr3 & CR3_ADDR_MASK)))
    if t is not None:
        am = deref(t["ActiveMM"])
        if am is not None:
            print("  active_mm = mm %d, page table %#x: what the scheduler believes" %
                  (int(am["ID"]), int(am["Root"])))
        pc = int(t["Preempt"]["Count"])
        print("  preempt count = %d: %s" % (pc, "guarded (flush=fixed): the timer cannot switch here"
                                            if pc else "preemptible (flush=racy): a timer here switches tasks"))
    if ax == cr3:
        print("  -> harmless: it writes back the value CR3 already holds.")
    else:
        print("  -> STALE: it was preempted after reading CR3 and its active_mm changed;"
              " this write makes CR3 and the scheduler disagree (check with tl-cr3 after `stepi`).")


def stale_write():
    """True when the write at this stop puts back a CR3 value that is not
    the writer's active_mm: the race happening."""
    t = current_task()
    am = None if t is None else deref(t["ActiveMM"])
    return am is not None and (read_ax() & CR3_ADDR_MASK) != int(am["Root"])


class WindowBreakpoint(gdb.Breakpoint):
    """A breakpoint on one flush primitive's CR3 write."""

    def __init__(self, addr, prim, only_stale):
        super().__init__("*%#x" % addr, gdb.BP_BREAKPOINT)
        self.prim, self.only_stale = prim, only_stale
        self.silent = only_stale  # gdb prints the location only for real stops

    def stop(self):
        if self.only_stale and not stale_write():
            return False  # not the race: keep running
        explain_write(self.prim)
        return True


class PreemptBreakpoint(gdb.Breakpoint):
    """A breakpoint on preemptIRQ (CONFIG_PREEMPT's preemption on return
    from an interrupt) that stops only when it is about to switch away from
    a task interrupted inside a flush window."""

    def __init__(self, windows):
        super().__init__(SCHED + "preemptIRQ", gdb.BP_BREAKPOINT)
        self.windows = windows
        self.silent = True

    def stop(self):
        t = current_task()
        if t is None or not bool(t["Preempt"]["NeedResched"]) or int(t["Preempt"]["Count"]) != 0:
            return False
        f = gdb.selected_frame().read_var("f").dereference()  # the trap frame
        ip = int(f["IP"])
        if ip not in self.windows:
            return False
        ax = int(f["AX"])
        am = deref(t["ActiveMM"])
        print("tl-window: the timer interrupted %s at %#x (%s's CR3 write); it is about to be preempted"
              % (task_label(t), ip, self.windows[ip]))
        print("  its saved AX = %#x (%s) will be written to CR3 when it resumes, whatever its active_mm is then"
              % (ax, mm_owning(ax & CR3_ADDR_MASK)))
        if am is not None:
            print("  active_mm now: mm %d. Step on (`next`, or `break 'tlbrace/kernel/sched.contextSwitch'`)"
                  " and watch active_mm change while it is away." % int(am["ID"]))
        return True


class TlWindow(gdb.Command):
    """Break on the racy flush's CR3 write: tl-window [all|stale|preempt|off].

all      stop at every `mov %ax,%cr3` of FlushTLBRaw and FlushTLBGlobalRaw
         (frequent: every TLB flush of every thread);
stale    stop only when the value about to be written is not the page table
         of the writer's active_mm: the moment the race corrupts CR3;
preempt  stop when the timer is about to preempt a task inside the window;
off      delete the tl-window breakpoints.
At each stop it prints the register holding the old CR3 (EAX/RAX), CR3
itself, the task's active_mm and its preempt count."""

    def __init__(self):
        super().__init__("tl-window", gdb.COMMAND_BREAKPOINTS)
        self.bps = []

    def invoke(self, arg, from_tty):
        mode = (arg.strip() or "all").lower()
        for b in self.bps:
            if b.is_valid():
                b.delete()
        self.bps = []
        if mode == "off":
            print("tl-window: breakpoints deleted")
            return
        if mode not in ("all", "stale", "preempt"):
            raise gdb.GdbError("usage: tl-window [all|stale|preempt|off]")
        windows = window_addrs()
        for addr in windows:
            check_window_bytes(addr)
        if mode == "preempt":
            self.bps.append(PreemptBreakpoint(windows))
        else:
            for addr, prim in sorted(windows.items()):
                self.bps.append(WindowBreakpoint(addr, prim, mode == "stale"))
        print("tl-window %s: %s" % (mode, ", ".join(
            "%s+%d (%#x)" % (p, a - func_addr(ASM + p), a) for a, p in sorted(windows.items()))))
        print({
            "all": "Stops before every CR3 write of a flush. EAX/RAX holds the CR3 value read one"
                   " instruction earlier; if the task was preempted in between, it may no longer be"
                   " its active_mm's page table.",
            "stale": "Stops only when the value about to be written is not the writer's active_mm:"
                     " `stepi`, then tl-cr3 shows CR3 and the scheduler disagree.",
            "preempt": "Stops in preemptIRQ when the timer interrupted a task inside the window;"
                       " `tl-tasks` then shows it with the CR3 value it holds.",
        }[mode])


# -------------------------------------------------------------- tl-serial


class TlSerial(gdb.Command):
    """Show the last N (default 20) lines of the kernel's serial output.

make gdb writes QEMU's serial console to a file and names it in the
environment variable TLBRACE_SERIAL_LOG."""

    def __init__(self):
        super().__init__("tl-serial", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        path = os.environ.get("TLBRACE_SERIAL_LOG", "")
        if not path or not os.path.exists(path):
            raise gdb.GdbError("tl-serial: no serial log (TLBRACE_SERIAL_LOG is %r)" % path)
        n = int(arg) if arg.strip() else 20
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        for l in lines[-n:]:
            print(l)


TlTasks()
TlCr3()
TlWindow()
TlSerial()
print("tlbrace: commands tl-tasks, tl-cr3, tl-window [all|stale|preempt|off], tl-serial [N] (help tl-window)")
