package ktests

import (
	"tlbrace/kernel/hooks"
	"tlbrace/kernel/ktest"
	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user"
	"tlbrace/kernel/user/cpio"
)

// Kernel tests of ring 3: real ELF programs from the initramfs.

// run execs bin/<name> and waits for it to end; nil if it could not start.
func run(t *ktest.T, name string) *sched.Task {
	data, ok := program(t, name)
	if !ok {
		return nil
	}
	k := user.Exec(name, data)
	if !t.Check(k != nil, "exec %s failed", name) {
		return nil
	}
	waitGone(t, k)
	return k
}

// program returns bin/<name> from the initramfs, or fails t saying why.
func program(t *ktest.T, name string) ([]byte, bool) {
	if !t.Check(initramfs != nil, "no initramfs: boot with -initrd build/ARCH/initrd.cpio") {
		return nil, false
	}
	data, err := cpio.Lookup(initramfs, "bin/"+name)
	if err != nil {
		var buf [160]byte
		n := err.Message(buf[:])
		t.Errorf("initramfs: bin/%s: %s", name, buf[:n])
		return nil, false
	}
	return data, true
}

// lazilyHeld counts address spaces kept alive only by lazy borrowers
// (no users left): each still holds its top-level table, one frame.
func lazilyHeld() int {
	n := 0
	mm.Each(func(m *mm.MM) {
		if m.Users == 0 {
			n++
		}
	})
	return n
}

func testHello(t *ktest.T) {
	free := mm.Phys.Free + lazilyHeld()
	a, b := run(t, "hello"), run(t, "hello")
	if a == nil || b == nil {
		return
	}
	t.Check(a.ExitCode == 0 && b.ExitCode == 0, "exit codes %d %d", a.ExitCode, b.ExitCode)
	// The last program's mm survives as this kernel thread's lazily
	// borrowed active_mm until a task with another mm runs; everything
	// else must be back.
	t.Check(mm.Phys.Free+lazilyHeld() == free, "exited programs leaked %d frames", free-mm.Phys.Free-lazilyHeld())
}

func testBadPointers(t *ktest.T) {
	f0, i0, k0 := user.EFaults, user.EInvals, sched.TasksKilled
	k := run(t, "badptr")
	if k == nil {
		return
	}
	t.Check(k.ExitCode == 0, "badptr exit code %d (it should survive every bad call)", k.ExitCode)
	t.Check(user.EFaults-f0 == 3 && user.EInvals-i0 == 1, "EFAULT %d, EINVAL %d; want 3 and 1", user.EFaults-f0, user.EInvals-i0)
	t.Check(sched.TasksKilled == k0, "a bad system-call pointer killed a task")
}

func testPrivilegedKilled(t *ktest.T) {
	k0 := sched.TasksKilled
	k := run(t, "priv")
	if k == nil {
		return
	}
	t.Check(k.ExitCode == -1 && sched.TasksKilled == k0+1, "priv: exit code %d, killed %d", k.ExitCode, sched.TasksKilled-k0)
}

func testKernelReadKilled(t *ktest.T) {
	s0 := mm.Segfaults
	k := run(t, "kread")
	if k == nil {
		return
	}
	t.Check(k.ExitCode == -1 && mm.Segfaults == s0+1, "kread: exit code %d, segfaults %d", k.ExitCode, mm.Segfaults-s0)
}

// testWorkersIsolated runs two stress workers side by side with the fixed
// flush: each sees only its own signature and never faults spuriously.
func testWorkersIsolated(t *ktest.T) {
	data, ok := program(t, "worker")
	if !ok {
		return
	}
	reports, s0 := crossReports, mm.SpuriousFaults
	replaced := hooks.Install(&reportHooks)
	a, b := user.Exec("worker", data), user.Exec("worker", data)
	sched.Sleep(100)
	sched.Kill(a) // on SMP one may be running: it dies at its next schedule
	sched.Kill(b)
	waitGone(t, a, b)
	hooks.Restore(&replaced)
	t.Check(a.MM == nil && b.MM == nil, "killed workers kept their mm")
	t.Check(crossReports == reports, "%d cross-address-space reports between isolated workers", crossReports-reports)
	t.Check(mm.SpuriousFaults == s0, "%d spurious faults", mm.SpuriousFaults-s0)
	t.Check(a.Syscalls > 0 && b.Syscalls > 0, "workers made no progress (%d, %d system calls)", a.Syscalls, b.Syscalls)
}

var crossReports int

// reportHooks counts the workers' reports of another task's signature.
var reportHooks = hooks.Set{OnReport: countReport}

func countReport(*sched.Task, uintptr, uintptr, uintptr) { crossReports++ }
