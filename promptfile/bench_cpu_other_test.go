//go:build !unix

package promptfile

import "time"

func processCPU() (time.Duration, bool) { return 0, false }
