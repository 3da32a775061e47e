/*
 * Agent attempts, checkpoints, phases and resume records (SPEC §4).
 */
#ifndef GS_ATTEMPT_H
#define GS_ATTEMPT_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
