/*
 * Model prices: built-in table plus the repository's override file (SPEC §6).
 */
#ifndef GS_PRICING_H
#define GS_PRICING_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
