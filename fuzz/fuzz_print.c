/*
 * fuzz_print.c: libFuzzer target for the tcpdump-format printer.
 *
 * The input is a packet from the IPv4 or IPv6 header on, all captured, so
 * the seed corpus is the same as fuzz_seg's. Its first and last bytes each
 * choose a set of tcpdump's flags. Under each set the packet is printed
 * twice with one fresh context (so the second print sees the
 * relative-sequence state and the time delta the first left behind), then
 * once more into a buffer too small for it.
 * Each output buffer is allocated at exactly its capacity, so a write past
 * it is caught, and a successful print must be NUL-terminated text of the
 * returned length ending in a newline.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/tcpdump.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "fuzz_print: %s:%d: %s\n", __FILE__,   \
			        __LINE__, #cond);                              \
			abort();                                               \
		}                                                              \
	} while (0)

/* Names for the article's hosts and port, so the name paths run too. */
static const char *fz_host(void *arg, uint32_t addr)
{
	(void)arg;
	if (addr == 0xc0a86519u)
		return "localhost.localdomain";
	if ((addr & 0xff) == 0x05)
		return "server";
	return NULL;
}

static const char *fz_port(void *arg, uint16_t port)
{
	(void)arg;
	if (port == 8080)
		return "http-alt";
	if (port == 80)
		return "http";
	return NULL;
}

static int fz_time(void *arg, int64_t sec, struct tm *out)
{
	time_t t = (time_t)sec;

	(void)arg;
	return gmtime_r(&t, out) ? 0 : -1;
}

static void flags_from(uint8_t b, struct tcpdump_flags *f)
{
	memset(f, 0, sizeof *f);
	f->v = b & 3;
	f->n = (b >> 2) % 3;
	f->S = (b >> 4) & 1;
	f->t = (b >> 5) % 6;
}

/* Prints p into a heap buffer of exactly cap bytes and checks the result. */
static int print_one(struct tcpdump_ctx *ctx, const struct tcpdump_pkt *p,
                     size_t cap)
{
	char *buf = malloc(cap ? cap : 1);
	int n;

	CHECK(buf != NULL);
	n = tcpdump_format(ctx, p, buf, cap);
	CHECK(n >= TCPLAB_ENOMEM);
	if (n >= 0) {
		CHECK((size_t)n < cap);
		CHECK(buf[n] == '\0');
		CHECK(strlen(buf) == (size_t)n);
		CHECK(n == 0 || buf[n - 1] == '\n');
	}
	free(buf);
	return n;
}

/* Prints the packet twice with fresh state under one set of flags. */
static void print_with(uint8_t fb, const uint8_t *data, size_t size)
{
	static const struct tcpdump_resolver res = {fz_host, fz_port, fz_time,
	                                            NULL, NULL};
	struct tcpdump_flags f;
	struct tcpdump_ctx ctx;
	struct tcpdump_pkt p;
	size_t cap;
	int n;

	flags_from(fb, &f);
	CHECK(tcpdump_ctx_init(&ctx, &f, f.n ? NULL : &res) == 0);
	memset(&p, 0, sizeof p);
	p.ts_sec = 1592232550;
	p.ts_usec = 94025;
	p.ip = data;
	p.caplen = size;
	p.prefix = (fb & 0x80) ? "Out " : NULL;
	/* Escaped payload can take several times the packet's size. */
	cap = 8 * size + 4096;
	n = print_one(&ctx, &p, cap);
	p.ts_usec = 999999;
	print_one(&ctx, &p, cap);
	p.ts_sec++;
	p.ts_usec = 0;
	if (n > 0)
		print_one(&ctx, &p, (size_t)n / 2);
	tcpdump_ctx_free(&ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	/* The first byte is the packet's version and IHL, so it varies little
	 * in packets that parse; the last byte gives the fuzzer a second,
	 * free choice of flags. */
	print_with(data[0], data, size);
	print_with(data[size - 1], data, size);
	return 0;
}
