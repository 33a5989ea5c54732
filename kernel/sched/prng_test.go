package sched

import "testing"

func TestRandDeterministicAndSpread(t *testing.T) {
	a, b := NewRand(7, 1), NewRand(7, 1)
	c := NewRand(7, 2)
	same := 0
	var hist [10]int
	for i := 0; i < 10000; i++ {
		x, y, z := a.Next(), b.Next(), c.Next()
		if x != y {
			t.Fatal("same seed, different sequence")
		}
		if x == z {
			same++
		}
		hist[a.Intn(10)]++
		b.Intn(10)
	}
	if same > 0 {
		t.Error("streams collide")
	}
	for i, n := range hist {
		if n < 800 || n > 1200 {
			t.Errorf("Intn bucket %d has %d of 10000", i, n)
		}
	}
	z := NewRand(0, 0)
	if z.Next() == 0 {
		t.Error("zero state")
	}
}
