/* Strings in message words: packed bytes, their length travelling apart. */
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
