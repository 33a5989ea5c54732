package explore

// Decision strings, the pure part of exploration: no kernel state, so
// decisions_test.go runs it on the host for both GOARCH values.
//
// A run makes decisions one after another; decision i picks among the
// n candidates runnable at that moment. The first depth decisions come
// from the string (the enumerated part); the next tail ones are round
// robin. After a run, next advances the deepest decision that has an
// untried alternative, depth first, and clears the ones after it: every
// string up to depth is tried once, each run replaying the prefix it
// shares with the one before.

const (
	maxDepth = 12
	// tail is how many decisions a run makes after the enumerated ones
	// (round-robin), long enough for a stale CR3 to reach a user task.
	tail = 24
)

// decisions is the decision string of the current run and where it is.
type decisions struct {
	depth    int                  // decisions enumerated
	choices  [maxDepth + tail]int // the decision string of this run
	fixedLen int                  // choices[:fixedLen] carry over into the next run
	counts   [maxDepth]int        // how many candidates each decision had
	step     int                  // decisions made in this run
}

// parse reads a decision string to replay ("0,2,1": at most maxDepth
// choices, each at most maxChoice); it becomes the whole enumerated part.
func (d *decisions) parse(s string, maxChoice int) bool {
	n := 0
	for i := 0; i < len(s); {
		if n == maxDepth {
			return false
		}
		v, j := 0, i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' && v <= maxChoice {
			v = v*10 + int(s[j]-'0')
			j++
		}
		if j == i || v > maxChoice {
			return false
		}
		d.choices[n] = v
		n++
		if j < len(s) && s[j] != ',' {
			return false
		}
		i = j + 1
	}
	if n == 0 || s[len(s)-1] == ',' {
		return false
	}
	d.depth, d.fixedLen = n, n
	return true
}

// start begins a run: the decisions past the carried-over prefix start
// from their first alternative.
func (d *decisions) start() {
	d.step = 0
	for i := d.fixedLen; i < len(d.choices); i++ {
		d.choices[i] = 0
	}
}

// choose makes the next decision among n > 0 candidates and returns the
// index of the one picked; ok is false once the run's budget of
// decisions is spent.
func (d *decisions) choose(n int) (pick int, ok bool) {
	if d.step >= len(d.choices) {
		return 0, false
	}
	c := d.choices[d.step]
	if d.step < d.depth {
		d.counts[d.step] = n
		if c >= n {
			c = n - 1
			d.choices[d.step] = c
		}
	} else {
		c = d.step // the tail: round robin
	}
	d.step++
	return c % n, true
}

// next advances to the next decision string, depth first; false when
// every one has been tried.
func (d *decisions) next() bool {
	for i := d.depth - 1; i >= 0; i-- {
		if d.choices[i]+1 < d.counts[i] {
			d.choices[i]++
			d.fixedLen = i + 1
			return true
		}
	}
	return false
}

// format writes choices as a decision string ("0,2,1") into buf and
// returns its length.
func format(buf []byte, choices []int) int {
	n := 0
	for i, v := range choices {
		if i > 0 && n < len(buf) {
			buf[n] = ','
			n++
		}
		var digits [20]byte
		k := len(digits)
		for {
			k--
			digits[k] = byte('0' + v%10)
			v /= 10
			if v == 0 {
				break
			}
		}
		n += copy(buf[n:], digits[k:])
	}
	return n
}
