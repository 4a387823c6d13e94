//go:build !windows

package workbench

import "syscall"

// openFlags make opening a workspace file never wait: a FIFO swapped in
// after the check opens at once (and is then refused), and a symbolic link
// swapped in for the resolved path is not followed.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOFOLLOW
