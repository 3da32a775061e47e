/*
 * The best-effort spool: records that could not be committed, replayed once.
 */
#ifndef GS_SPOOL_H
#define GS_SPOOL_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
