/*
 * Git integration: install/uninstall of hooks, merge driver config, doctor (SPEC §9).
 */
#ifndef GS_HOOKS_H
#define GS_HOOKS_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
