/*
 * Umbrella header of libgitstats: include this one.
 */
#ifndef GS_GS_H
#define GS_GS_H

#include "gs/common.h"
#include "gs/frontmatter.h"

#endif
