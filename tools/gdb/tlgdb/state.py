# state.py — tl-tasks, tl-cr3 and tl-serial: looking at the kernel.

import os

import gdb

from . import kernel as k


class TlTasks(gdb.Command):
    """List the kernel's tasks (tlbrace/kernel/sched.tasks).

Columns: id, name, state; mm, the task's own address space (- for a
kernel thread); active_mm, the one it runs on (a kernel thread borrows the
previous task's); preempt, its preempt_count (> 0: the timer cannot switch
it out); and, for a task preempted between a flush's CR3 read and write,
the CR3 value it holds and will write back when it resumes.
'*' marks the current task of the CPU gdb looks at (gdb's thread N is
CPU N-1); cpu is the CPU a task runs or last ran on."""

    def __init__(self):
        super().__init__("tl-tasks", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        print("  %3s %-12s %-9s %-6s %-9s %-7s %-3s %s" %
              ("id", "name", "state", "mm", "active_mm", "preempt", "cpu", "in flush window"))
        for t, cur in k.all_tasks():
            win = ""
            if bool(t["inWindow"]):
                v = int(t["windowValue"])
                win = "holds CR3 %#x (%s)" % (v, k.mm_owning(v & k.CR3_ADDR_MASK))
            print("%s %3d %-12s %-9s %-6s %-9s %-7d %-3d %s" % (
                "*" if cur else " ", int(t["ID"]), k.task_name(t), k.state_name(t),
                k.mm_label(t["MM"]), k.mm_label(t["ActiveMM"]), int(t["Preempt"]["Count"]), int(t["CPU"]), win))
        if k.current_task() is None:
            print("(no current task: the scheduler has not started)")


def cr3_report():
    """Lines comparing CR3 with the current task's active_mm, and whether
    the two disagree."""
    cr3 = k.read_cr3()
    root = cr3 & k.CR3_ADDR_MASK
    lines = ["CR3 (what the CPU walks)     %#-10x -> %s" % (cr3, k.mm_owning(root))]
    t = k.current_task()
    am = None if t is None else k.deref(t["ActiveMM"])
    if t is None:
        lines.append("scheduler                    no current task yet")
    elif am is None:
        lines.append("scheduler                    %s has no active_mm" % k.task_label(t))
    else:
        lines.append("current->active_mm->Root    %#-10x -> mm %d, active_mm of %s"
                     % (int(am["Root"]), int(am["ID"]), k.task_label(t)))
    return lines, am is not None and int(am["Root"]) != root


# Functions inside which CR3 and the CPU's current task legitimately differ
# for a few instructions: the switch loads CR3 before it updates curr.
SWITCH_FUNCS = (k.SCHED + "contextSwitch", k.SCHED + "switchMM", k.MM + "LoadCR3")


class TlCr3(gdb.Command):
    """Print CR3 beside the current task's active_mm page table.

CR3 is what the CPU walks; current->active_mm->Root is what the scheduler
believes CR3 holds (switch_mm skips the CR3 load when the next task's mm
is the active_mm it thinks is loaded). When they differ, the next user
task on that mm runs on another address space's page tables: the bug."""

    def __init__(self):
        super().__init__("tl-cr3", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        lines, bad = cr3_report()
        for line in lines:
            print(line)
        if not bad:
            print("CR3 and the scheduler agree.")
            return
        print("*** CR3 and the scheduler disagree ***")
        try:
            fn = gdb.selected_frame().name() or ""
        except gdb.error:
            fn = ""
        if fn in SWITCH_FUNCS:
            print("(stopped inside %s, where they legitimately differ for a few "
                  "instructions: step past the switch and look again)" % fn)


class TlSerial(gdb.Command):
    """Show the last N (default 20) lines the kernel printed.

make gdb sends QEMU's serial console to a file and names it in the
environment variable TLBRACE_SERIAL_LOG."""

    def __init__(self):
        super().__init__("tl-serial", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        path = os.environ.get("TLBRACE_SERIAL_LOG", "")
        if not path or not os.path.exists(path):
            raise gdb.GdbError("tl-serial: no serial log (TLBRACE_SERIAL_LOG=%r)" % path)
        n = int(arg) if arg.strip() else 20
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        for line in lines[-n:]:
            print(line)


def register():
    TlTasks()
    TlCr3()
    TlSerial()
