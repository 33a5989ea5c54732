package explore

import (
	"fmt"
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	good := []struct {
		s    string
		want []int
	}{
		{"0", []int{0}},
		{"0,2,1,2", []int{0, 2, 1, 2}},
		{"31,0", []int{31, 0}},
		{"0,0,0,0,0,0,0,0,0,0,0,0", make([]int, maxDepth)},
	}
	for _, c := range good {
		var d decisions
		if !d.parse(c.s, 31) {
			t.Errorf("parse(%q) refused", c.s)
			continue
		}
		if got := d.choices[:d.depth]; !slices.Equal(got, c.want) || d.fixedLen != d.depth {
			t.Errorf("parse(%q) = %v (fixed %d), want %v", c.s, got, d.fixedLen, c.want)
		}
	}
	for _, s := range []string{"", ",", "0,", ",0", "0,,1", "1;2", "a", "-1", "32", "99999999999999999999",
		"0,0,0,0,0,0,0,0,0,0,0,0,0"} {
		var d decisions
		if d.parse(s, 31) {
			t.Errorf("parse(%q) accepted: %v", s, d.choices[:d.depth])
		}
	}
}

// explore enumerates every decision string up to depth, with cands(prefix)
// candidates at each decision, the way Run and runOne drive decisions, and
// returns the strings tried.
func explore(depth int, cands func(prefix []int) int) []string {
	var d decisions
	d.depth = depth
	var tried []string
	for {
		d.start()
		var made []int
		for {
			n := cands(made)
			c, ok := d.choose(n)
			if !ok {
				break
			}
			made = append(made, c)
		}
		if len(made) != maxDepth+tail {
			panic("a run made " + fmt.Sprint(len(made)) + " decisions")
		}
		tried = append(tried, fmt.Sprint(made[:depth]))
		if !d.next() {
			return tried
		}
	}
}

func TestEnumerateEveryString(t *testing.T) {
	// Three candidates at every decision, depth 2: 3^2 strings, depth first.
	got := explore(2, func([]int) int { return 3 })
	want := []string{"[0 0]", "[0 1]", "[0 2]", "[1 0]", "[1 1]", "[1 2]", "[2 0]", "[2 1]", "[2 2]"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	// Four candidates, depth 5: the 4^5 = 1024 of the fixed variant's test.
	if n := len(explore(5, func([]int) int { return 4 })); n != 1024 {
		t.Errorf("depth 5, 4 candidates: %d strings, want 1024", n)
	}
	// Candidates depending on the path taken: each string once, and the
	// count is the number of root-to-leaf paths (2 + 1 + 3 = 6).
	got = explore(2, func(p []int) int {
		if len(p) == 1 {
			return p[0] + 1
		}
		return 3
	})
	if len(got) != 6 || len(got) != len(slices.Compact(slices.Sorted(slices.Values(got)))) {
		t.Errorf("path-dependent candidates: %v, want 6 distinct strings", got)
	}
}

func TestReplayThenRoundRobin(t *testing.T) {
	var d decisions
	if !d.parse("2,0,5", 31) {
		t.Fatal("parse")
	}
	d.start()
	var made []int
	for i := 0; i < 6; i++ {
		c, ok := d.choose(4)
		if !ok {
			t.Fatal("budget spent early")
		}
		made = append(made, c)
	}
	// 5 is clipped to the last candidate; after the string: step % n.
	if want := []int{2, 0, 3, 3, 0, 1}; !slices.Equal(made, want) {
		t.Errorf("replay made %v, want %v", made, want)
	}
	if _, ok := d.choose(4); !ok {
		t.Fatal("budget spent early")
	}
	for i := 7; i < maxDepth+tail; i++ {
		d.choose(4)
	}
	if _, ok := d.choose(4); ok {
		t.Errorf("a run made more than %d decisions", maxDepth+tail)
	}
}

func TestFormat(t *testing.T) {
	var buf [4 * maxDepth]byte
	for _, c := range []struct {
		in   []int
		want string
	}{{nil, ""}, {[]int{0}, "0"}, {[]int{0, 2, 1, 2}, "0,2,1,2"}, {[]int{31, 10, 7}, "31,10,7"}} {
		if got := string(buf[:format(buf[:], c.in)]); got != c.want {
			t.Errorf("format(%v) = %q, want %q", c.in, got, c.want)
		}
	}
	var d decisions
	if !d.parse("31,10,7", 31) || string(buf[:format(buf[:], d.choices[:d.depth])]) != "31,10,7" {
		t.Error("parse and format do not round-trip")
	}
}
