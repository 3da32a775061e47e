/*
 * What repo.c shares with the modules that read stats.issuesDir without a
 * gs_repo (the hooks, install): one rule for which directories are valid.
 */
#ifndef GS_REPO_INTERNAL_H
#define GS_REPO_INTERNAL_H

/*
 * "issues", "./issues/", "docs//issues" -> a clean relative path the
 * caller frees; NULL when it is empty, absolute, escapes the repository
 * (`..`), names `.git` or holds a control character or a backslash.
 */
char *gs_repo__clean_issues_dir(const char *in);

#endif
