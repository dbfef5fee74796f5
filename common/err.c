/*
 * err.c: names for the pure core's error codes. Nothing here prints.
 */
#include "err.h"

const char *tcplab_strerror(int err)
{
	switch (err) {
	case TCPLAB_OK:
		return "success";
	case TCPLAB_ETRUNC:
		return "packet truncated";
	case TCPLAB_EVERSION:
		return "not an IPv4 packet";
	case TCPLAB_EIHL:
		return "bad IPv4 header length";
	case TCPLAB_EIPLEN:
		return "IPv4 total length shorter than its header";
	case TCPLAB_EPROTO:
		return "not a TCP segment";
	case TCPLAB_EFRAG:
		return "IPv4 fragment";
	case TCPLAB_EHDRLEN:
		return "bad TCP data offset";
	case TCPLAB_EOPT:
		return "malformed TCP option";
	case TCPLAB_ENOSPC:
		return "buffer too small";
	case TCPLAB_EINVAL:
		return "invalid argument";
	case TCPLAB_ENOMEM:
		return "out of memory";
	case TCPLAB_ERANGE:
		return "value out of range";
	}
	return "unknown error";
}
