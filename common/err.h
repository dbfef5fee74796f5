/*
 * err.h: the error codes of tcplab's pure core.
 *
 * Functions in common/ return 0 on success or one of these negative values.
 * They never print and never exit: the caller decides what a failure means.
 */
#ifndef TCPLAB_ERR_H
#define TCPLAB_ERR_H

enum tcplab_err {
	TCPLAB_OK = 0,
	TCPLAB_ETRUNC = -1,    /* fewer bytes than a header or length field needs */
	TCPLAB_EVERSION = -2,  /* the IP version is not 4 */
	TCPLAB_EIHL = -3,      /* IPv4 header length below 20 bytes */
	TCPLAB_EIPLEN = -4,    /* IPv4 total length shorter than its own header */
	TCPLAB_EPROTO = -5,    /* the IPv4 payload is not TCP */
	TCPLAB_EFRAG = -6,     /* a fragment: more fragments follow or offset > 0 */
	TCPLAB_EHDRLEN = -7,   /* TCP data offset below 5 or past the segment */
	TCPLAB_EOPT = -8,      /* a TCP option runs past the header or is malformed */
	TCPLAB_ENOSPC = -9,    /* the caller's buffer is too small */
	TCPLAB_EINVAL = -10,   /* an argument out of range */
	TCPLAB_ENOMEM = -11,   /* an allocation failed */
	TCPLAB_ERANGE = -12,   /* a value outside its bounds */
};

/* A short lowercase phrase for an error code, e.g. "segment truncated". */
const char *tcplab_strerror(int err);

#endif
