/*
 * Counting checks for test programs (host unit tests, and tests inside
 * Bulkhead that link libc): CHECK counts a condition and, when it does not
 * hold, prints `FAIL FILE:LINE: CONDITION` and goes on. The program then
 * prints its own summary from `checks` and `failures` and exits non-zero
 * if any failed.
 */
#pragma once

#include <stdio.h>

static int checks, failures;

#define CHECK(cond)                                                            \
	do {                                                                   \
		checks++;                                                      \
		if (!(cond)) {                                                 \
			failures++;                                            \
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                              \
	} while (0)
