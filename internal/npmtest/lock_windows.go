//go:build windows

package npmtest

import "testing"

// lockDir does not lock on Windows, where the suite is not run in parallel.
func lockDir(testing.TB, string) func() { return func() {} }
