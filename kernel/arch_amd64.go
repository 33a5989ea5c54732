package kernel

const archName = "amd64"
