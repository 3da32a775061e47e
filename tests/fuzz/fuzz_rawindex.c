/*
 * libFuzzer target: the in-place index editor reads whatever index file a
 * repository has. Parse any input; when it parses, look every entry up,
 * edit the first one, and write the result with the cache-tree nodes
 * above it invalidated. Nothing may crash or read out of bounds, and a
 * write with no change must give back the input bytes.
 */
#include "index_raw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	gs_rawindex ix;
	gs_buf tail = GS_BUF_INIT;
	char *copy = malloc(size + 1); /* parsed in place, edited in place */
	git_oid oid;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (gs_rawindex__parse(&ix, copy, size) != 0) {
		gs_rawindex__dispose(&ix);
		free(copy);
		return 0;
	}
	/* no change: the entries as they were, and the same extensions */
	if (gs_rawindex__write(&tail, &ix, NULL, 0) == 0 &&
	    (ix.ext_start + tail.size != size ||
	     memcmp(tail.ptr, data + ix.ext_start, tail.size - 20)))
		abort();
	{
		int sorted = 1;

		for (size_t i = 1; i < ix.count && sorted; i++) {
			int c = strcmp(ix.entries[i - 1].path, ix.entries[i].path);

			sorted = c < 0 || (c == 0 && ix.entries[i - 1].stage < ix.entries[i].stage);
		}
		for (size_t i = 0; sorted && i < ix.count; i++)
			if (gs_rawindex__find(&ix, ix.entries[i].path, ix.entries[i].stage) == NULL)
				abort(); /* in a sorted index every entry is found */
	}
	if (ix.count) {
		const char *paths[1] = { ix.entries[0].path };

		memset(&oid, 0x5a, sizeof(oid));
		if (gs_rawindex__set(&ix, &ix.entries[0], &oid, NULL) == 0) {
			gs_rawindex__write(&tail, &ix, paths, 1);
			gs_rawindex__undo(&ix);
			if (memcmp(copy, data, size))
				abort(); /* undo puts every byte back */
		}
	}
	gs_buf_dispose(&tail);
	gs_rawindex__dispose(&ix);
	free(copy);
	return 0;
}
