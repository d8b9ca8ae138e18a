/*
 * The parent protocol: what a component may ask of whoever started it,
 * through the endpoint at CAP_PARENT. The parent tells its children apart by
 * the endpoint's badge.
 */
#pragma once

enum parent_label {
	PARENT_LOG = 1, /* words: text bytes; the length in the label's words */
	PARENT_EXIT = 2, /* word 0: the exit code */
};

/* PARENT_LOG carries the byte count in word 0 and the text after it. */
#define PARENT_LOG_MAX ((MSG_WORDS_MAX - 1) * 8)
