/*
 * A test component for core's IO_MEM session: RAM must be refused; the VGA
 * text buffer maps, and shows the kernel's banner that is on the screen.
 */
#include <base/error.h>
#include <base/log.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/io_mem.h>
#include <session/pd.h>

#define VGA_VA 0x30000000ul

int main(uint64_t arg);

int
main(uint64_t arg)
{
	uint64_t ram, vga, id;
	int e = session_open_args("IO_MEM", "", "base=0x200000 size=0x1000", 0,
	    &ram, &id);
	char banner[9];

	log_printf("IO_MEM on RAM: error %d", -e);
	if (e != -E_DENIED)
		return 1;
	if ((e = session_open_args("IO_MEM", "", "base=0xb8000 size=0x1000", 0,
		 &vga, &id))) {
		log_printf("no IO_MEM session for the VGA text buffer: %d", -e);
		return 1;
	}
	utcb_self()->msg[0] = VGA_VA;
	if ((e = (int)rpc_call(vga, IO_MEM_MAP, 1, CAP_PD, 0, NULL))) {
		log_printf("cannot map it: %d", -e);
		return 1;
	}
	/* Characters are every other byte, with colours in between. */
	for (unsigned i = 0; i < 8; i++)
		banner[i] = ((volatile char *)VGA_VA)[2 * i];
	banner[8] = 0;
	log_printf("VGA text starts with '%s'", banner);
	return 0;
}
