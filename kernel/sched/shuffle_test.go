package sched

import "testing"

// shuffleSetup queues tasks 1..n on CPUs by where[i] with affinity masks
// mask[i] (0: any), and makes task 1 the prev that scheduleLocked has
// just queued last on CPU 0's queue.
func shuffleSetup(t *testing.T, where []int, mask []uint32) (c *cpuState, prev *Task) {
	t.Helper()
	reset := func() {
		for i := range cpus {
			cpus[i].id, cpus[i].rq, cpus[i].idle = i, RunQueue{}, nil
		}
	}
	reset()
	t.Cleanup(reset)
	for i := range where {
		tk := &tasks[i+2]
		*tk = Task{ID: i + 2, State: Runnable, Allowed: mask[i]}
		enqueue(where[i], tk)
	}
	prev = &tasks[1]
	*prev = Task{ID: 1, State: Runnable}
	enqueue(0, prev)
	c = &cpus[0]
	c.idle = &tasks[0]
	pickRnd = NewRand(7, 2)
	return c, prev
}

// The shuffle picks every task that may run on the CPU equally often,
// never one that may not, and never prev while another may run.
func TestShufflePickUniformOverAllowed(t *testing.T) {
	// tasks 2..7: 2,3 on CPU 0; 4,5 on CPU 1, 5 pinned to CPU 1; 6,7 on
	// CPU 2, 7 pinned to CPUs 0 and 2.
	where := []int{0, 0, 1, 1, 2, 2}
	mask := []uint32{0, 0, 0, 1 << 1, 0, 1<<0 | 1<<2}
	c, prev := shuffleSetup(t, where, mask)
	seen := map[int]int{}
	const draws = 20000
	for i := 0; i < draws; i++ {
		got := shufflePick(c, prev)
		if got == nil {
			t.Fatal("nil with five tasks allowed")
		}
		seen[got.ID]++
		// put it back where it was, and prev last on CPU 0 again
		dequeue(prev)
		enqueue(got.queuedOn, got)
		enqueue(0, prev)
	}
	if seen[5] != 0 || seen[1] != 0 {
		t.Fatalf("picked the task pinned elsewhere %d times, prev %d times", seen[5], seen[1])
	}
	for _, id := range []int{2, 3, 4, 6, 7} {
		if n := seen[id]; n < draws/5*9/10 || n > draws/5*11/10 {
			t.Errorf("task %d picked %d times of %d, want about %d: %v", id, n, draws, draws/5, seen)
		}
	}
}

// With nothing else allowed prev runs again; with prev asleep, nothing.
func TestShufflePickOnlyPrev(t *testing.T) {
	c, prev := shuffleSetup(t, []int{1}, []uint32{1 << 1})
	if got := shufflePick(c, prev); got != prev {
		t.Fatalf("got %v, want prev (the only task allowed here)", got)
	}
	if cpus[0].rq.Len() != 0 || cpus[1].rq.Len() != 1 {
		t.Fatalf("queues %d/%d after taking prev", cpus[0].rq.Len(), cpus[1].rq.Len())
	}
	prev.State = Sleeping
	if got := shufflePick(c, prev); got != nil {
		t.Fatalf("got task %d, want none: the only queued task is pinned elsewhere", got.ID)
	}
}
