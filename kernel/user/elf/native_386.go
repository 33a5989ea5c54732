package elf

// Native is the kind of executable this kernel runs (the 386 build).
const Native = I386
