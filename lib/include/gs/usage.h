/*
 * Usage reports over issues and sessions, with time windows (SPEC §8).
 */
#ifndef GS_USAGE_H
#define GS_USAGE_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
