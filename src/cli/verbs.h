/* Every verb's entry point; the table is in main.c.  One cmd-<verb>.c each. */
#ifndef BENTO_VERBS_H
#define BENTO_VERBS_H

#include "cli/cli.h"

int cmd_container (struct bento_global *g, int argc, char **argv);
int cmd_create (struct bento_global *g, int argc, char **argv);
int cmd_delete (struct bento_global *g, int argc, char **argv);
int cmd_events (struct bento_global *g, int argc, char **argv);
int cmd_exec (struct bento_global *g, int argc, char **argv);
int cmd_pause (struct bento_global *g, int argc, char **argv);
int cmd_resume (struct bento_global *g, int argc, char **argv);
int cmd_update (struct bento_global *g, int argc, char **argv);
int cmd_kill (struct bento_global *g, int argc, char **argv);
int cmd_list (struct bento_global *g, int argc, char **argv);
int cmd_logs (struct bento_global *g, int argc, char **argv);
int cmd_network (struct bento_global *g, int argc, char **argv);
int cmd_monitor_exit (struct bento_global *g, int argc, char **argv);
int cmd_port (struct bento_global *g, int argc, char **argv);
int cmd_ps (struct bento_global *g, int argc, char **argv);
int cmd_ps_engine (struct bento_global *g, int argc, char **argv);
int cmd_restart (struct bento_global *g, int argc, char **argv);
int cmd_rm (struct bento_global *g, int argc, char **argv);
int cmd_stop (struct bento_global *g, int argc, char **argv);
int cmd_top (struct bento_global *g, int argc, char **argv);
int cmd_volume (struct bento_global *g, int argc, char **argv);
int cmd_wait (struct bento_global *g, int argc, char **argv);
int cmd_run (struct bento_global *g, int argc, char **argv);
int cmd_spec (struct bento_global *g, int argc, char **argv);
int cmd_start (struct bento_global *g, int argc, char **argv);
int cmd_state (struct bento_global *g, int argc, char **argv);
/* images (cmd-images.c, cmd-image.c, ...) */
int cmd_features (struct bento_global *g, int argc, char **argv);
int cmd_image (struct bento_global *g, int argc, char **argv);
int cmd_image_mount (struct bento_global *g, int argc, char **argv);
int cmd_image_umount (struct bento_global *g, int argc, char **argv);
int cmd_image_prune (struct bento_global *g, int argc, char **argv);
int cmd_images (struct bento_global *g, int argc, char **argv);
int cmd_inspect (struct bento_global *g, int argc, char **argv);
int cmd_load (struct bento_global *g, int argc, char **argv);
int cmd_login (struct bento_global *g, int argc, char **argv);
int cmd_logout (struct bento_global *g, int argc, char **argv);
int cmd_pull (struct bento_global *g, int argc, char **argv);
int cmd_rmi (struct bento_global *g, int argc, char **argv);
int cmd_save (struct bento_global *g, int argc, char **argv);
int cmd_tag (struct bento_global *g, int argc, char **argv);
int cmd_unshare (struct bento_global *g, int argc, char **argv);

#endif
