/*
 * loss.c: seeded random loss (see loss.h).
 */
#include <stdio.h>
#include <string.h>

#include "common/loss.h"

void loss_init(struct loss *l, uint32_t ppm, uint64_t seed)
{
	l->ppm = ppm > LOSS_ONE ? LOSS_ONE : ppm;
	l->state = seed;
	l->seed = seed;
}

/* SplitMix64 (Steele, Lea and Flood, 2014). */
static uint64_t next64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

bool loss_next(struct loss *l)
{
	if (l->ppm == 0)
		return false;
	if (l->ppm >= LOSS_ONE)
		return true;
	return next64(&l->state) % LOSS_ONE < l->ppm;
}

int loss_parse(const char *s, uint32_t *ppm)
{
	uint64_t whole = 0, frac = 0, scale = LOSS_ONE;
	unsigned digits = 0, fdigits = 0;
	bool percent = false;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		whole = whole * 10 + (uint64_t)(*p - '0');
		if (whole > 100)
			return -1;
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
			if (fdigits == 6)
				return -1;
			frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (fdigits == 0)
			return -1;
	}
	if (digits == 0 && fdigits == 0)
		return -1;
	if (*p == '%') {
		percent = true;
		p++;
	}
	if (*p != '\0')
		return -1;
	/* value = (whole + frac / 10^fdigits) [/ 100], in millionths. */
	while (fdigits < 6) {
		frac *= 10;
		fdigits++;
	}
	whole = whole * scale + frac;
	if (percent)
		whole /= 100;
	if (whole > LOSS_ONE)
		return -1;
	*ppm = (uint32_t)whole;
	return 0;
}

void loss_format(uint32_t ppm, char *buf, unsigned cap)
{
	/* ppm / 10^4 percent, with the decimals it needs. */
	unsigned whole = ppm / 10000, frac = ppm % 10000;
	int n = snprintf(buf, cap, "%u", whole);

	if (frac != 0 && n > 0 && (unsigned)n < cap) {
		char f[8];
		int k;

		snprintf(f, sizeof f, "%04u", frac);
		for (k = 3; k > 0 && f[k] == '0'; k--)
			f[k] = '\0';
		n += snprintf(buf + n, cap - (unsigned)n, ".%s", f);
	}
	if (n > 0 && (unsigned)n < cap)
		snprintf(buf + n, cap - (unsigned)n, "%%");
}
