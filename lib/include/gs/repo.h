/*
 * Repository access: open or discover, config (stats.*), the target ref.
 */
#ifndef GS_REPO_H
#define GS_REPO_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
