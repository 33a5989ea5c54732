// Tests for Config validation and the Config -> qemu.sh flag mapping.
package qemu

import (
	"strings"
	"testing"
	"time"
)

func TestScriptFlags(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{Arch: "386"}, "-a 386"},
		{Config{Arch: "386", Icount: true, Args: []string{"flush=racy", "seed=7"}},
			"-a 386 --icount -- flush=racy seed=7"},
		{Config{Arch: "amd64", Kernel: "k.elf", Initrd: "i.cpio", Mem: "64M"},
			"-a amd64 -k k.elf -i i.cpio -m 64M"},
		{Config{Arch: "386", Stress: true, CPU: "pentium3", Mem: "16M", Args: []string{"seed=3"}},
			"stress -a 386 -m 16M --cpu pentium3 -- seed=3"},
		{Config{Arch: "amd64", Icount: true, Shift: 3}, "-a amd64 --shift 3"},
		{Config{Arch: "amd64", Shift: ShiftZero}, "-a amd64 --shift 0"},
		{Config{Arch: "amd64", Shift: ShiftAuto}, "-a amd64 --shift auto"},
		{Config{Arch: "amd64", Record: "r.rr"}, "-a amd64 --record r.rr"},
		{Config{Arch: "amd64", Replay: "r.rr", Shift: 2}, "-a amd64 --shift 2 --replay r.rr"},
		{Config{Arch: "amd64", QEMUArgs: []string{"-smp", "2"}, Args: []string{"x"}},
			"-a amd64 -q -smp -q 2 -- x"},
	}
	for _, c := range cases {
		if got := strings.Join(scriptFlags(c.cfg), " "); got != c.want {
			t.Errorf("scriptFlags(%+v) = %q, want %q", c.cfg, got, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	ok := Config{Arch: "386", Timeout: time.Second}
	if err := ok.validate(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
	bad := map[string]func(c *Config){
		"Arch":     func(c *Config) { c.Arch = "arm64" },
		"NoArch":   func(c *Config) { c.Arch = "" },
		"Timeout":  func(c *Config) { c.Timeout = 0 },
		"Shift":    func(c *Config) { c.Shift = 11 },
		"NegShift": func(c *Config) { c.Shift = -3 },
		"RR":       func(c *Config) { c.Record, c.Replay = "a", "b" },
		"Space":    func(c *Config) { c.Args = []string{"a b"} },
		"Empty":    func(c *Config) { c.Args = []string{""} },
		"QEMUArg":  func(c *Config) { c.QEMUArgs = []string{""} },
		"Mem":      func(c *Config) { c.Mem = "32 M" },
		"CPUFlags": func(c *Config) { c.CPU = "qemu64,+pge" },
		"CPUDash":  func(c *Config) { c.CPU = "-cpu" },
	}
	for name, mut := range bad {
		c := ok
		mut(&c)
		err := c.validate()
		if err == nil {
			t.Errorf("%s: invalid config accepted: %+v", name, c)
			continue
		}
		if !strings.Contains(err.Error(), "Config.") {
			t.Errorf("%s: error does not name the field: %v", name, err)
		}
	}
}
