/* Published ports: docker's -p syntax, -P from the image's ExposedPorts,
 * and the host ports bento reserves while a container runs.
 *
 *   -p [IP:][HOST:]CONTAINER[/tcp|udp]   HOST and CONTAINER may be ranges
 *                                          (8000-8010:80-90); IPv6 in [ ]
 *
 * A range is expanded into one struct port_map per port.  A host port of
 * 0 is picked when the container starts (the kernel's choice). */
#ifndef BENTO_ENGINE_PORTS_H
#define BENTO_ENGINE_PORTS_H

#include "shared/error.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct port_map
{
  char proto[4];    /* "tcp" or "udp" */
  char host_ip[48]; /* "" for every address */
  uint16_t host_port; /* 0: picked at start */
  uint16_t ctr_port;
};

struct port_list
{
  struct port_map *v;
  size_t n;
};

void port_list_free (struct port_list *l);

/* A numeric IPv4 or IPv6 address (-p's IP, --dns, --add-host's IP). */
bool ip_address_valid (const char *ip);

/* Parse one -p SPEC, appending its ports to L. */
int port_parse (const char *spec, struct port_list *l, bento_err *err);
/* -P: every EXPOSED port ("80/tcp") not already published, on a picked port. */
int port_add_exposed (char *const *exposed, struct port_list *l, bento_err *err);

/* The record's form: [{"hostIP", "hostPort", "containerPort", "protocol"}]. */
json_t *port_list_to_json (const struct port_list *l);
int port_list_from_json (json_t *a, struct port_list *l);

/* Rootless, refuse host ports below net.ipv4.ip_unprivileged_port_start. */
int port_check_unprivileged (const struct port_list *l, bento_err *err);

/* Bind every host port (picking those at 0): each fd in FDS (L->n of them)
 * holds its port until closed.  A port in use fails naming it. */
int port_reserve (struct port_list *l, int *fds, bento_err *err);

/* Contiguous runs of L with one protocol and address: [first, first+len). */
size_t port_run_length (const struct port_list *l, size_t first);

#endif
