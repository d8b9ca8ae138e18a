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
	uint64_t nl = w[0] & 0xffff, nt = (w[0] >> 16) & 0xffff;

	if (!nwords || nl + nt > PARENT_LOG_MAX ||
	    (nl + nt + 7) / 8 > nwords - 1)
		return -E_INVAL;
	out->label = (const char *)&w[1];
	out->nlabel = (unsigned)nl;
	out->text = out->label + nl;
	out->ntext = (unsigned)nt;
	return 0;
}
