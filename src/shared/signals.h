/* Signal names: "KILL", "SIGKILL", "9", "RTMIN+3". */
#ifndef BENTO_SIGNALS_H
#define BENTO_SIGNALS_H

/* The signal number, or -1 if NAME is not one. */
int signal_from_name (const char *name);

#endif
