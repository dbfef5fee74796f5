/*
 * article.c: the article's ten segments as fields, for tests and the pcap
 * generator. Every value is from reference/SEED-EXCHANGE.md; the checksums
 * are the ones that went on the wire, so that a test can compare what
 * seg_encode() computes with them. Test code: it never reads a file.
 */
#include "tests/article.h"

const char article_request[] = "GET /truedei/test?name=zhenghui HTTP/1.1\r\n"
                               "User-Agent: Wget/1.14 (linux-gnu)\r\n"
                               "Accept: */*\r\n"
                               "Host: 192.168.101.5:8080\r\n"
                               "Connection: Keep-Alive\r\n"
                               "\r\n";
const size_t article_request_len = sizeof article_request - 1;

const char article_response[] = "HTTP/1.1 200 \r\n"
                                "Vary: Origin\r\n"
                                "Vary: Access-Control-Request-Method\r\n"
                                "Vary: Access-Control-Request-Headers\r\n"
                                "Content-Type: text/plain;charset=UTF-8\r\n"
                                "Content-Length: 16\r\n"
                                "Date: Mon, 15 Jun 2020 14:49:10 GMT\r\n"
                                "Keep-Alive: timeout=60\r\n"
                                "Connection: keep-alive\r\n"
                                "\r\n"
                                "This is zhenghui";
const size_t article_response_len = sizeof article_response - 1;

/* 2020-06-15 14:49:10 UTC. */
#define ARTICLE_SEC 1592232550

/* Which payload a segment carries. */
enum { PL_NONE, PL_REQUEST, PL_RESPONSE };

struct article_seg {
	int from_client;
	uint16_t ip_id;
	uint16_t flags;
	uint32_t seq;
	uint32_t ack;
	uint16_t win;
	uint32_t ts_val;
	uint32_t ts_ecr;
	int payload;
	uint16_t cksum;
	uint32_t usec;
};

static const struct article_seg table[ARTICLE_NSEG] = {
        {1, 40563, TH_SYN, 250118291u, 0, 29200, 4595424, 0, PL_NONE, 0xdc83,
         94025},
        {0, 0, TH_SYN | TH_ACK, 2336326088u, 250118292u, 28960, 2480165653u,
         4595424, PL_NONE, 0xe96e, 94140},
        {1, 40564, TH_ACK, 250118292u, 2336326089u, 229, 4595426, 2480165653u,
         PL_NONE, 0x8874, 94172},
        {1, 40565, TH_PSH | TH_ACK, 250118292u, 2336326089u, 229, 4595426,
         2480165653u, PL_REQUEST, 0x0f76, 95038},
        {0, 22245, TH_ACK, 2336326089u, 250118434u, 235, 2480165654u, 4595426,
         PL_NONE, 0x87df, 95134},
        {0, 22246, TH_PSH | TH_ACK, 2336326089u, 250118434u, 235, 2480165657u,
         4595426, PL_RESPONSE, 0xc019, 97367},
        {1, 40566, TH_ACK, 250118434u, 2336326356u, 237, 4595429, 2480165657u,
         PL_NONE, 0x86cc, 97381},
        {1, 40567, TH_FIN | TH_ACK, 250118434u, 2336326356u, 237, 4595429,
         2480165657u, PL_NONE, 0x86cb, 97971},
        {0, 22247, TH_FIN | TH_ACK, 2336326356u, 250118435u, 235, 2480165658u,
         4595429, PL_NONE, 0x86cb, 98475},
        {1, 40568, TH_ACK, 250118435u, 2336326357u, 237, 4595430, 2480165658u,
         PL_NONE, 0x86c8, 98487},
};

static void set_ends(const struct article_seg *a, struct seg *s)
{
	if (a->from_client) {
		s->saddr = ARTICLE_CLIENT_ADDR;
		s->daddr = ARTICLE_SERVER_ADDR;
		s->sport = ARTICLE_CLIENT_PORT;
		s->dport = ARTICLE_SERVER_PORT;
	} else {
		s->saddr = ARTICLE_SERVER_ADDR;
		s->daddr = ARTICLE_CLIENT_ADDR;
		s->sport = ARTICLE_SERVER_PORT;
		s->dport = ARTICLE_CLIENT_PORT;
	}
}

void article_build(unsigned i, struct seg *s)
{
	const struct article_seg *a = &table[i % ARTICLE_NSEG];

	seg_init(s);
	s->ip_id = a->ip_id;
	set_ends(a, s);
	s->seq = a->seq;
	s->ack = a->ack;
	s->flags = a->flags;
	s->win = a->win;
	/* Both SYNs carry Linux's full set; later segments only timestamps. */
	if (a->flags & TH_SYN)
		seg_opt_linux_syn(s, 1460, a->ts_val, a->ts_ecr, 7);
	else
		seg_opt_linux_ts(s, a->ts_val, a->ts_ecr);
	if (a->payload == PL_REQUEST) {
		s->payload = (const uint8_t *)article_request;
		s->payload_len = article_request_len;
	} else if (a->payload == PL_RESPONSE) {
		s->payload = (const uint8_t *)article_response;
		s->payload_len = article_response_len;
	}
}

uint16_t article_cksum(unsigned i)
{
	return table[i % ARTICLE_NSEG].cksum;
}

void article_time(unsigned i, int64_t *sec, uint32_t *usec)
{
	*sec = ARTICLE_SEC;
	*usec = table[i % ARTICLE_NSEG].usec;
}

int article_from_client(unsigned i)
{
	return table[i % ARTICLE_NSEG].from_client;
}
