/*
 * Agent runs: totals in frontmatter and run blocks in the body (SPEC §3).
 */
#ifndef GS_RUN_H
#define GS_RUN_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
