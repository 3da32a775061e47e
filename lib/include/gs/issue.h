/*
 * Issue files: ids, file names, resolving <issue> to a path (SPEC §1).
 */
#ifndef GS_ISSUE_H
#define GS_ISSUE_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
