/*
 * article.h: the reference exchange of the article, rebuilt from its fields.
 *
 * Ten segments of a wget request to a Spring Boot endpoint on port 8080:
 * handshake, request, ACK, response, ACK and a three-segment close. The
 * fields come from reference/SEED-EXCHANGE.md and live in article.c, so
 * tests never read the reference files at run time. Test code only.
 */
#ifndef TCPLAB_TESTS_ARTICLE_H
#define TCPLAB_TESTS_ARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "common/seg.h"

#define ARTICLE_NSEG        10
#define ARTICLE_CLIENT_ADDR 0xc0a86519u /* 192.168.101.25 */
#define ARTICLE_SERVER_ADDR 0xc0a86505u /* 192.168.101.5 */
#define ARTICLE_CLIENT_PORT 57290
#define ARTICLE_SERVER_PORT 8080
#define ARTICLE_CLIENT_ISN  250118291u
#define ARTICLE_SERVER_ISN  2336326088u

/* The 142-byte request, CRLF line ends. */
extern const char article_request[];
extern const size_t article_request_len;
/* The 267-byte response: "HTTP/1.1 200 " with a trailing space, and the
 * body "This is zhenghui" with no line end. */
extern const char article_response[];
extern const size_t article_response_len;

/* Fills s with segment i (0..9); the payload points at the strings above. */
void article_build(unsigned i, struct seg *s);

/* The TCP checksum that went on the wire for segment i, e.g. 0xdc83. */
uint16_t article_cksum(unsigned i);

/* The capture time of segment i: 2020-06-15 14:49:10 UTC plus the trace's
 * microseconds (10:49:10 in the article's local time, UTC-4). */
void article_time(unsigned i, int64_t *sec, uint32_t *usec);

/* Whether segment i goes from the client to the server. */
int article_from_client(unsigned i);

#endif
