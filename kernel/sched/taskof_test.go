package sched

import (
	"testing"

	"tlbrace/kernel/preempt"
)

// inLazyContext finds the running task from its preemption state; a
// CPU's own state (an interrupt handler's) is no task.
func TestTaskOfState(t *testing.T) {
	for _, i := range []int{0, 1, MaxTasks - 1} {
		if got := taskOf(&tasks[i].Preempt); got != &tasks[i] {
			t.Errorf("taskOf(&tasks[%d].Preempt) = %p, want %p", i, got, &tasks[i])
		}
	}
	var irq preempt.State
	if got := taskOf(&irq); got != nil {
		t.Errorf("taskOf(a CPU's state) = %p, want nil", got)
	}
}
