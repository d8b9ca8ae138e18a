/*
 * Bulkhead's FreeType options (FT_CONFIG_OPTIONS_H): FreeType's own, but
 * without zlib. Its gzip module carries a copy of zlib whose names clash
 * with the zlib port, and only compressed (WOFF, gzip'd) fonts need it;
 * our fonts are plain TrueType.
 */
#include <freetype/config/ftoption.h>
#undef FT_CONFIG_OPTION_USE_ZLIB
