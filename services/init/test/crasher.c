/*
 * A test component that crashes: it logs its start, then writes to
 * address 0. init's restart policy decides what happens next.
 */
#include <stdint.h>

#include <base/log.h>

int main(uint64_t arg);

int
main(uint64_t arg)
{
	log_printf("up, about to crash");
	*(volatile int *)0 = 1;
	return 0;
}
