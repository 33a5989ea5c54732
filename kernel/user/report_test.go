package user

import (
	"testing"

	"tlbrace/kernel/mm"
	"tlbrace/kernel/sched"
	"tlbrace/kernel/user/abi"
)

// Every report kind the ABI defines reaches the listener — the stress
// worker's and user/shoot's (main's validation once let only the worker's
// through: shoot's stale read got -EINVAL, nobody heard of it, and
// workload=shoot shootdown=skiplazy ended in a HANG instead of STALE-TLB);
// any other kind, or a bad address, is refused before it.
func TestReportKinds(t *testing.T) {
	var heard []uintptr
	OnReport = func(_ *sched.Task, kind, _, _ uintptr) { heard = append(heard, kind) }
	defer func() { OnReport = nil }()
	addr := uintptr(mm.UserBase) + 0x100
	for _, c := range []struct {
		kind, addr, want uintptr
	}{
		{abi.ReportForeign, addr, 0},
		{abi.ReportStale, addr, 0},
		{0, addr, errno(EINVAL)},
		{abi.ReportStale + 1, addr, errno(EINVAL)},
		{abi.ReportStale, addr + 2, errno(EINVAL)},
		{abi.ReportForeign, uintptr(mm.UserTop), errno(EFAULT)},
	} {
		if got := report(nil, c.kind, c.addr, 0); got != c.want {
			t.Errorf("report(kind %d, %#x) = %#x, want %#x", c.kind, c.addr, got, c.want)
		}
	}
	if len(heard) != 2 || heard[0] != abi.ReportForeign || heard[1] != abi.ReportStale {
		t.Errorf("the listener heard kinds %v, want [%d %d]", heard, abi.ReportForeign, abi.ReportStale)
	}
}
