# kernel.py — reading the tlbrace kernel's state from gdb.
#
# How gdb names Go things: a package-level variable is one symbol whose
# name is the full import path plus the name, e.g.
# 'tlbrace/kernel/sched.tasks'. The slash and dot mean it must be quoted in
# gdb expressions:
#     print 'tlbrace/kernel/sched.tasks'[3].ActiveMM.ID
# Assembly functions on amd64 exist only under their ABI0 name
# ('tlbrace/asm.FlushTLBRaw.abi0'); on 386 there is no suffix.
#
# Everything here works for both build/386/kernel.elf and
# build/amd64/kernel.elf: field names come from the kernel's DWARF, sizes
# from its types.

import re

import gdb

SCHED = "tlbrace/kernel/sched."
MM = "tlbrace/kernel/mm."
ASM = "tlbrace/asm."

# TaskState in kernel/sched/task.go, in order.
STATE_NAMES = ["free", "runnable", "running", "sleeping", "dead"]

# CR3 holds the page-table root's physical address in bits 12 and up; the
# low 12 bits are flags (PWT, PCD; the PCID on amd64). SDM Vol. 3A §4.5.
CR3_ADDR_MASK = ~0xFFF

_expanded = set()


def expand_symtabs():
    """Read the DWARF of the tlbrace packages, once per loaded ELF (~25 ms).

    gdb 13 does not find a Go global by name until the compilation unit
    defining it has been read, and it caches a failed lookup: so read them
    all before the first lookup."""
    f = gdb.current_progspace().filename
    if f in _expanded:
        return
    gdb.execute("maintenance expand-symtabs tlbrace/", to_string=True)
    gdb.execute("maintenance flush symbol-cache", to_string=True)
    _expanded.add(f)


def lookup(name):
    """The value of the Go global `name`, or a clear gdb error.

    Through the symbol table, not parse_and_eval: that depends on the
    current language, and before the kernel runs (pc 0xfff0, no symbol
    there) the language is C, which sees only the untyped ELF symbol."""
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


def source_line(func, text):
    """'file:line' of the first line at or after Go function `func`'s
    start that contains `text`: a breakpoint location that survives edits
    moving the line."""
    expand_symtabs()
    sym = gdb.lookup_global_symbol(func) or gdb.lookup_static_symbol(func)
    if sym is None or sym.symtab is None:
        raise gdb.GdbError("tlbrace: no function %s in the loaded ELF" % func)
    path = sym.symtab.fullname()
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise gdb.GdbError("tlbrace: cannot read %s (%s); if the sources moved, "
                           "use `set substitute-path`" % (path, e))
    for n in range(max(sym.line, 1), len(lines) + 1):
        if text in lines[n - 1]:
            return "%s:%d" % (path, n)
    raise gdb.GdbError("tlbrace: no line with %r in %s after line %d" % (text, path, sym.line))


def word_size():
    """4 on the 386 kernel, 8 on the amd64 one."""
    try:
        return gdb.lookup_type("uintptr").sizeof
    except gdb.error:
        return gdb.lookup_type("void").pointer().sizeof


def deref(p):
    """The struct a Go pointer points at; None for nil."""
    return None if int(p) == 0 else p.dereference()


# ---------------------------------------------------------------- registers


def read_cr3():
    """CR3, from QEMU's gdb stub ($cr3), else from QEMU's monitor."""
    try:
        v = gdb.parse_and_eval("$cr3")
        if v.type.code != gdb.TYPE_CODE_VOID:  # void: no such register
            return int(v)
    except gdb.error:
        pass
    # Fallback: QEMU's human monitor through the gdb stub (qRcmd). It works
    # even with -monitor none: the stub has a monitor of its own.
    out = gdb.execute("monitor info registers", to_string=True)
    m = re.search(r"CR3=([0-9a-fA-F]+)", out)
    if not m:
        raise gdb.GdbError("tlbrace: neither $cr3 nor `monitor info registers` gives CR3")
    return int(m.group(1), 16)


def ax_name():
    """The register the flush primitives read CR3 into."""
    return "rax" if word_size() == 8 else "eax"


def read_ax():
    return int(gdb.parse_and_eval("$" + ax_name())) & ((1 << (8 * word_size())) - 1)


# ------------------------------------------------------------ tasks and mms


def task_name(t):
    n = max(0, min(int(t["nlen"]), 24))
    return bytes(int(t["name"][i]) & 0xFF for i in range(n)).decode("ascii", "replace")


def task_label(t):
    """kflush[4]: name and id, as the kernel's trace prints them."""
    return "%s[%d]" % (task_name(t), int(t["ID"]))


def state_name(t):
    s = int(t["State"])
    return STATE_NAMES[s] if s < len(STATE_NAMES) else "state%d" % s


def mm_label(p):
    """'mm 2' for an mm pointer, '-' for nil."""
    m = deref(p)
    return "-" if m is None else "mm %d" % int(m["ID"])


def selected_cpu():
    """The kernel's number of the CPU gdb looks at: QEMU's gdb stub shows
    each vCPU as a thread (1 = CPU#0), and the kernel numbers its CPUs in
    the firmware's order, which is QEMU's (kernel/smp)."""
    th = gdb.selected_thread()
    return 0 if th is None else max(th.num - 1, 0)


def running_tasks():
    """{task address: cpu} for every CPU's current task (sched.cpus[i].curr)."""
    cpus = lookup(SCHED + "cpus")
    lo, hi = cpus.type.range()
    run = {}
    for i in range(lo, hi + 1):
        cur = int(cpus[i]["curr"])
        if cur != 0:
            run[cur] = i
    return run


def all_tasks():
    """(task, is_current) for every live task slot: is_current when it is
    the current task of the CPU gdb looks at (sched.cpus[cpu].curr)."""
    tasks = lookup(SCHED + "tasks")
    cur = int(lookup(SCHED + "cpus")[selected_cpu()]["curr"])
    lo, hi = tasks.type.range()
    for i in range(lo, hi + 1):
        t = tasks[i]
        if int(t["State"]) != 0:  # 0 = Free
            yield t, int(t.address) == cur


def current_task():
    """The current task of the CPU gdb looks at, or None before the
    scheduler starts."""
    return deref(lookup(SCHED + "cpus")[selected_cpu()]["curr"])


def ticks():
    return int(lookup(SCHED + "Ticks"))


def mm_owning(root):
    """Which address space has page-table root `root` (CR3 without flags)."""
    if root == 0:
        return "no page table: paging is off"
    init = lookup(MM + "InitMM")
    if int(init["Root"]) == root:
        return "init_mm, kernel only"
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
        return "mm %d, FREED: a released page table" % freed
    return "no known mm"
