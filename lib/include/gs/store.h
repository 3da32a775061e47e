/*
 * The atomic commit path (SPEC §5): compare-and-swap on the target ref.
 */
#ifndef GS_STORE_H
#define GS_STORE_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
