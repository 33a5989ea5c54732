package kernel

import (
	"tlbrace/kernel/fuzz"
	"tlbrace/kernel/stress"
)

// runFuzz runs workload=fuzz (kernel/fuzz), with the stress workload
// beside it when stress=on.
func runFuzz() bool {
	c := fuzz.Config{
		Fuzzers: int(Opts.Fuzzers), Seconds: Opts.Duration, Seed: Opts.Seed, Hang: Opts.Hang,
		OOM: Opts.OOM, FrameCap: int(Opts.FrameCap), Arch: archName, Cmdline: cmdlineWords(), Quiet: Opts.Quiet,
	}
	var worker []byte
	if Opts.Stress {
		c.Stress = &stressCfg
		stressCfg = stressConfig()
		worker = program("bin/worker")
	}
	return fuzz.Run(c, program("bin/"+fuzz.Program), worker)
}

// stressCfg is the stress configuration of a combined run (a global: its
// address goes into fuzz.Config).
var stressCfg stress.Config

// cmdlineWords is the kernel command line without the image path, as
// qemu.sh takes it after --.
func cmdlineWords() string {
	s := Boot.Cmdline
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			for i < len(s) && s[i] == ' ' {
				i++
			}
			return s[i:]
		}
	}
	return ""
}
