/*
 * Session ids: `ses_` + UUID v7 (RFC 9562), so that sorting ids sorts
 * sessions by creation time and `latest` needs no metadata.
 */
#include "gs/session.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define RAND_A_MAX 0xfffu
#define RAND_B_MAX ((UINT64_C(1) << 62) - 1)

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t last_ms;
static uint32_t last_a; /* 12 bits */
static uint64_t last_b; /* 62 bits */
static pid_t last_pid;  /* a forked child must not continue its parent's sequence */

static int fill_random(void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len) {
		ssize_t n = getrandom(p, len, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			gs_error_set("cannot get random bytes for a session id: %s", strerror(errno));
			return GS_ERROR;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static uint64_t real_clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Fresh random fields for a new millisecond; the top bit of rand_a is left
 * clear so that increments within the millisecond have room (RFC 9562
 * §6.2 recommends this to avoid rollover). */
static int seed(uint64_t ms)
{
	unsigned char r[10];
	uint64_t b = 0;
	int i;

	if (fill_random(r, sizeof(r)) < 0)
		return GS_ERROR;
	for (i = 2; i < 10; i++)
		b = (b << 8) | r[i];
	last_ms = ms;
	last_pid = getpid();
	last_a = ((uint32_t)r[0] << 8 | r[1]) & 0x7ffu;
	last_b = b & RAND_B_MAX;
	return 0;
}

int gs_session_id_new(char out[GS_SESSION_ID_BUFSZ])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char u[16];
	uint64_t ms;
	size_t i, o;
	int error = 0;

	pthread_mutex_lock(&id_lock);
	ms = real_clock_ms();
	if (ms > last_ms || last_pid != getpid()) {
		error = seed(ms > last_ms ? ms : last_ms);
	} else if (last_b < RAND_B_MAX) {
		/* Same millisecond, or the clock stepped back: keep the last
		 * timestamp and count up, so ids never go backwards. */
		last_b++;
	} else if (last_a < RAND_A_MAX) {
		last_a++;
		last_b = 0;
	} else {
		error = seed(last_ms + 1);
	}
	ms = last_ms;
	u[0] = (unsigned char)(ms >> 40);
	u[1] = (unsigned char)(ms >> 32);
	u[2] = (unsigned char)(ms >> 24);
	u[3] = (unsigned char)(ms >> 16);
	u[4] = (unsigned char)(ms >> 8);
	u[5] = (unsigned char)ms;
	u[6] = (unsigned char)(0x70 | (last_a >> 8));
	u[7] = (unsigned char)(last_a & 0xff);
	u[8] = (unsigned char)(0x80 | ((last_b >> 56) & 0x3f));
	for (i = 9; i < 16; i++)
		u[i] = (unsigned char)(last_b >> (8 * (15 - i)));
	pthread_mutex_unlock(&id_lock);
	if (error < 0)
		return error;

	memcpy(out, "ses_", 4);
	for (i = 0, o = 4; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
	return 0;
}

int gs_session_id_valid(const char *id)
{
	size_t i;

	if (!id || strncmp(id, "ses_", 4) || strlen(id) != GS_SESSION_ID_BUFSZ - 1)
		return 0;
	id += 4;
	for (i = 0; i < 36; i++) {
		char c = id[i];

		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (c != '-')
				return 0;
		} else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			return 0;
		}
	}
	/* version 7, variant 10 */
	return id[14] == '7' && (id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');
}

int64_t gs_session_id_time_ms(const char *id)
{
	int64_t ms = 0;
	size_t i;

	if (!gs_session_id_valid(id))
		return -1;
	id += 4;
	for (i = 0; i < 13; i++) {
		char c = id[i];

		if (c == '-')
			continue;
		ms = ms * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
	}
	return ms;
}
