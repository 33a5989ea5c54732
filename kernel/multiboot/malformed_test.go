// Host tests for malformed boot information: each problem is reported
// with the right details and message, and what could be read is kept.
package multiboot

import (
	"strings"
	"testing"
)

func TestMalformed(t *testing.T) {
	tests := []struct {
		name    string
		break_  func(f *fake)
		info    uint32 // where the information structure is; infoAt if 0
		want    Error
		message string
		regions int // regions still parsed
		modules int
	}{
		{name: "info outside memory", info: 0x3ff0,
			want:    Error{BadAddress, "information structure", -1, 0x3ff0},
			message: "multiboot: information structure at 0x3ff0 is outside memory"},
		{name: "info at the top of 4 GiB", info: 0xffffffff,
			want:    Error{BadAddress, "information structure", -1, 0xffffffff},
			message: "multiboot: information structure at 0xffffffff is outside memory"},
		{name: "cmdline outside memory", break_: func(f *fake) { f.put32(infoAt+16, 0x10000) },
			want:    Error{BadAddress, "command line", -1, 0x10000},
			message: "multiboot: command line at 0x10000 is outside memory", regions: 10, modules: 2},
		{name: "cmdline without NUL at the end of memory", break_: func(f *fake) {
			f.put32(infoAt+16, 0x3ffc)
			copy(f.mem[0x3ffc:], "abcd")
		},
			want:    Error{BadAddress, "command line", -1, 0x3ffc},
			message: "multiboot: command line at 0x3ffc is outside memory", regions: 10, modules: 2},
		{name: "cmdline too long", break_: func(f *fake) {
			f.put32(infoAt+16, 0x1000)
			f.putString(0x1000, strings.Repeat("x", MaxString+1))
		},
			want:    Error{StringTooLong, "command line", -1, 0x1000},
			message: "multiboot: command line is longer than 4096 bytes (cut)", regions: 10, modules: 2},
		{name: "module string outside memory", break_: func(f *fake) { f.put32(modsAt+16+8, 0x7fffffff) },
			want:    Error{BadAddress, "command line of module", 1, 0x7fffffff},
			message: "multiboot: command line of module 1 at 0x7fffffff is outside memory", regions: 10, modules: 2},
		{name: "module table outside memory", break_: func(f *fake) { f.put32(infoAt+24, 0x3ff8) },
			want:    Error{BadAddress, "module table", -1, 0x3ff8},
			message: "multiboot: module table at 0x3ff8 is outside memory", regions: 10},
		{name: "too many modules", break_: func(f *fake) {
			f.put32(infoAt+20, 10)
			f.put32(infoAt+24, 0x1000) // ten zeroed module entries
		},
			want:    Error{TooManyModules, "module table", -1, 10},
			message: "multiboot: module table has 10 modules, only the first 8 are used", regions: 10, modules: 8},
		{name: "entry size below 20", break_: func(f *fake) {
			f.put32(infoAt+44, f.putMap(exampleMap[:4], func(i int) uint32 { return 20 - uint32(i/3)*4 }))
		},
			want:    Error{EntryTooSmall, "memory map entry", 3, 16},
			message: "multiboot: memory map entry 3 has size 16, less than 20", regions: 3, modules: 2},
		{name: "entry size 0", break_: func(f *fake) { f.put32(infoAt+44, f.putMap(exampleMap[:1], func(int) uint32 { return 0 })+20) },
			want:    Error{EntryTooSmall, "memory map entry", 0, 0},
			message: "multiboot: memory map entry 0 has size 0, less than 20", modules: 2},
		{name: "entry past the map's length", break_: func(f *fake) { f.put32(infoAt+44, f.putMap(exampleMap[:3], size20)-4) },
			want:    Error{MapOverrun, "memory map entry", 2, 68},
			message: "multiboot: memory map entry 2 runs past the end of the map (length 68)", regions: 2, modules: 2},
		{name: "size field says more than the map holds", break_: func(f *fake) {
			f.put32(infoAt+44, f.putMap(exampleMap[:2], func(i int) uint32 { return 20 + 100*uint32(i) }))
			f.put32(infoAt+44, 48)
		},
			want:    Error{MapOverrun, "memory map entry", 1, 48},
			message: "multiboot: memory map entry 1 runs past the end of the map (length 48)", regions: 1, modules: 2},
		{name: "map outside memory", break_: func(f *fake) {
			f.put32(infoAt+48, 0x3ff0)
			f.put32(0x3ff0, 20) // a good size field, but the entry ends past 0x4000
		},
			want:    Error{BadAddress, "memory map entry", 0, 0x3ff0},
			message: "multiboot: memory map entry 0 at 0x3ff0 is outside memory", modules: 2},
		{name: "too many regions", break_: func(f *fake) {
			many := make([]Region, 40)
			for i := range many {
				many[i] = Region{uint64(i) << 20, 1 << 20, TypeAvailable}
			}
			f.put32(infoAt+44, f.putMap(many, size20))
		},
			want:    Error{TooManyRegions, "memory map", -1, 40},
			message: "multiboot: memory map has 40 entries, only the first 32 are used", regions: 32, modules: 2},
	}
	for _, tt := range tests {
		f := example()
		if tt.break_ != nil {
			tt.break_(f)
		}
		at := uint32(infoAt)
		if tt.info != 0 {
			at = tt.info
		}
		info, err := Parse(f.window(), at)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if *err != tt.want {
			t.Errorf("%s: error %+v, want %+v", tt.name, *err, tt.want)
		}
		if m := message(err); m != tt.message {
			t.Errorf("%s: message\n got %s\nwant %s", tt.name, m, tt.message)
		}
		if info.NumRegions != tt.regions || info.NumModules != tt.modules {
			t.Errorf("%s: kept %d regions and %d modules, want %d and %d", tt.name, info.NumRegions, info.NumModules, tt.regions, tt.modules)
		}
	}
}

// Address 0 is never valid: it is a missing pointer, not physical memory.
func TestInfoAtZero(t *testing.T) {
	f := example()
	copy(f.mem[:infoSize], f.mem[infoAt:])
	if _, err := Parse(f.window(), 0); err == nil || *err != (Error{BadAddress, "information structure", -1, 0}) {
		t.Errorf("Parse at 0: %+v", err)
	}
}

// Parse reports the first problem only, and a later Parse starts afresh.
func TestFirstProblemOnly(t *testing.T) {
	f := example()
	f.put32(infoAt+16, 0x10000)                                                 // bad command line
	f.put32(infoAt+44, f.putMap(exampleMap[:1], func(int) uint32 { return 8 })) // and a bad map
	if _, err := Parse(f.window(), infoAt); err == nil || err.What != "command line" {
		t.Errorf("got %+v, want the command line problem", err)
	}
	if _, err := Parse(example().window(), infoAt); err != nil {
		t.Errorf("second Parse: %s", message(err))
	}
}

func TestEmptyCmdlineAndMap(t *testing.T) {
	f := example()
	f.putString(cmdlineAt, "")
	f.put32(infoAt+44, 0)
	f.put32(infoAt+20, 0)
	f.put32(infoAt+24, 0)
	info, err := Parse(f.window(), infoAt)
	if err != nil || info.Cmdline != "" || info.NumRegions != 0 || info.NumModules != 0 || !info.HasMemoryMap {
		t.Errorf("got %+v, %v", info, err)
	}
	f.put32(infoAt+16, 0) // no command line pointer at all: empty, not an error
	if info, err = Parse(f.window(), infoAt); err != nil || info.Cmdline != "" {
		t.Errorf("cmdline 0: %q, %v", info.Cmdline, err)
	}
}
