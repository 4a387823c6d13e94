//go:build windows

package workbench

// openFlags: Windows has no FIFOs among files; the checks before opening suffice.
const openFlags = 0
