/*
 * FreeType's one use of zlib (WOFF fonts), on the zlib port that libpng
 * needs anyway: FreeType's gzip module carries its own copy of zlib with
 * global names that clash with the port's, so the image viewer links
 * FreeType without that module (build.mk) and gives it this instead.
 */
#include <ft2build.h>
#include FT_FREETYPE_H
#include <freetype/ftgzip.h>
#include <zlib.h>

FT_Error
FT_Gzip_Uncompress(FT_Memory memory, FT_Byte *output, FT_ULong *output_len,
    const FT_Byte *input, FT_ULong input_len)
{
	uLongf n = *output_len;
	int e = uncompress(output, &n, input, input_len);

	if (e == Z_MEM_ERROR)
		return FT_Err_Out_Of_Memory;
	if (e == Z_BUF_ERROR)
		return FT_Err_Array_Too_Large;
	if (e != Z_OK)
		return FT_Err_Invalid_Table;
	*output_len = n;
	return FT_Err_Ok;
}
