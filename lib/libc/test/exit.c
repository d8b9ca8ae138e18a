/* exit() runs atexit handlers and flushes stdio; the parent sees the code. */
#include <stdio.h>
#include <stdlib.h>

static void
bye(void)
{
	printf("atexit handler ran\n");
}

int
main(void)
{
	atexit(bye);
	printf("exiting with 7\n");
	exit(7);
}
