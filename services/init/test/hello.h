/* The Hello service of init's tests: a session that answers who it is. */
#pragma once

enum hello_label {
	HELLO_SAY = 1, /* -> w0: text bytes, then the text */
};
