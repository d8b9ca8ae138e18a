/*
 * The Fd session: an open file of the parent's, inherited by a program it
 * started (execve, posix_spawn). The parent serves it on its libc
 * backend's endpoint (lib/libc/spawn.c); the child's backend opens one per
 * inherited descriptor that its config names as <fd id="N" file="H"/>:
 *
 *   session args "file=H": H is the parent's handle, valid for this child
 *
 * Reads and writes carry the data in the message words, at most
 * FD_DATA_MAX bytes a call. A call that would block (an empty pipe with
 * writers, a full pipe with readers) answers E_AGAIN; the server submits
 * the client's signal (FD_SIGH) when the file changed, and the client
 * calls again. A write to a pipe that nobody reads any more answers
 * E_ABORT (EPIPE for the program). The file offset is the parent's, shared with
 * every descriptor of that open file, as POSIX wants.
 */
#pragma once

#include <kernel/abi.h>

#define FD_DATA_MAX ((MSG_WORDS_MAX - 1) * 8)

enum fd_label {
	/* w0: bytes wanted -> w0: bytes read (0: end of file), then the data */
	FD_READ = 1,
	/* w0: bytes, then the data -> w0: bytes written */
	FD_WRITE = 2,
	/* a signal capability, submitted when the file changes */
	FD_SIGH = 3,
	/* w0: offset, w1: whence (SEEK_*) -> w0: the new offset */
	FD_SEEK = 4,
	/* -> w0: mode (S_IF* | permission bits), w1: size */
	FD_STAT = 5,
};
