package sched

import (
	"testing"

	"tlbrace/kernel/mm"
	"tlbrace/kernel/trap"
)

// TestGuardFreedRoot: a task resuming in its flush window with a CR3 value
// that names no live page directory gets the CPU's CR3 in its saved AX
// and is reported; the kernel's own table, a task without a saved frame,
// and a value naming a live mm are left alone (the last is the race
// itself, which the detectors must see: kernel tests and every racy
// stress run cover it).
func TestGuardFreedRoot(t *testing.T) {
	const freed, cpu = 0x7000, 0x3000
	saved := mm.KernelRoot
	mm.KernelRoot = 0x1000
	t.Cleanup(func() { mm.KernelRoot, OnFreedRoot = saved, nil })
	var told []uintptr
	OnFreedRoot = func(_ *Task, root uintptr) { told = append(told, root) }

	f := trap.Frame{AX: freed}
	task := Task{inWindow: true, windowValue: freed, windowFrame: &f}
	before := FreedRootResumes
	guardFreedRoot(&task, cpu)
	if f.AX != cpu || len(told) != 1 || told[0] != freed || FreedRootResumes != before+1 {
		t.Fatalf("freed root: AX %#x (want %#x), told %v, counted %d", f.AX, cpu, told, FreedRootResumes-before)
	}

	for _, c := range []struct {
		name  string
		value uintptr
		frame bool
	}{
		{"the kernel's table", mm.KernelRoot, true},
		{"no saved frame", freed, false},
	} {
		f := trap.Frame{AX: c.value}
		task := Task{inWindow: true, windowValue: c.value}
		if c.frame {
			task.windowFrame = &f
		}
		told = nil
		guardFreedRoot(&task, cpu)
		if f.AX != c.value || told != nil {
			t.Errorf("%s: AX %#x (want %#x unchanged), told %v", c.name, f.AX, c.value, told)
		}
	}
}
