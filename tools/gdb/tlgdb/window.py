# window.py — tl-window: breakpoints on the race window of the TLB flush.
#
# The window is one instruction wide. asm.FlushTLBRaw is
#     mov %cr3,%eax     <- +0: read CR3
#     mov %eax,%cr3     <- +3: write it back (the window: CR3 read, not written)
# A timer interrupt landing on +3 saves EAX on the task's stack; if the
# task is switched out and comes back borrowing a *different* active_mm,
# the write puts the old CR3 back: CPU and scheduler now disagree.
#
# Why not simply stop at every +3? Every flush passes there (a million a
# second in the stress workload), and under QEMU a gdb stop there shifts
# the timer: stepping over a breakpoint runs that one instruction with
# interrupts masked, so the interrupt can never land on +3 while the
# breakpoint is set. So the default mode breaks only at the rare events,
# on source lines that run only when they happen:
#   preemptIRQ (preemptOnReturn), the line counting PreemptionsInWindow -> preempted in the window
#   contextSwitch, the line tracing ResumeWindow       -> about to resume in it
# and arms a one-shot breakpoint on +3 only for a task that resumes with a
# stale value.

import gdb

from . import kernel as k

# Offsets of the CR3 write (`mov %ax,%cr3`) in the two flush primitives:
# LOCAL_WRITE and GLOBAL_WRITE in asm/tlb_386.s and asm/tlb_amd64.s (the
# amd64 global one is longer: REX prefixes). Keyed by word size.
WINDOW_WRITE = {4: {"FlushTLBRaw": 3, "FlushTLBGlobalRaw": 18},
                8: {"FlushTLBRaw": 3, "FlushTLBGlobalRaw": 21}}

# `mov %eax,%cr3` and `mov %rax,%cr3` are both 0f 22 d8: MOV CR3, r with
# ModRM reg=3 (CR3), rm=0 (AX). Intel SDM Vol. 2B, "MOV—Move to/from
# Control Registers".
MOV_AX_TO_CR3 = b"\x0f\x22\xd8"

# Source lines that run only at the rare events (see above).
PREEMPT_LINE = (k.SCHED + "preemptIRQ", "&PreemptionsInWindow, 1)")
RESUME_LINE = (k.SCHED + "contextSwitch", "trace.ResumeWindow")


def window_addrs():
    """{address: primitive name} of the CR3 writes of both primitives."""
    offs = WINDOW_WRITE[k.word_size()]
    return {k.func_addr(k.ASM + fn) + off: fn for fn, off in offs.items()}


def check_window_bytes(addr):
    """Warn if the bytes at addr are loaded but not `mov %ax,%cr3`."""
    try:
        b = bytes(gdb.selected_inferior().read_memory(addr, 3))
    except gdb.error:
        return
    if b != MOV_AX_TO_CR3 and b != b"\x00\x00\x00":  # zeros: not loaded yet
        print("tl-window: warning: %#x holds %s, not mov %%ax,%%cr3 (0f 22 d8): have the "
              "offsets in asm/tlb_*.s changed? Update WINDOW_WRITE." % (addr, b.hex()))


def owner(v):
    return k.mm_owning(v & k.CR3_ADDR_MASK)


def explain_write(prim):
    """What the CR3 write at the current stop is about to do."""
    ax, cr3, t = k.read_ax(), k.read_cr3(), k.current_task()
    reg = k.ax_name()
    print("tl-window: %s is at `mov %%%s,%%cr3` in %s (tick %d)" %
          (k.task_label(t) if t is not None else "?", reg, prim, k.ticks()))
    print("  %s = %#x (%s): the CR3 value it read before" % (reg.upper(), ax, owner(ax)))
    print("  CR3 = %#x (%s): what the CPU holds now" % (cr3, owner(cr3)))
    if t is not None:
        am = k.deref(t["ActiveMM"])
        if am is not None:
            print("  its active_mm = mm %d (page table %#x): what the scheduler believes"
                  % (int(am["ID"]), int(am["Root"])))
        pc = int(t["Preempt"]["Count"])
        print("  preempt count = %d: %s" % (pc, "guarded (flush=fixed), no switch can happen here"
                                            if pc else "preemptible (flush=racy)"))
    if ax == cr3:
        print("  -> harmless: it writes back the value CR3 already holds.")
    else:
        print("  -> STALE: `stepi` executes it; then tl-cr3 shows CR3 and the scheduler disagree.")


def stale_write(t):
    """Whether the CR3 write at this stop puts a value that is not task t's
    active_mm page table."""
    am = k.deref(t["ActiveMM"])
    return am is not None and (k.read_ax() & k.CR3_ADDR_MASK) != int(am["Root"])


class WriteBreakpoint(gdb.Breakpoint):
    """A breakpoint on one primitive's CR3 write; with task_id set, it
    stops only in that task (the one resuming with a stale value), and only
    if the value is still stale (preempted there again, it may have come
    back on the right mm)."""

    def __init__(self, addr, prim, task_id=None):
        super().__init__("*%#x" % addr, gdb.BP_BREAKPOINT, internal=False)
        self.prim, self.task_id, self.hit_stale = prim, task_id, False

    def stop(self):
        if self.task_id is not None:
            t = k.current_task()
            if t is None or int(t["ID"]) != self.task_id or not stale_write(t):
                return False
            self.hit_stale = True
        return True  # Window.on_stop explains, after gdb shows where


class PreemptBreakpoint(gdb.Breakpoint):
    """preemptIRQ is switching away from a task interrupted in a window."""

    def __init__(self, stop_here):
        super().__init__(k.source_line(*PREEMPT_LINE), gdb.BP_BREAKPOINT)
        self.stop_here = stop_here
        self.silent = not stop_here

    def stop(self):
        fr = gdb.selected_frame()
        t, f = fr.read_var("t").dereference(), fr.read_var("f").dereference()
        ax = int(f["AX"])
        print("tl-window: [tick %d] PREEMPT %s between its CR3 read and write; saved %s = %#x (%s),"
              " active_mm %s" % (k.ticks(), k.task_label(t), k.ax_name().upper(), ax, owner(ax),
                                 k.mm_label(t["ActiveMM"])))
        return self.stop_here


class ResumeBreakpoint(gdb.Breakpoint):
    """contextSwitch is about to resume a task preempted in a window."""

    def __init__(self, window):
        super().__init__(k.source_line(*RESUME_LINE), gdb.BP_BREAKPOINT)
        self.window = window
        self.silent = True

    def stop(self):
        nxt = gdb.selected_frame().read_var("next").dereference()
        v, am = int(nxt["windowValue"]), k.deref(nxt["ActiveMM"])
        stale = am is not None and (v & k.CR3_ADDR_MASK) != int(am["Root"])
        print("tl-window: [tick %d] RESUME %s in the window: it will write CR3 = %#x (%s) while its"
              " active_mm is %s -> %s" % (k.ticks(), k.task_label(nxt), v, owner(v),
                                          k.mm_label(nxt["ActiveMM"]), "STALE" if stale else "harmless"))
        if not stale:
            return False
        print("  Look around (tl-tasks, tl-cr3: they still agree), then `continue`:"
              " it stops at that write.")
        self.window.arm(int(nxt["ID"]))  # the breakpoints are made after this stop
        return True


class Window:
    """The breakpoints of one tl-window mode."""

    def __init__(self):
        self.bps, self.oneshot, self.pending = [], [], None
        gdb.events.stop.connect(self.on_stop)

    def clear(self):
        self.delete_oneshot()
        for b in self.bps:
            if b.is_valid():
                b.delete()
        self.bps, self.pending = [], None
        gdb.set_convenience_variable("tl_stale_write", 0)

    def arm(self, task_id):
        self.pending = task_id

    def on_stop(self, event):
        # Breakpoints may not be made or deleted inside Breakpoint.stop;
        # this runs once the stop is complete. $tl_stale_write is 1 at a
        # stop on a stale CR3 write, else 0 (for scripts: `while
        # $tl_stale_write == 0` / `continue` / `end`).
        try:
            self.after_stop(event)
        except (gdb.error, gdb.GdbError) as e:  # e.g. no kernel symbols: say so, no traceback
            print("tl-window: %s" % e)

    def after_stop(self, event):
        stale = hit_oneshot = False
        for b in getattr(event, "breakpoints", []):
            if isinstance(b, WriteBreakpoint):
                explain_write(b.prim)
                t = k.current_task()
                stale = t is not None and stale_write(t)
                hit_oneshot = hit_oneshot or b.hit_stale
        gdb.set_convenience_variable("tl_stale_write", int(stale))
        if hit_oneshot or self.pending is not None:
            self.delete_oneshot()
        if self.pending is not None:
            self.oneshot = [WriteBreakpoint(a, p, self.pending) for a, p in window_addrs().items()]
            self.pending = None

    def delete_oneshot(self):
        for b in self.oneshot:
            if b.is_valid():
                b.delete()
        self.oneshot = []

    def set(self, mode):
        self.clear()
        if mode == "off":
            return "breakpoints deleted"
        windows = window_addrs()
        for a in windows:
            check_window_bytes(a)
        where = ", ".join("%s+%d = %#x" % (p, a - k.func_addr(k.ASM + p), a)
                          for a, p in sorted(windows.items()))
        if mode == "all":
            self.bps = [WriteBreakpoint(a, p) for a, p in sorted(windows.items())]
            return ("stopping before every flush's CR3 write (%s). While these are set the timer"
                    " cannot land in the window (see `help tl-window`): use them to look at a flush,"
                    " then `tl-window` for the race." % where)
        self.bps = [PreemptBreakpoint(mode == "preempt"), ResumeBreakpoint(self)]
        return ("watching the windows (%s): a line per preemption in a window and per resume;"
                " stopping at %s. Needs the stress workload (it enables the trace)."
                % (where, "each preemption in a window, and at each stale resume and its CR3 write"
                   if mode == "preempt" else "each stale resume and at its CR3 write"))


class TlWindow(gdb.Command):
    """Break on the race window of the TLB flush: tl-window [stale|preempt|all|off].

stale    (default) print a line when the timer preempts a task between its
         CR3 read and write, and when such a task resumes; stop when it
         resumes borrowing a different active_mm (its saved value is now
         stale), and again at the CR3 write itself: `stepi`, then tl-cr3.
preempt  the same, and stop at every preemption inside a window too.
all      stop before every CR3 write of FlushTLBRaw and FlushTLBGlobalRaw.
         Every flush goes there; and QEMU steps over a breakpoint with
         interrupts masked, so while these are set a timer interrupt can
         never land in the window: good for reading a flush, not for the race.
off      delete the tl-window breakpoints."""

    def __init__(self):
        super().__init__("tl-window", gdb.COMMAND_BREAKPOINTS)
        self.window = Window()

    def invoke(self, arg, from_tty):
        mode = (arg.strip() or "stale").lower()
        if mode not in ("stale", "preempt", "all", "off"):
            raise gdb.GdbError("usage: tl-window [stale|preempt|all|off]")
        print("tl-window %s: %s" % (mode, self.window.set(mode)))


def register():
    TlWindow()
