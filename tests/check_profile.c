/*
 * check_profile.c: the live and seed profiles.
 *
 * The main test plays the article's exchange with two conns, each set up
 * only from its side of the seed profile and driven as tcplab-client and
 * tcplab-server drive theirs (profile_ts_apply before each call that may
 * send, profile_on_input before each segment taken in). The request comes
 * from httpc_request(). Every segment must be the article's, byte for byte,
 * whatever the real times of the calls.
 */
#include <string.h>

#include "common/conn.h"
#include "common/err.h"
#include "common/httpc.h"
#include "common/profile.h"
#include "tests/article.h"
#include "tests/testlib.h"

#define MS  1000ull
#define SEC 1000000ull

/* One side: its conn, its profile side, and the segments it has sent. */
struct side {
	struct conn c;
	const struct profile_side *ps;
	unsigned nsent;
	struct conn_out out;
};

static void expect_article(const struct seg *s, unsigned i)
{
	uint8_t got[1600], want[1600];
	struct seg ref;
	int gl, wl;

	article_build(i, &ref);
	gl = seg_encode(s, got, sizeof got);
	wl = seg_encode(&ref, want, sizeof want);
	ck_assert_int_gt(gl, 0);
	ck_assert_int_gt(wl, 0);
	EXPECT_BYTES(got, (size_t)gl, want, (size_t)wl);
	/* The TCP checksum (IPv4 header 20 bytes, then offset 16) is the
	 * one SEED-EXCHANGE.md gives for the wire. */
	ck_assert_uint_eq((unsigned)(got[36] << 8 | got[37]), article_cksum(i));
}

/* Checks that the call just made on side s sent exactly article segment
 * i (or nothing when i is negative), and counts it. */
static void sent(struct side *s, int i)
{
	if (i < 0) {
		ck_assert_uint_eq(s->out.nseg, 0);
		return;
	}
	ck_assert_msg(s->out.nseg == 1, "segment %d: %u segments sent", i + 1,
	              s->out.nseg);
	expect_article(&s->out.seg[0], (unsigned)i);
	s->nsent += s->out.nseg;
}

/* Delivers from's first segment to side to at time now. */
static void deliver(struct side *from, struct side *to, uint64_t now)
{
	profile_ts_apply(to->ps, &to->c, to->nsent, now);
	profile_on_input(to->ps, &to->c, &from->out.seg[0]);
	ck_assert_int_eq(conn_input(&to->c, &from->out.seg[0], now, &to->out),
	                 0);
}

static void seed_sides(struct profile *p, struct side *cli, struct side *srv,
                       uint64_t t0)
{
	struct conn_cfg ccfg;

	ck_assert_int_eq(profile_get("seed", p), 0);
	memset(cli, 0, sizeof *cli);
	memset(srv, 0, sizeof *srv);
	cli->ps = &p->client;
	srv->ps = &p->server;
	ck_assert_int_eq(conn_listen(&srv->c, &p->server.cfg, p->server_addr,
	                             p->server.port),
	                 0);
	ccfg = p->client.cfg;
	ccfg.ts_offset = profile_ts_offset(&p->client, t0);
	ck_assert_int_eq(conn_connect(&cli->c, &ccfg, p->client_addr,
	                              p->client.port, p->server_addr,
	                              p->server.port, p->client.iss, t0,
	                              &cli->out),
	                 0);
	sent(cli, 0); /* 1: S */
}

/* The whole exchange; step is the real time between two calls. */
static void run_seed_exchange(uint64_t t0, uint64_t step)
{
	struct profile p;
	struct side cli, srv;
	struct httpc_url u;
	struct httpc_req_opts o = {0};
	char req[512];
	int rl;
	uint64_t t = t0;

	seed_sides(&p, &cli, &srv, t0);
	deliver(&cli, &srv, t += step);
	sent(&srv, 1); /* 2: S. */
	deliver(&srv, &cli, t += step);
	sent(&cli, 2); /* 3: . */
	ck_assert_int_eq(cli.c.state, TCP_ESTABLISHED);
	deliver(&cli, &srv, t += step);
	sent(&srv, -1);
	ck_assert_int_eq(srv.c.state, TCP_ESTABLISHED);

	ck_assert_int_eq(httpc_parse_url("http://192.168.101.5:8080/truedei/"
	                                 "test?name=zhenghui",
	                                 &u),
	                 0);
	o.user_agent = p.user_agent;
	rl = httpc_request(&u, &o, req, sizeof req);
	ck_assert_int_eq(rl, 142);
	profile_ts_apply(cli.ps, &cli.c, cli.nsent, t += step);
	ck_assert_int_eq(conn_send(&cli.c, (const uint8_t *)req, (size_t)rl, t,
	                           &cli.out),
	                 rl);
	sent(&cli, 3); /* 4: P. 1:143 */
	deliver(&cli, &srv, t += step);
	sent(&srv, 4); /* 5: . ack 143 */
	deliver(&srv, &cli, t += step);
	sent(&cli, -1);

	profile_ts_apply(srv.ps, &srv.c, srv.nsent, t += step);
	ck_assert_int_eq(conn_send(&srv.c, (const uint8_t *)article_response,
	                           article_response_len, t, &srv.out),
	                 (int)article_response_len);
	sent(&srv, 5); /* 6: P. 1:268 */
	deliver(&srv, &cli, t += step);
	sent(&cli, 6); /* 7: . ack 268, window 237 */
	ck_assert_uint_eq(cli.out.data_len, article_response_len);
	deliver(&cli, &srv, t += step);
	sent(&srv, -1);

	profile_ts_apply(cli.ps, &cli.c, cli.nsent, t += step);
	ck_assert_int_eq(conn_close(&cli.c, t, &cli.out), 0);
	sent(&cli, 7); /* 8: F. */
	deliver(&cli, &srv, t += step);
	sent(&srv, -1); /* the ACK waits for the server's own FIN */
	profile_ts_apply(srv.ps, &srv.c, srv.nsent, t += step);
	ck_assert_int_eq(conn_close(&srv.c, t, &srv.out), 0);
	sent(&srv, 8); /* 9: F. ack 144 */
	deliver(&srv, &cli, t += step);
	sent(&cli, 9); /* 10: . ack 269 */
	ck_assert_int_eq(cli.c.state, TCP_TIME_WAIT);
	deliver(&cli, &srv, t += step);
	ck_assert_int_eq(srv.c.state, TCP_CLOSED);
}

START_TEST(test_seed_exchange_is_the_article)
{
	run_seed_exchange(0, 1 * MS);
}
END_TEST

/* The TS values are a virtual clock: real seconds between the calls, and
 * a clock that starts anywhere, change nothing. */
START_TEST(test_seed_exchange_ts_virtual_clock)
{
	run_seed_exchange(1234567 * SEC + 891, 700 * MS + 3);
}
END_TEST

START_TEST(test_seed_fields)
{
	struct profile p;

	ck_assert_int_eq(profile_get("seed", &p), 0);
	ck_assert_int_eq(p.id, PROFILE_SEED);
	ck_assert_uint_eq(p.client.port, ARTICLE_CLIENT_PORT);
	ck_assert_uint_eq(p.server.port, ARTICLE_SERVER_PORT);
	ck_assert_uint_eq(p.client.iss, ARTICLE_CLIENT_ISN);
	ck_assert_uint_eq(p.server.cfg.iss, ARTICLE_SERVER_ISN);
	ck_assert_uint_eq(p.client_addr, ARTICLE_CLIENT_ADDR);
	ck_assert_uint_eq(p.server_addr, ARTICLE_SERVER_ADDR);
	ck_assert_str_eq(p.date, "Mon, 15 Jun 2020 14:49:10 GMT");
	ck_assert_str_eq(p.user_agent, HTTPC_WGET_UA);
	ck_assert(profile_addrs_match(&p, ARTICLE_CLIENT_ADDR,
	                              ARTICLE_SERVER_ADDR));
	ck_assert(!profile_addrs_match(&p, 0x0a000001, ARTICLE_SERVER_ADDR));
}
END_TEST

/* Random values do not override what the seed fixes. */
START_TEST(test_seed_randomize_keeps_fields)
{
	struct profile p;
	struct profile_random r = {1, 2, 3};

	profile_get("seed", &p);
	profile_randomize(&p.client, &r);
	profile_randomize(&p.server, &r);
	ck_assert_uint_eq(p.client.iss, ARTICLE_CLIENT_ISN);
	ck_assert_uint_eq(p.client.cfg.ip_id, 40563);
	ck_assert_uint_eq(p.server.cfg.ip_id, 22245);
	ck_assert_uint_eq(p.client.cfg.ts_offset, 4595424);
}
END_TEST

/* The live client: random fields, and the windows of a current Linux. */
START_TEST(test_live_client_syn_and_ack)
{
	struct profile p;
	struct profile_random r = {ISN_NEAR_WRAP, 1323179214u, 22578};
	struct conn c, s;
	struct conn_out o, so;

	ck_assert_int_eq(profile_get("live", &p), 0);
	ck_assert_uint_eq(p.client.port, 0);
	profile_randomize(&p.client, &r);
	ck_assert_uint_eq(p.client.iss, ISN_NEAR_WRAP);
	conn_connect(&c, &p.client.cfg, ARTICLE_CLIENT_ADDR, 34310,
	             ARTICLE_SERVER_ADDR, 8080, p.client.iss, 0, &o);
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_uint_eq(o.seg[0].win, 64240);
	ck_assert_uint_eq(o.seg[0].ip_id, 22578);
	ck_assert_uint_eq(o.seg[0].ts_val, 1323179214u);
	ck_assert_uint_eq(o.seg[0].wscale, 10);
	ck_assert_uint_eq(o.seg[0].mss, 1460);
	ck_assert_uint_eq(o.seg[0].seq, ISN_NEAR_WRAP);

	/* The live server answers; the client's ACK offers 63 << 10. */
	r.iss = ISN_NEAR_WRAP_PEER;
	profile_randomize(&p.server, &r);
	conn_listen(&s, &p.server.cfg, ARTICLE_SERVER_ADDR, 8080);
	conn_input(&s, &o.seg[0], 0, &so);
	ck_assert_uint_eq(so.nseg, 1);
	ck_assert_uint_eq(so.seg[0].win, 65160);
	ck_assert_uint_eq(so.seg[0].seq, ISN_NEAR_WRAP_PEER);
	conn_input(&c, &so.seg[0], 1 * MS, &o);
	ck_assert_int_eq(c.state, TCP_ESTABLISHED);
	ck_assert_uint_eq(o.nseg, 1);
	ck_assert_uint_eq(o.seg[0].win, 63);
	ck_assert_uint_eq(o.seg[0].ts_val, 1323179215u);
}
END_TEST

/* A live profile never moves the TS clock. */
START_TEST(test_live_ts_apply_noop)
{
	struct profile p;
	struct conn c;

	profile_get("live", &p);
	memset(&c, 0, sizeof c);
	c.cfg.ts_offset = 77;
	profile_ts_apply(&p.client, &c, 0, 5 * SEC);
	ck_assert_uint_eq(c.cfg.ts_offset, 77);
}
END_TEST

/* Over IPv6 on Ethernet: MSS 1500 - 40 - 20, and Linux's SYN windows, the
 * largest multiple of the segment size under 65535 (less the 12 bytes of
 * timestamps on the server's side): 45 * 1440 and 45 * 1428. The IPv4
 * windows of the live profile are the same rule's: 44 * 1460, 45 * 1448. */
START_TEST(test_live_ipv6)
{
	struct profile p;

	ck_assert_int_eq(profile_get("live", &p), 0);
	ck_assert_uint_eq(p.client.cfg.syn_win, 65535 / 1460 * 1460);
	ck_assert_uint_eq(p.server.cfg.syn_win, 65535 / (1460 - 12) * 1448);
	profile_ipv6(&p);
	ck_assert_uint_eq(p.client.cfg.mss, 1500 - 40 - 20);
	ck_assert_uint_eq(p.server.cfg.mss, 1500 - 40 - 20);
	ck_assert_uint_eq(p.client.cfg.syn_win, 45 * 1440);
	ck_assert_uint_eq(p.server.cfg.syn_win, 45 * 1428);
	/* The seed keeps its article windows; only the MSS follows IPv6. */
	ck_assert_int_eq(profile_get("seed", &p), 0);
	profile_ipv6(&p);
	ck_assert_uint_eq(p.client.cfg.mss, 1440);
	ck_assert_uint_eq(p.client.cfg.syn_win, 29200);
}
END_TEST

START_TEST(test_unknown_profile)
{
	struct profile p;

	ck_assert_int_eq(profile_get("centos", &p), TCPLAB_EINVAL);
	ck_assert_int_eq(profile_get(NULL, &p), TCPLAB_EINVAL);
	ck_assert_str_eq(profile_names(), "live, seed");
}
END_TEST

static Suite *profile_suite(void)
{
	Suite *s = suite_create("profile");
	TCase *seed = tcase_create("seed");
	TCase *live = tcase_create("live");

	TESTLIB_ADD(seed, test_seed_exchange_is_the_article);
	TESTLIB_ADD(seed, test_seed_exchange_ts_virtual_clock);
	TESTLIB_ADD(seed, test_seed_fields);
	TESTLIB_ADD(seed, test_seed_randomize_keeps_fields);
	TESTLIB_ADD(live, test_live_client_syn_and_ack);
	TESTLIB_ADD(live, test_live_ts_apply_noop);
	TESTLIB_ADD(live, test_live_ipv6);
	TESTLIB_ADD(live, test_unknown_profile);
	suite_add_tcase(s, seed);
	suite_add_tcase(s, live);
	return s;
}

TESTLIB_MAIN(profile_suite)
