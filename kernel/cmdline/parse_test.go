// Host tests for Parse: defaults, every option kind, every error with its
// exact message, and a check that the option table matches Options.
package cmdline

import (
	"reflect"
	"strings"
	"testing"
)

const image = "/boot/kernel.elf "

func defaults() Options {
	return Options{Flush: FlushFixed, Seed: 1, HZ: 1000, Sched: SchedRR, Workload: WorkloadNone,
		Fault: FaultNone, Lockup: 100, Trace: 64, Users: 3, KThreads: 2, Hang: 5, Explore: 6, Fuzzers: 4, MaxCPUs: MaxCPUs}
}

func TestDefaults(t *testing.T) {
	for _, s := range []string{"", "   ", "/boot/kernel.elf", "kernel.elf   ", "  kernel.elf  \t "} {
		o, err := Parse(s)
		if err != nil || o != defaults() {
			t.Errorf("Parse(%q) = %+v, %v; want defaults", s, o, err)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		cmdline string
		change  func(*Options)
	}{
		{"test=all", func(o *Options) { o.Test = "all" }},
		{"test=tlb*,sched_rr", func(o *Options) { o.Test = "tlb*,sched_rr" }},
		{"test=", func(o *Options) {}},
		{"flush=racy", func(o *Options) { o.Flush = FlushRacy }},
		{"flush=fixed", func(o *Options) {}},
		{"seed=0", func(o *Options) { o.Seed = 0 }},
		{"seed=18446744073709551615", func(o *Options) { o.Seed = 1<<64 - 1 }},
		{"seed=0xffffffffffffffff", func(o *Options) { o.Seed = 1<<64 - 1 }},
		{"seed=0XdeadBEEF", func(o *Options) { o.Seed = 0xdeadbeef }},
		{"seed=007", func(o *Options) { o.Seed = 7 }},
		{"hz=10", func(o *Options) { o.HZ = 10 }},
		{"hz=100000", func(o *Options) { o.HZ = 100000 }},
		{"sched=shuffle", func(o *Options) { o.Sched = SchedShuffle }},
		{"workload=monitor", func(o *Options) { o.Workload = WorkloadMonitor }},
		{"workload=demo", func(o *Options) { o.Workload = WorkloadDemo }},
		{"workload=stress", func(o *Options) {
			o.Workload, o.HZ, o.Sched, o.Lockup, o.Users, o.KThreads, o.Steer = WorkloadStress, 10000, SchedShuffle, 4, 2, 12, true // the workload's own defaults
		}},
		{"fault=nil", func(o *Options) { o.Fault = FaultNil }},
		{"fault=bounds", func(o *Options) { o.Fault = FaultBounds }},
		{"fault=stackoverflow", func(o *Options) { o.Fault = FaultStackOverflow }},
		{"fault=divide", func(o *Options) { o.Fault = FaultDivide }},
		{"fault=gpf", func(o *Options) { o.Fault = FaultGPF }},
		{"fault=breakpoint", func(o *Options) { o.Fault = FaultBreakpoint }},
		{"quiet", func(o *Options) { o.Quiet = true }},
		{"quiet=on", func(o *Options) { o.Quiet = true }},
		{"quiet=off", func(o *Options) {}},
		{"checkcr3=on churn", func(o *Options) { o.CheckCR3, o.Churn = true, true }},
		{"duration=86400 lockup=2 inject=100 trace=0 users=16 kthreads=1", func(o *Options) {
			o.Duration, o.Lockup, o.Inject, o.Trace, o.Users, o.KThreads = 86400, 2, 100, 0, 16, 1
		}},
		{"  flush=racy    seed=0x10\tquiet  ", func(o *Options) { o.Flush, o.Seed, o.Quiet = FlushRacy, 16, true }},
	}
	for _, tt := range tests {
		want := defaults()
		tt.change(&want)
		got, err := Parse(image + tt.cmdline)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v\nwant %+v", tt.cmdline, got, err, want)
		}
	}
}

func message(e *Error) string {
	var buf [512]byte
	return string(buf[:e.Message(buf[:])])
}

func TestErrors(t *testing.T) {
	allOptions := "test= flush= scenario= caller= seed= hz= sched= workload= fault= quiet duration= lockup= checkcr3 inject= trace= users= kthreads= churn steer keepgoing hang= explore= schedule= fuzzers= stress oom= framecap= bench= shootdown= maxcpus= silentcpu= help"
	tests := []struct {
		cmdline string
		want    Error
		message string
	}{
		{"fluhs=racy", Error{Problem: UnknownOption, Word: "fluhs=racy", Value: "racy", Suggest: "flush"},
			`cmdline: unknown option "fluhs=racy"; valid options: ` + allOptions + `; did you mean flush=?`},
		{"quiet Quiet", Error{Problem: UnknownOption, Word: "Quiet", Suggest: "quiet"},
			`cmdline: unknown option "Quiet"; valid options: ` + allOptions + `; did you mean quiet?`},
		{"kthread=4", Error{Problem: UnknownOption, Word: "kthread=4", Value: "4", Suggest: "kthreads"},
			`cmdline: unknown option "kthread=4"; valid options: ` + allOptions + `; did you mean kthreads=?`},
		{"dur=5", Error{Problem: UnknownOption, Word: "dur=5", Value: "5", Suggest: "duration"},
			`cmdline: unknown option "dur=5"; valid options: ` + allOptions + `; did you mean duration=?`},
		{"frobnicate=1", Error{Problem: UnknownOption, Word: "frobnicate=1", Value: "1"},
			`cmdline: unknown option "frobnicate=1"; valid options: ` + allOptions},
		{"flush=rasy", Error{Problem: BadValue, Word: "flush=rasy", Option: "flush", Value: "rasy", Suggest: "racy"},
			`cmdline: bad value "rasy" for flush= (valid: fixed, racy, modern); did you mean flush=racy?`},
		{"workload=Stres", Error{Problem: BadValue, Word: "workload=Stres", Option: "workload", Value: "Stres", Suggest: "stress"},
			`cmdline: bad value "Stres" for workload= (valid: none, demo, stress, monitor, explore, shoot, race, fuzz); did you mean workload=stress?`},
		{"churn=of", Error{Problem: BadValue, Word: "churn=of", Option: "churn", Value: "of", Suggest: "off"},
			`cmdline: bad value "of" for churn= (valid: off, on); did you mean churn=off?`},
		{"flush=fast", Error{Problem: BadValue, Word: "flush=fast", Option: "flush", Value: "fast"},
			`cmdline: bad value "fast" for flush= (valid: fixed, racy, modern)`},
		{"quiet=yes", Error{Problem: BadValue, Word: "quiet=yes", Option: "quiet", Value: "yes"},
			`cmdline: bad value "yes" for quiet= (valid: off, on)`},
		{"seed=12ab", Error{Problem: BadValue, Word: "seed=12ab", Option: "seed", Value: "12ab"},
			`cmdline: bad value "12ab" for seed= (0..18446744073709551615)`},
		{"seed=0x", Error{Problem: BadValue, Word: "seed=0x", Option: "seed", Value: "0x"},
			`cmdline: bad value "0x" for seed= (0..18446744073709551615)`},
		{"hz=-5", Error{Problem: BadValue, Word: "hz=-5", Option: "hz", Value: "-5"},
			`cmdline: bad value "-5" for hz= (10..100000)`},
		{"test=a,,b", Error{Problem: BadValue, Word: "test=a,,b", Option: "test", Value: "a,,b"},
			`cmdline: bad value "a,,b" for test= (all, or comma-separated test names; name* matches a prefix)`},
		{"test=a*b", Error{Problem: BadValue, Word: "test=a*b", Option: "test", Value: "a*b"},
			`cmdline: bad value "a*b" for test= (all, or comma-separated test names; name* matches a prefix)`},
		{"test=a,", Error{Problem: BadValue, Word: "test=a,", Option: "test", Value: "a,"},
			`cmdline: bad value "a," for test= (all, or comma-separated test names; name* matches a prefix)`},
		{"hz=5", Error{Problem: OutOfRange, Word: "hz=5", Option: "hz", Value: "5"},
			`cmdline: value 5 out of range for hz= (10..100000)`},
		{"users=0x11", Error{Problem: OutOfRange, Word: "users=0x11", Option: "users", Value: "0x11"},
			`cmdline: value 0x11 out of range for users= (1..16)`},
		{"seed=18446744073709551616", Error{Problem: OutOfRange, Word: "seed=18446744073709551616", Option: "seed", Value: "18446744073709551616"},
			`cmdline: value 18446744073709551616 out of range for seed= (0..18446744073709551615)`},
		{"seed=0x10000000000000000", Error{Problem: OutOfRange, Word: "seed=0x10000000000000000", Option: "seed", Value: "0x10000000000000000"},
			`cmdline: value 0x10000000000000000 out of range for seed= (0..18446744073709551615)`},
		{"flush=racy hz=100 flush=fixed", Error{Problem: GivenTwice, Word: "flush=fixed", Option: "flush", Value: "fixed"},
			`cmdline: option flush= given twice ("flush=fixed")`},
		{"quiet quiet=off", Error{Problem: GivenTwice, Word: "quiet=off", Option: "quiet", Value: "off"},
			`cmdline: option quiet= given twice ("quiet=off")`},
		{"flush", Error{Problem: MissingValue, Word: "flush", Option: "flush"},
			`cmdline: missing value for flush= (valid: fixed, racy, modern)`},
		{"seed=", Error{Problem: MissingValue, Word: "seed=", Option: "seed"},
			`cmdline: missing value for seed= (0..18446744073709551615)`},
		{"churn=", Error{Problem: MissingValue, Word: "churn=", Option: "churn"},
			`cmdline: missing value for churn= (valid: off, on)`},
		{"test", Error{Problem: MissingValue, Word: "test", Option: "test"},
			`cmdline: missing value for test= (all, or comma-separated test names; name* matches a prefix)`},
		{"=5", Error{Problem: UnknownOption, Word: "=5", Value: "5"},
			`cmdline: unknown option "=5"; valid options: ` + allOptions},
	}
	for _, tt := range tests {
		_, err := Parse(image + tt.cmdline)
		if err == nil {
			t.Errorf("Parse(%q): no error", tt.cmdline)
			continue
		}
		got := *err
		got.Valid, got.Min, got.Max = nil, 0, 0 // checked below
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q) error = %+v\nwant %+v", tt.cmdline, got, tt.want)
		}
		if m := message(err); m != tt.message {
			t.Errorf("Parse(%q) message:\n got %s\nwant %s", tt.cmdline, m, tt.message)
		}
	}
}

func TestErrorValidAndRange(t *testing.T) {
	_, err := Parse(image + "nope")
	if len(err.Valid) != len(table) || err.Valid[0] != "test" || err.Valid[len(table)-1] != "help" {
		t.Errorf("unknown option: Valid = %q", err.Valid)
	}
	_, err = Parse(image + "workload=idle")
	if strings.Join(err.Valid, ",") != "none,demo,stress,monitor,explore,shoot,race,fuzz" {
		t.Errorf("bad enum: Valid = %q", err.Valid)
	}
	_, err = Parse(image + "hz=1")
	if err.Min != 10 || err.Max != 100000 || err.Valid != nil {
		t.Errorf("out of range: %+v", err)
	}
}

// After an error the options hold what came before the bad word, and the
// bad value itself is not stored.
func TestPartialOptions(t *testing.T) {
	o, err := Parse(image + "flush=racy hz=5 quiet")
	want := defaults()
	want.Flush = FlushRacy
	if err == nil || o != want {
		t.Errorf("got %+v, %v\nwant %+v", o, err, want)
	}
	if o, _ = Parse(image + "workload=idle"); o.Workload != WorkloadNone {
		t.Errorf("bad enum stored: %d", o.Workload)
	}
}

// A first word that looks like an option is an option, not the image
// path (GRUB 2 passes no path; QEMU's paths have no '=').
func TestImagePathSkipped(t *testing.T) {
	o, err := Parse("/boot/kernel.elf flush=racy quiet")
	if err != nil || o.Flush != FlushRacy || !o.Quiet {
		t.Errorf("got %+v, %v", o, err)
	}
}

// TestTableMatchesOptions checks each option's offset names a field of the
// type its kind stores, that every field has an option, and that defaults
// and ranges make sense.
func TestTableMatchesOptions(t *testing.T) {
	typ := reflect.TypeOf(Options{})
	want := map[kind]reflect.Kind{kindEnum: reflect.Uint8, kindUint: reflect.Uint64, kindBool: reflect.Bool, kindList: reflect.String}
	if typ.NumField() != len(table) {
		t.Errorf("Options has %d fields, table %d options", typ.NumField(), len(table))
	}
	for i, e := range table {
		f := typ.Field(i)
		if f.Offset != e.off || f.Type.Kind() != want[e.kind] || !strings.EqualFold(f.Name, e.name) {
			t.Errorf("option %s: field %s (%v at %d) does not match kind %d at %d", e.name, f.Name, f.Type, f.Offset, e.kind, e.off)
		}
		switch e.kind {
		case kindEnum:
			if e.def >= uint64(len(e.values)) {
				t.Errorf("option %s: default %d has no name", e.name, e.def)
			}
			for _, v := range e.values {
				if v == "" {
					t.Errorf("option %s: unnamed value", e.name)
				}
			}
		case kindUint:
			if e.min > e.def || e.def > e.max {
				t.Errorf("option %s: default %d outside %d..%d", e.name, e.def, e.min, e.max)
			}
		}
		if e.help == "" {
			t.Errorf("option %s: no help", e.name)
		}
	}
}

// GRUB 2's multiboot command passes the arguments without the image path.
func TestNoImagePath(t *testing.T) {
	o, err := Parse("flush=racy seed=3")
	if err != nil || o.Flush != FlushRacy || o.Seed != 3 {
		t.Errorf("Parse without image path = %+v, %v", o, err)
	}
	o, err = Parse("quiet")
	if err != nil || !o.Quiet {
		t.Errorf("bare option as first word: %+v, %v", o, err)
	}
	if _, err := Parse("/boot/kernel.elf fluhs=1"); err == nil {
		t.Error("an unknown option after the image path was accepted")
	}
}

// TestMaxCPUs: maxcpus= takes 1..MaxCPUs; 0, too many and garbage are
// refused with a message naming the range.
func TestMaxCPUs(t *testing.T) {
	if o, err := Parse(image + "maxcpus=2"); err != nil || o.MaxCPUs != 2 {
		t.Errorf("maxcpus=2: %+v, %v", o.MaxCPUs, err)
	}
	for _, w := range []string{"maxcpus=0", "maxcpus=9", "maxcpus=all", "maxcpus="} {
		_, err := Parse(image + w)
		if err == nil {
			t.Errorf("%s accepted", w)
			continue
		}
		if msg := message(err); !strings.Contains(msg, "maxcpus=") || (w != "maxcpus=" && !strings.Contains(msg, "1..4")) {
			t.Errorf("%s: %q does not name the option and its range", w, msg)
		}
	}
}
