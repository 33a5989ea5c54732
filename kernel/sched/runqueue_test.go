package sched

import "testing"

func TestRunQueueFIFOAndTake(t *testing.T) {
	var rq RunQueue
	for i := 1; i <= 5; i++ {
		rq.Push(i)
	}
	if rq.Pop() != 1 || rq.Take(2) != 4 || rq.Len() != 3 {
		t.Fatal("pop/take")
	}
	if !rq.Remove(3) || rq.Remove(3) || rq.Contains(3) {
		t.Fatal("remove")
	}
	if rq.Pop() != 2 || rq.Pop() != 5 || rq.Pop() != -1 {
		t.Fatal("order after take/remove")
	}
	for i := 0; i < MaxTasks; i++ {
		if !rq.Push(i) {
			t.Fatal("full too early")
		}
	}
	if rq.Push(99) {
		t.Fatal("overfull")
	}
	for i := 0; i < MaxTasks; i++ {
		if got := rq.Pop(); got != i {
			t.Fatalf("wraparound: got %d want %d", got, i)
		}
	}
}

func TestRunQueueShuffleVisitsAll(t *testing.T) {
	var rq RunQueue
	r := NewRand(1, 0)
	seen := map[int]int{}
	for i := 0; i < 4; i++ {
		rq.Push(i)
	}
	for i := 0; i < 4000; i++ {
		x := rq.Take(int(r.Intn(uint32(rq.Len()))))
		seen[x]++
		rq.Push(x)
	}
	for i := 0; i < 4; i++ {
		if seen[i] < 800 {
			t.Errorf("task %d picked %d times of 4000", i, seen[i])
		}
	}
}
