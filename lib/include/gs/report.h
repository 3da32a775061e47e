/*
 * Human output: aligned tables, thousands separators, durations, bars.
 */
#ifndef GS_REPORT_H
#define GS_REPORT_H

#include "gs/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif
