/* Strings in message words: packed bytes, their length travelling apart. */
#include <base/error.h>
#include <base/parent.h>
#include <base/rpc.h>
#include <base/string.h>

unsigned
msg_put_str(uint64_t *words, unsigned at, const char *s, unsigned max)
{
	unsigned n = (unsigned)strlen(s);

	if (n > max)
		n = max;
	memcpy((char *)&words[at], s, n);
	return n;
}

unsigned
msg_get_str(const uint64_t *words, unsigned nwords, unsigned at, uint64_t len,
    char *out, unsigned max)
{
	uint64_t room = nwords > at ? (uint64_t)(nwords - at) * 8 : 0;

	if (!max)
		return 0;
	if (len > room)
		len = room;
	if (len >= max)
		len = max - 1;
	memcpy(out, (const char *)&words[at], len);
	out[len] = 0;
	return (unsigned)len;
}

int
parent_log_parse(const uint64_t *w, unsigned nwords, struct parent_log *out)
{
	uint64_t nl, nt;

	if (!nwords)
		return -E_INVAL;
	nl = w[0] & 0xffff;
	nt = (w[0] >> 16) & 0xffff;
	if (nwords > MSG_WORDS_MAX || nl + nt > PARENT_LOG_MAX ||
	    (nl + nt + 7) / 8 > nwords - 1)
		return -E_INVAL;
	out->label = (const char *)&w[1];
	out->nlabel = (unsigned)nl;
	out->text = out->label + nl;
	out->ntext = (unsigned)nt;
	return 0;
}

unsigned
session_request_put(uint64_t *w, const struct session_request *r)
{
	unsigned nl, na;

	w[0] = w[1] = 0;
	msg_put_str(w, 0, r->service, SERVICE_NAME_MAX - 1);
	w[2] = r->quota;
	nl = msg_put_str(w, 4, r->label, LABEL_MAX - 1);
	na = (unsigned)strlen(r->args);
	if (na > ARGS_MAX - 1)
		na = ARGS_MAX - 1;
	memcpy((char *)&w[4] + nl, r->args, na);
	w[3] = nl | (uint64_t)na << 16;
	return 4 + (nl + na + 7) / 8;
}

int
session_request_get(const uint64_t *w, unsigned nwords,
    struct session_request *r)
{
	uint64_t nl, na;

	if (nwords < 4 || nwords > MSG_WORDS_MAX)
		return -E_INVAL;
	nl = w[3] & 0xffff;
	na = (w[3] >> 16) & 0xffff;
	if (nl >= LABEL_MAX || na >= ARGS_MAX || (nl + na + 7) / 8 > nwords - 4)
		return -E_INVAL;
	msg_get_str(w, nwords, 0, SERVICE_NAME_MAX, r->service,
	    SERVICE_NAME_MAX);
	r->quota = w[2];
	memcpy(r->label, (const char *)&w[4], nl);
	r->label[nl] = 0;
	memcpy(r->args, (const char *)&w[4] + nl, na);
	r->args[na] = 0;
	return 0;
}

uint64_t
session_arg(const char *args, const char *key, uint64_t def)
{
	size_t n = strlen(key);

	for (const char *p = args; *p; p++) {
		if ((p == args || p[-1] == ' ') && !strncmp(p, key, n) &&
		    p[n] == '=') {
			uint64_t v = 0;
			unsigned base = 10;

			p += n + 1;
			if (!strncmp(p, "yes", 3))
				return 1;
			if (!strncmp(p, "no", 2))
				return 0;
			if (p[0] == '0' && p[1] == 'x') {
				base = 16;
				p += 2;
			}
			for (;; p++) {
				unsigned d;

				if (*p >= '0' && *p <= '9')
					d = (unsigned)(*p - '0');
				else if (base == 16 && *p >= 'a' && *p <= 'f')
					d = (unsigned)(*p - 'a' + 10);
				else
					break;
				/* A number that does not fit is not there. */
				if (v > (UINT64_MAX - d) / base)
					return def;
				v = v * base + d;
			}
			return v;
		}
	}
	return def;
}
