// Host tests for the "did you mean" suggestions.
package cmdline

import "testing"

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"flush", "flush", 0},
		{"Flush", "flush", 0}, // case is ignored
		{"fluhs", "flush", 1}, // two adjacent letters swapped
		{"flsh", "flush", 1},  // a letter missing
		{"fluush", "flush", 1},
		{"flosh", "flush", 1},
		{"", "hz", 2},
		{"hz", "", 2},
		{"sedd", "seed", 1},
		{"abcdef", "badcfe", 3}, // three swaps
		{"kitten", "sitting", 3},
		{"fast", "fixed", 4},
		{string(make([]byte, maxSuggestLen+1)), "a", maxSuggestLen + 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := distance(tt.b, tt.a); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	var names []string
	for i := range table {
		names = append(names, table[i].name)
	}
	tests := []struct {
		word, want string
	}{
		{"fluhs", "flush"},
		{"flsh", "flush"},
		{"FLUSH", "flush"},
		{"sed", "seed"},
		{"hzz", "hz"},
		{"kthread", "kthreads"},
		{"user", "users"},
		{"worklaod", "workload"},
		{"checkcr", "checkcr3"},
		{"schedul", "schedule"}, // nearer to schedule (1) than to sched (2)
		{"dur", "duration"},     // the start of one name only
		{"ch", ""},              // too short to be a prefix hint
		{"che", "checkcr3"},
		{"chu", "churn"},
		{"thr", ""}, // not the start of any name
		{"sch", ""}, // the start of sched and schedule: ambiguous
		{"x", ""},
		{"z", ""}, // one letter away from hz, but one letter is no typo
		{"frobnicate", ""},
		{"", ""},
		{"flushflushflushflushflushflushflushflush", ""},
	}
	for _, tt := range tests {
		if got := nearest(tt.word, names); got != tt.want {
			t.Errorf("nearest(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
	if got := nearest("rasy", []string{"fixed", "racy"}); got != "racy" {
		t.Errorf("nearest(rasy) = %q", got)
	}
	if got := nearest("fast", []string{"fixed", "racy"}); got != "" {
		t.Errorf("nearest(fast) = %q, want none", got)
	}
	if got := nearest("yes", onOff); got != "" {
		t.Errorf("nearest(yes, on/off) = %q, want none", got)
	}
}
