package stress

import "unsafe"

// builtinWorker is a position-independent copy of the worker's loop, used
// while the initramfs worker is not available (TEMPORARY).
func builtinWorker()

// builtinWorkerPC returns builtinWorker's own (ABI0) address.
func builtinWorkerPC() uintptr

// BuiltinWorkerCode returns the machine code of builtinWorker.
func BuiltinWorkerCode() []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(builtinWorkerPC())), 1024)
}
