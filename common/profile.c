/*
 * profile.c: the live and seed profiles.
 *
 * The seed values are the article's (reference/SEED-EXCHANGE.md); the live
 * values were read from wget-kernel-8080.vv.txt, a current Linux kernel
 * talking to itself between two namespaces.
 *
 * This file must never do I/O, print, read a clock or a random source, or
 * keep state between calls.
 */
#include <string.h>

#include "common/err.h"
#include "common/profile.h"

#define MS 1000u

/* The article's client, wget 1.14 on CentOS 7 (segments 1, 3, 4, 7, 8, 10). */
static void seed_client(struct profile_side *s)
{
	static const uint32_t ts[] = {4595424, 4595426, 4595426,
	                              4595429, 4595429, 4595430};

	conn_cfg_linux(&s->cfg);
	s->cfg.syn_win = 29200; /* 20 * 1460 */
	s->cfg.wscale = 7;
	s->cfg.rcv_wnd = 229u << 7;
	s->cfg.ip_id = 40563;
	s->fixed_iss = true;
	s->iss = 250118291u;
	s->fixed_ip_id = true;
	s->fixed_ts = true;
	memcpy(s->ts_script, ts, sizeof ts);
	s->ts_script_len = sizeof ts / sizeof ts[0];
	s->cfg.ts_offset = ts[0];
	s->rcv_wnd_data = 237u << 7;
	s->port = 57290;
}

/* The article's server, Spring Boot on CentOS 7 (segments 2, 5, 6, 9). */
static void seed_server(struct profile_side *s)
{
	static const uint32_t ts[] = {2480165653u, 2480165654u, 2480165657u,
	                              2480165658u};

	conn_cfg_linux(&s->cfg);
	s->cfg.syn_win = 28960; /* 20 * 1448 */
	s->cfg.wscale = 7;
	s->cfg.rcv_wnd = 235u << 7;
	/* The SYN-ACK has id 0 as on Linux; the next segment takes this. */
	s->cfg.ip_id = 22245;
	s->cfg.iss = 2336326088u;
	s->fixed_iss = true;
	s->iss = 2336326088u;
	s->fixed_ip_id = true;
	s->fixed_ts = true;
	memcpy(s->ts_script, ts, sizeof ts);
	s->ts_script_len = sizeof ts / sizeof ts[0];
	s->cfg.ts_offset = ts[0];
	s->port = 8080;
}

/* A current Linux (6.x): window scale 10, 64240 in the SYN and 63 << 10
 * after it; the server's SYN-ACK offers 65160, then 64 << 10. */
static void live_side(struct profile_side *s, bool client)
{
	conn_cfg_linux(&s->cfg);
	s->cfg.wscale = 10;
	s->cfg.syn_win = client ? 64240 : 65160;
	s->cfg.rcv_wnd = client ? 63u << 10 : 64u << 10;
	/* Linux's tcp_rmem[2] is 6 MB, half of it window. */
	s->cfg.rcv_wnd_max = 3u << 20;
	/* Linux: quick ACKs at first (up to 16 segments), then delayed. */
	s->cfg.bulk_ack_delay_us = 40000;
	s->cfg.quickack_segs = 16;
	s->port = client ? 0 : 8080;
}

/* Linux's initial window: whole segments of seg bytes, under 65535. */
static uint16_t whole_segments(uint32_t seg)
{
	return (uint16_t)(65535u / seg * seg);
}

void profile_ipv6(struct profile *p)
{
	p->client.cfg.mss -= 20;
	p->server.cfg.mss -= 20;
	if (p->id != PROFILE_LIVE)
		return;
	p->client.cfg.syn_win = whole_segments(p->client.cfg.mss);
	p->server.cfg.syn_win = whole_segments(p->server.cfg.mss - 12u);
}

int profile_get(const char *name, struct profile *p)
{
	if (name == NULL || p == NULL)
		return TCPLAB_EINVAL;
	memset(p, 0, sizeof *p);
	p->user_agent = "Wget/1.14 (linux-gnu)";
	if (strcmp(name, "seed") == 0) {
		p->id = PROFILE_SEED;
		p->name = "seed";
		seed_client(&p->client);
		seed_server(&p->server);
		p->client_addr = 0xc0a86519u; /* 192.168.101.25 */
		p->server_addr = 0xc0a86505u; /* 192.168.101.5 */
		p->date = "Mon, 15 Jun 2020 14:49:10 GMT";
		return 0;
	}
	if (strcmp(name, "live") == 0) {
		p->id = PROFILE_LIVE;
		p->name = "live";
		live_side(&p->client, true);
		live_side(&p->server, false);
		return 0;
	}
	return TCPLAB_EINVAL;
}

const char *profile_names(void)
{
	return "live, seed";
}

void profile_randomize(struct profile_side *s, const struct profile_random *r)
{
	if (!s->fixed_iss) {
		s->iss = r->iss;
		s->cfg.iss = r->iss;
	}
	if (!s->fixed_ip_id)
		s->cfg.ip_id = r->ip_id ? r->ip_id : 1;
	if (!s->fixed_ts)
		s->cfg.ts_offset = r->ts_offset;
}

uint32_t profile_ts_offset(const struct profile_side *s, uint64_t now_us)
{
	if (!s->fixed_ts || s->ts_script_len == 0)
		return s->cfg.ts_offset;
	/* conn_ts_now() adds now_us / 1000: take it away in advance. */
	return s->ts_script[0] - (uint32_t)(now_us / MS);
}

void profile_ts_apply(const struct profile_side *s, struct conn *c,
                      unsigned nsent, uint64_t now_us)
{
	if (!s->fixed_ts || nsent >= s->ts_script_len)
		return;
	c->cfg.ts_offset = s->ts_script[nsent] - (uint32_t)(now_us / MS);
}

void profile_on_input(const struct profile_side *s, struct conn *c,
                      const struct seg *in)
{
	if (s->rcv_wnd_data != 0 && in->payload_len > 0)
		conn_set_rcv_wnd(c, s->rcv_wnd_data);
}

bool profile_addrs_match(const struct profile *p, uint32_t client_addr,
                         uint32_t server_addr)
{
	return (p->client_addr == 0 || p->client_addr == client_addr) &&
	       (p->server_addr == 0 || p->server_addr == server_addr);
}
