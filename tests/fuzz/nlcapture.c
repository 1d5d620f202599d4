// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD recorder of a netlink conversation, for the fuzz corpus:
 * every request the program sends and every datagram it reads on a
 * netlink socket, in order, appended to $PTSCOPE_NLCAPTURE as records
 *
 *   'S' or 'R', a little-endian u32 length, the bytes
 *
 * (reads that only peek are not recorded: the datagram comes again).
 * tests/fuzz/mkcorpus turns records into fuzz inputs.
 *
 *   cc -shared -fPIC -o nlcapture.so nlcapture.c -ldl
 *   PTSCOPE_NLCAPTURE=out.rec LD_PRELOAD=./nlcapture.so ptscope walk ...
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);

static int is_netlink(int fd)
{
	int domain = 0;
	socklen_t len = sizeof(domain);

	return !getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) &&
	       domain == AF_NETLINK;
}

/* One record: the bytes of @iov up to @n, as one piece. */
static void record(char kind, const struct iovec *iov, size_t iovlen, size_t n)
{
	const char *path = getenv("PTSCOPE_NLCAPTURE");
	unsigned char head[5];
	size_t i, left = n;
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd < 0)
		return;
	head[0] = (unsigned char)kind;
	for (i = 0; i < 4; i++)
		head[1 + i] = (unsigned char)(n >> (8 * i));
	if (write(fd, head, sizeof(head)) != sizeof(head))
		left = 0;
	for (i = 0; i < iovlen && left; i++) {
		size_t k = iov[i].iov_len < left ? iov[i].iov_len : left;

		if (write(fd, iov[i].iov_base, k) != (ssize_t)k)
			break;
		left -= k;
	}
	close(fd);
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	ssize_t n;

	if (!real_sendmsg)
		real_sendmsg = (ssize_t (*)(int, const struct msghdr *, int))dlsym(RTLD_NEXT, "sendmsg");
	n = real_sendmsg(fd, msg, flags);
	if (n > 0 && is_netlink(fd))
		record('S', msg->msg_iov, msg->msg_iovlen, (size_t)n);
	return n;
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	ssize_t n;

	if (!real_recvmsg)
		real_recvmsg = (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT, "recvmsg");
	n = real_recvmsg(fd, msg, flags);
	if (n > 0 && !(flags & MSG_PEEK) && is_netlink(fd)) {
		size_t i, room = 0;

		for (i = 0; i < msg->msg_iovlen; i++)
			room += msg->msg_iov[i].iov_len;
		record('R', msg->msg_iov, msg->msg_iovlen, (size_t)n < room ? (size_t)n : room);
	}
	return n;
}
