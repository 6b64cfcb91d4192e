/* Cleanup attributes, as systemd, crun and bubblewrap use them: a resource
 * declared with one of these is released when it goes out of scope, on every
 * return path.  Hand ownership on with TAKE_PTR / TAKE_FD. */
#ifndef BENTO_CLEANUP_H
#define BENTO_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define DEFINE_CLEANUP_FUNC(type, func)                                        \
  static inline void func##p (type *p)                                         \
  {                                                                            \
    if (*p)                                                                    \
      func (*p);                                                               \
  }

static inline void
freep (void *p)
{
  free (*(void **) p);
}

/* close() keeping errno: cleanup runs on error paths that still need it. */
static inline void
closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
      *fd = -1;
    }
}

static inline void
fclosep (FILE **f)
{
  if (*f)
    {
      int saved = errno;
      fclose (*f);
      errno = saved;
    }
}

static inline void
closedirp (DIR **d)
{
  if (*d)
    {
      int saved = errno;
      closedir (*d);
      errno = saved;
    }
}

/* A NULL-terminated vector of strings. */
static inline void
strvfreep (char ***v)
{
  if (*v)
    {
      for (char **s = *v; *s; s++)
        free (*s);
      free (*v);
    }
}

#define _cleanup_(f) __attribute__ ((cleanup (f)))
#define _cleanup_free_ _cleanup_ (freep)
#define _cleanup_close_ _cleanup_ (closep)
#define _cleanup_fclose_ _cleanup_ (fclosep)
#define _cleanup_closedir_ _cleanup_ (closedirp)
#define _cleanup_strv_ _cleanup_ (strvfreep)

#define TAKE_PTR(p)                                                            \
  ({                                                                           \
    __typeof__ (p) _tp = (p);                                                  \
    (p) = NULL;                                                                \
    _tp;                                                                       \
  })

#define TAKE_FD(fd)                                                            \
  ({                                                                           \
    int _tf = (fd);                                                            \
    (fd) = -1;                                                                 \
    _tf;                                                                       \
  })

#endif
