/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the fuzz targets share: a kernel that says what the input says.
 *
 * An input is a few option bytes (each target reads its own), then what
 * the kernel sends, as datagrams: a little-endian u16 length and that many
 * bytes, one netlink datagram as one recvmsg() would return it (one or
 * more messages). A length of 0 is a failed read (ENOBUFS); a length past
 * the end takes what is left. When the datagrams run out, the socket has
 * nothing more to read (NLE_AGAIN).
 *
 * Sequence numbers in the input are relative: each message's nlmsg_seq (and
 * an error ACK's quoted request's) is added to the sequence number of the
 * client's last request, so 0 answers it, whatever the socket's starting
 * number was.
 *
 * The client runs unchanged (see README.md): its objects are built with
 * the sanitizers, and only what reaches outside is diverted to here, by
 * name (-Wl,--wrap for ps_nl_open and ps_nl_close; objcopy for libc and
 * libnl functions, listed in seams.syms):
 *
 *   ps_nl_open         an unconnected libnl socket whose sends are
 *                      recorded and whose reads are the input's datagrams
 *   nl_cb_alloc        callback sets read the input too
 *   ppoll              readable while datagrams are left; else a timeout
 *   clock_gettime      a virtual clock: a microsecond per call, and past
 *                      every deadline once the input is spent
 *   fopen              /proc/swaps and /proc/PID/maps from fixed texts
 *   nl_socket_set_nonblocking   a success
 */
#ifndef PTSCOPE_FUZZ_H
#define PTSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The family id the fuzzed module has (nlmsg_type of its messages). */
#define FZ_FAMILY	0x1d
/* The process the fuzzed commands ask about (/proc/PID/maps is made up). */
#define FZ_PID		4242

/* Start an input; its option bytes come first. */
void fz_begin(const uint8_t *data, size_t size);
/* The next option byte, 0 past the end. */
uint8_t fz_byte(void);
/* After the client is done: checks and resets for the next input. */
void fz_end(void);

/* How many lines /proc/swaps has: 1 (no swap) or 2 (an area). */
void fz_set_swap_lines(int n);

#endif
