/*
 * connlib.h: what check_conn.c and check_cc.c share: the conn under test
 * (192.168.101.5:8080, ISN 0xfffffffe) and its peer (192.168.101.25:57290,
 * ISN 0xfffffff0), so that every exchange crosses 2^32; the fake clock;
 * Linux's configuration with those numbers; and a segment from the peer.
 * Test code: include it once, in a test program.
 */
#ifndef TCPLAB_TESTS_CONNLIB_H
#define TCPLAB_TESTS_CONNLIB_H

#include "common/conn.h"
#include "common/seg.h"
#include "tests/testlib.h"

#define LOCAL_ADDR  0xc0a86505u /* 192.168.101.5, the conn under test */
#define REMOTE_ADDR 0xc0a86519u /* 192.168.101.25, the peer */
#define LOCAL_PORT  8080
#define REMOTE_PORT 57290
#define LOCAL_ISS   ISN_NEAR_WRAP      /* 0xfffffffe */
#define REMOTE_ISS  ISN_NEAR_WRAP_PEER /* 0xfffffff0 */
/* Sequence numbers relative to each side's ISN, wrapping at 2^32. */
#define L(n) ((uint32_t)(LOCAL_ISS + (uint32_t)(n)))
#define R(n) ((uint32_t)(REMOTE_ISS + (uint32_t)(n)))

#define MS      1000ull
#define SEC     1000000ull
#define T0      (10 * SEC) /* the fake clock at the start of every test */
#define TS0     10000u     /* our TS val at T0: 1 tick per ms from 0 */
#define PEER_TS 777000u
#define IP_ID0  100

/* Linux's defaults, our ISN, IP ids from IP_ID0, TS val = ms since 0, and
 * the ACK of a FIN at once. */
static inline void test_cfg(struct conn_cfg *cfg)
{
	conn_cfg_linux(cfg);
	cfg->iss = LOCAL_ISS;
	cfg->ip_id = IP_ID0;
	cfg->ts_offset = 0;
	cfg->fin_ack_delay_us = 0;
}

/* A segment from the peer: flags, seq, ack, the window field 229. */
static inline struct seg pseg(uint16_t flags, uint32_t seq, uint32_t ack)
{
	struct seg s;

	seg_init(&s);
	s.saddr = REMOTE_ADDR;
	s.daddr = LOCAL_ADDR;
	s.sport = REMOTE_PORT;
	s.dport = LOCAL_PORT;
	s.flags = flags;
	s.seq = seq;
	s.ack = ack;
	s.win = 229;
	return s;
}

#endif
