/* Small file helpers for the engine, all relative to a directory fd. */
#ifndef BENTO_ENGINE_FSUTIL_H
#define BENTO_ENGINE_FSUTIL_H

#include "shared/error.h"

#include <stddef.h>
#include <sys/types.h>

/* asprintf that gives NULL on failure (asprintf leaves its pointer
 * undefined then, which a cleanup attribute must never free). */
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* $XDG_ENV/bento/LEAF, else $HOME/HOME_SUB/bento/LEAF (HOME from the
 * password database when unset): the user's data or config dir. */
char *user_bento_path (const char *xdg_env, const char *home_sub, const char *leaf);

/* mkdir -p PATH (absolute or relative to the cwd). */
int mkdir_p (const char *path, mode_t mode, bento_err *err);
/* Write LEN bytes to DIRFD/REL (created or truncated). */
int write_file_at (int dirfd, const char *rel, const void *buf, size_t len, mode_t mode, bento_err *err);
/* ... and on disk (fdatasync) before it returns: for what is renamed into
 * place next. */
int write_file_synced_at (int dirfd, const char *rel, const void *buf, size_t len, mode_t mode, bento_err *err);
/* Write to a temp name beside REL, then rename it over REL. */
int write_file_atomic_at (int dirfd, const char *rel, const void *buf, size_t len, mode_t mode, bento_err *err);
/* Read DIRFD/REL whole; more than MAX bytes is an error. */
int read_file_at (int dirfd, const char *rel, size_t max, char **buf, size_t *len, bento_err *err);
/* Read an fd to its end; more than MAX bytes is an error. */
int read_fd_all (int fd, size_t max, char **buf, size_t *len, bento_err *err);
/* write() all of BUF, retrying on EINTR and short writes. */
int write_all (int fd, const void *buf, size_t len);
/* rm -rf DIRFD/REL, never following a symlink. */
int rm_rf_at (int dirfd, const char *rel, bento_err *err);

#endif
