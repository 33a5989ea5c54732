package cmdline

import "testing"

func TestWorkloadOptionIndex(t *testing.T) {
	if table[workloadOption].name != "workload" {
		t.Fatalf("table[workloadOption] is %q, want workload", table[workloadOption].name)
	}
}

// Every workload default names an option, fits its range, and differs
// from the table default (or it would be noise).
func TestWorkloadDefaultsValid(t *testing.T) {
	for _, d := range workloadDefaults {
		i := lookup(d.name)
		if i < 0 {
			t.Fatalf("workload default for unknown option %q", d.name)
		}
		e := &table[i]
		switch e.kind {
		case kindUint:
			if d.value < e.min || d.value > e.max {
				t.Errorf("%s: workload default %d outside %d..%d", d.name, d.value, e.min, e.max)
			}
		case kindEnum, kindBool:
			if d.value >= uint64(len(e.names())) {
				t.Errorf("%s: workload default %d has no name", d.name, d.value)
			}
		default:
			t.Errorf("%s: list options have no workload defaults", d.name)
		}
		if d.value == e.def {
			t.Errorf("%s: workload default equals the table default %d", d.name, d.value)
		}
	}
}

// workload=stress alone gets the stress constellation; words given win.
func TestStressWorkloadOwnsItsDefaults(t *testing.T) {
	o, err := Parse("k workload=stress")
	if err != nil {
		t.Fatal(err)
	}
	if o.HZ != 10000 || o.Sched != SchedShuffle || o.Lockup != 4 || o.Users != 2 || o.KThreads != 12 || !o.Steer {
		t.Errorf("workload=stress: hz=%d sched=%d lockup=%d users=%d kthreads=%d steer=%t; want 10000 shuffle 4 2 12 true",
			o.HZ, o.Sched, o.Lockup, o.Users, o.KThreads, o.Steer)
	}
	o, err = Parse("k hz=1000 workload=stress sched=rr users=3")
	if err != nil {
		t.Fatal(err)
	}
	if o.HZ != 1000 || o.Sched != SchedRR || o.Users != 3 || o.KThreads != 12 {
		t.Errorf("given words must win: hz=%d sched=%d users=%d kthreads=%d", o.HZ, o.Sched, o.Users, o.KThreads)
	}
	o, err = Parse("k workload=demo")
	if err != nil {
		t.Fatal(err)
	}
	if o.HZ != 1000 || o.Sched != SchedRR {
		t.Errorf("workload=demo keeps the table defaults: hz=%d sched=%d", o.HZ, o.Sched)
	}
}

func TestUsageNamesWorkloadDefaults(t *testing.T) {
	var buf [8192]byte
	s := string(buf[:Usage(buf[:])])
	for _, want := range []string{"; with workload=stress|fuzz: 10000", "; with workload=stress|race|fuzz: shuffle", "(default: 0; with workload=fuzz: 10)"} {
		if !contains(s, want) {
			t.Errorf("usage lacks %q:\n%s", want, s)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

// workload=fuzz alone runs for ten seconds with the stress constellation.
func TestFuzzWorkloadDefaults(t *testing.T) {
	o, err := Parse("k workload=fuzz")
	if err != nil {
		t.Fatal(err)
	}
	if o.HZ != 10000 || o.Sched != SchedShuffle || o.Duration != 10 || o.Fuzzers != 4 || o.Stress || o.OOM != 0 {
		t.Errorf("workload=fuzz: %+v", o)
	}
	o, err = Parse("k workload=fuzz duration=20 stress oom=50")
	if err != nil || o.Duration != 20 || !o.Stress || o.OOM != 50 {
		t.Errorf("workload=fuzz duration=20 stress oom=50: %+v, %v", o, err)
	}
}
