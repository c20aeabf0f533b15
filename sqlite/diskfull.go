package sqlite

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrDiskFull marks a twin that could not be written for lack of space.
var ErrDiskFull = errors.New("out of disk space")

// diskFull explains a write error caused by a full disk. SQLite reports it
// as "database or disk is full", and, after a failed write on a file loaded
// without a journal, sometimes as "database disk image is malformed": both
// are reported as what they are when the file's disk has (almost) no space
// left, with the space free and what to do.
func diskFull(path string, err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	full := strings.Contains(msg, "disk is full") || strings.Contains(msg, "(13)") || errors.Is(err, syscall.ENOSPC)
	if !full && !strings.Contains(msg, "malformed") && !strings.Contains(msg, "I/O error") {
		return err
	}
	free, ok := freeBytes(filepath.Dir(path))
	if !full && (!ok || free > 1<<20) {
		return err
	}
	where := filepath.Dir(path)
	return fmt.Errorf("%w: the disk holding %s is full (%s free): free space there or choose a target on another disk, then run the clone again (%v)",
		ErrDiskFull, where, humanBytes(free), err)
}

func freeBytes(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}

func humanBytes(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
