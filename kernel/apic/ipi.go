package apic

// Inter-processor interrupts through the interrupt command register (SDM
// Vol. 3A §11.6.1, Figure 11-12). The destination goes into ICR high
// first: the write to ICR low sends.
const (
	icrFixed     = 0 << 8 // delivery mode: the vector
	icrINIT      = 5 << 8
	icrStartup   = 6 << 8
	icrPending   = 1 << 12 // delivery status: send pending
	icrAssert    = 1 << 14 // level: assert (INIT de-assert clears it)
	icrLevelTrig = 1 << 15
)

// WaitIdle spins until the previous IPI has left (delivery status idle).
//
//go:nosplit
func WaitIdle() {
	for Read(RegICRLow)&icrPending != 0 {
	}
}

// send writes the ICR: destination APIC id dest, command low.
//
//go:nosplit
func send(dest uint32, low uint32) {
	WaitIdle()
	Write(RegICRHigh, dest<<24)
	Write(RegICRLow, low)
}

// SendIPI sends a fixed interrupt with vector to the CPU with APIC id dest.
// The caller keeps interrupts off around it (one ICR per CPU).
//
//go:nosplit
func SendIPI(dest uint32, vector uint8) { send(dest, icrFixed|uint32(vector)) }

// SendINIT sends an INIT IPI (assert, then the de-assert older processors
// need): the target resets and waits for a STARTUP IPI (SDM Vol. 3A §9.4.4).
func SendINIT(dest uint32) {
	send(dest, icrINIT|icrAssert|icrLevelTrig)
	send(dest, icrINIT|icrLevelTrig)
	WaitIdle()
}

// SendStartup sends a STARTUP IPI: the target starts in real mode at
// physical page vector<<12 (SDM Vol. 3A §9.4.4).
func SendStartup(dest uint32, vector uint8) {
	send(dest, icrStartup|uint32(vector))
	WaitIdle()
}
