/*
 * Between issue.c and store.c: issue listing and resolution over a plain
 * array of directory entries, which the store builds from raw tree bytes
 * without asking libgit2 to parse a 10,000-entry tree.
 */
#ifndef GS_ISSUE_INTERNAL_H
#define GS_ISSUE_INTERNAL_H

#include "gs/issue.h"

typedef struct {
	const char *name; /* NUL-terminated, borrowed from the tree or raw bytes */
	unsigned int mode;
	git_oid oid;
} gs_issue__ent;

/* The entries of a directory tree; *out is the caller's (free()), names borrowed. */
int gs_issue__ents_from_tree(gs_issue__ent **out, size_t *count, git_tree *dir);

int gs_issue__list(gs_issue_list *out, git_repository *repo, const gs_issue__ent *ents, size_t n,
		   const char *issues_dir, unsigned int flags);

/*
 * Resolve `id` among `ents` (SPEC §1). *path_out is the caller's; so is
 * *id_out when asked for (NULL to skip): the issue's own id, its
 * frontmatter `id` else the one in its file name, whatever case or zeros
 * `id` was typed with.
 */
int gs_issue__resolve(char **path_out, char **id_out, git_oid *blob_out, git_repository *repo,
		      const gs_issue__ent *ents, size_t n, const char *issues_dir, const char *id);

int gs_issue__next_id(int64_t *out, git_repository *repo, const gs_issue__ent *ents, size_t n);

#endif
