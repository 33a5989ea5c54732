package sched

// RunQueue is the FIFO of runnable tasks (by task index), a fixed ring.
// Round-robin takes the head; the stress "shuffle" policy takes a random
// entry, so every interleaving of tasks gets a chance.
type RunQueue struct {
	q    [MaxTasks]int16 // every task at most once
	head int
	n    int
}

// slot is the ring index of the i-th queued task. MaxTasks is a power of
// two, so the wrap is a mask: the scheduler walks the queues at every
// tick, and a signed modulo costs several instructions per entry.
func (rq *RunQueue) slot(i int) uint { return uint(rq.head+i) & (MaxTasks - 1) }

// The mask above needs it.
var _ [0]struct{} = [MaxTasks & (MaxTasks - 1)]struct{}{}

// Len returns how many tasks are queued.
func (rq *RunQueue) Len() int { return rq.n }

// Push appends task index t. It reports false if the queue is full.
func (rq *RunQueue) Push(t int) bool {
	if rq.n == len(rq.q) {
		return false
	}
	rq.q[rq.slot(rq.n)] = int16(t)
	rq.n++
	return true
}

// Pop removes and returns the head (-1 if empty).
func (rq *RunQueue) Pop() int { return rq.Take(0) }

// Take removes and returns the i-th queued task (-1 if out of range),
// keeping the others in order.
func (rq *RunQueue) Take(i int) int {
	if i < 0 || i >= rq.n {
		return -1
	}
	t := int(rq.q[rq.slot(i)])
	for j := i; j > 0; j-- { // shift the entries before it back by one
		rq.q[rq.slot(j)] = rq.q[rq.slot(j-1)]
	}
	rq.head = int(rq.slot(1))
	rq.n--
	return t
}

// Remove takes task t out of the queue if it is there.
func (rq *RunQueue) Remove(t int) bool {
	for i := 0; i < rq.n; i++ {
		if int(rq.q[rq.slot(i)]) == t {
			rq.Take(i)
			return true
		}
	}
	return false
}

// Contains reports whether task t is queued.
func (rq *RunQueue) Contains(t int) bool {
	for i := 0; i < rq.n; i++ {
		if int(rq.q[rq.slot(i)]) == t {
			return true
		}
	}
	return false
}

// At returns the i-th queued task (0 = head).
func (rq *RunQueue) At(i int) int { return int(rq.q[rq.slot(i)]) }
