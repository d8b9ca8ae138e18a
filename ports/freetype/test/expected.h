/* The checksum of render.c's picture, as FreeType 2.12.1 renders it on the
 * host (make test checks that the host still agrees: test_freetype_host). */
#define RENDER_CHECKSUM 0x3d247b7b624fe941ull
