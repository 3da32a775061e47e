/*
 * Session event logs under $GIT_DIR/stats/sessions (SPEC §7).
 */
#ifndef GS_SESSION_H
#define GS_SESSION_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
