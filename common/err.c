/*
 * err.c: names for the pure core's error codes. Nothing here prints.
 */
#include "common/err.h"
#include "common/tr.h"

const char *tcplab_strerror(int err)
{
	switch (err) {
	case TCPLAB_OK:
		return N_("success");
	case TCPLAB_ETRUNC:
		return N_("packet truncated");
	case TCPLAB_EVERSION:
		return N_("not an IPv4 packet");
	case TCPLAB_EIHL:
		return N_("bad IPv4 header length");
	case TCPLAB_EIPLEN:
		return N_("IPv4 total length shorter than its header");
	case TCPLAB_EPROTO:
		return N_("not a TCP segment");
	case TCPLAB_EFRAG:
		return N_("IPv4 fragment");
	case TCPLAB_EHDRLEN:
		return N_("bad TCP data offset");
	case TCPLAB_EOPT:
		return N_("malformed TCP option");
	case TCPLAB_ENOSPC:
		return N_("buffer too small");
	case TCPLAB_EINVAL:
		return N_("invalid argument");
	case TCPLAB_ENOMEM:
		return N_("out of memory");
	case TCPLAB_ERANGE:
		return N_("value out of range");
	}
	return N_("unknown error");
}
