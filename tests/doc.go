// Package tests boots the real kernels under QEMU and judges what they
// print: the in-kernel tests, the fault reports, command-line rejection,
// and (stress_test.go) the race itself. Every test here runs both
// architectures; the QEMU flags come from qemu.sh through tools/qemu.
package tests
