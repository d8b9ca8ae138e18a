/*
 * Measures what a session call costs through the runtime: rpc_call on the
 * component's PD session at core (PD_QUOTA), many times, in TSC ticks (or
 * instructions under icount, config unit="insns").
 */
#include <base/config.h>
#include <base/log.h>
#include <base/tsc.h>
#include <base/rpc.h>
#include <base/runtime.h>
#include <session/pd.h>

#define ROUNDS 10000u

int main(uint64_t arg);

int
main(uint64_t arg)
{
	struct config cfg;
	char unit[8] = "ticks";
	uint64_t t0;

	log_printf("up");
	if (config_load(&cfg))
		return 1;
	config_attr_copy(config_root(&cfg), "unit", unit, sizeof(unit));
	for (unsigned i = 0; i < 100; i++)
		rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL);
	t0 = rdtsc();
	for (unsigned i = 0; i < ROUNDS; i++)
		rpc_call(CAP_PD, PD_QUOTA, 0, 0, 0, NULL);
	log_printf("bench: session_call_%s %lu %s", unit,
	    (rdtsc() - t0) / ROUNDS, unit);
	return 0;
}
