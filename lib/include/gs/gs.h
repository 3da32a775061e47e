/*
 * Umbrella header of libgitstats: include this one.
 */
#ifndef GS_GS_H
#define GS_GS_H

#include "gs/common.h"
#include "gs/frontmatter.h"
#include "gs/time.h"
#include "gs/repo.h"
#include "gs/issue.h"
#include "gs/store.h"
#include "gs/pricing.h"
#include "gs/run.h"
#include "gs/spool.h"
#include "gs/attempt.h"
#include "gs/session.h"
#include "gs/usage.h"
#include "gs/report.h"
#include "gs/hooks.h"
#include "gs/merge.h"

#endif
