//go:build unix

package promptfile

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used (user + system), which,
// unlike wall time, does not grow when other programs share the machine.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
