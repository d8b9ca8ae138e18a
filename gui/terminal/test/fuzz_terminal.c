/*
 * libFuzzer target for the terminal's core: any bytes a program writes,
 * with resizes, scrollback views and the line discipline in between, must
 * leave the cursor, the region and every index inside the grid. The first
 * byte picks the size, others trigger a resize or a view scroll.
 */
#include <stdlib.h>
#include <string.h>

#include "../ldisc.h"
#include "../vt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
require(bool ok)
{
	if (!ok)
		abort();
}

static void
echo(void *ctx, const char *s, size_t n)
{
	vt_write(ctx, s, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ldisc l;
	struct vt vt;
	char buf[64];
	size_t i = 0;

	if (size < 1)
		return 0;
	if (vt_init(&vt, 1 + data[0] % 40, 1 + data[0] / 40 % 12, 16))
		return 0;
	ldisc_init(&l, echo, &vt);
	for (i = 1; i < size;) {
		size_t n = size - i < 32 ? size - i : 32;

		/* 0xfe and 0xfd bytes at chunk starts steer the test. */
		if (data[i] == 0xfe && i + 2 < size) {
			vt_resize(&vt, 1 + data[i + 1] % 50,
			    1 + data[i + 2] % 15);
			i += 3;
			continue;
		}
		if (data[i] == 0xfd && i + 1 < size) {
			vt_view_scroll(&vt, (int8_t)data[i + 1]);
			ldisc_mode(&l, data[i + 1]);
			ldisc_input(&l, (const char *)data + i, n);
			while (ldisc_read(&l, buf, sizeof(buf)) > 0)
				;
			i += 2;
			continue;
		}
		vt_write(&vt, data + i, n);
		i += n;
		require(vt.cur.x < vt.cols && vt.cur.y < vt.rows);
		require(vt.top < vt.bottom && vt.bottom <= vt.rows);
		require(vt.nreply <= VT_REPLY_MAX);
		require(vt.view <= vt.sb_count && vt.sb_count <= vt.sb_max);
		vt_reply_take(&vt, buf, sizeof(buf));
	}
	for (unsigned y = 0; y < vt.rows; y++)
		for (unsigned x = 0; x < vt.cols; x++)
			require(vt_cell_at(&vt, y, x)->cp <= 0x10ffff);
	vt_free(&vt);
	return 0;
}
