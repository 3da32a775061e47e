/*
 * The merge driver for issue files: counters, run blocks, attempts, user text.
 */
#ifndef GS_MERGE_H
#define GS_MERGE_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
