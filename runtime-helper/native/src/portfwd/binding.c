/* Parsing a binding and binding its host listener. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "portfwd/portfwd.h"

static int parse_port(const char *s, size_t len, uint16_t *out, bool zero_ok) {
  if (len == 0 || len > 5) return -1;
  unsigned v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (v > 65535 || (v == 0 && !zero_ok)) return -1;
  *out = (uint16_t)v;
  return 0;
}

int pf_binding_parse(const char *spec, struct pf_binding *b, berth_error_t *err) {
  memset(b, 0, sizeof *b);
  b->fd = -1;
  const char *p = spec;
  if (strncmp(p, "tcp:", 4) == 0) b->proto = PF_TCP;
  else if (strncmp(p, "udp:", 4) == 0) b->proto = PF_UDP;
  else return berth_error_set(err, 0, "binding '%s': the protocol must be tcp or udp", spec);
  p += 4;
  const char *ip_end;
  if (*p == '[') {
    ip_end = strchr(p, ']');
    if (ip_end == NULL || ip_end[1] != ':') return berth_error_set(err, 0, "binding '%s': unclosed '[' in the host IP", spec);
    p++;
  } else {
    ip_end = strchr(p, ':');
    if (ip_end == NULL) return berth_error_set(err, 0, "binding '%s': expected PROTO:HOSTIP:PORT:CPORT", spec);
  }
  size_t ip_len = (size_t)(ip_end - p);
  if (ip_len == 0 || ip_len >= sizeof b->host_ip) return berth_error_set(err, 0, "binding '%s': a host IP is required", spec);
  memcpy(b->host_ip, p, ip_len);
  unsigned char addr[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, b->host_ip, addr) == 1) b->family = AF_INET;
  else if (inet_pton(AF_INET6, b->host_ip, addr) == 1) b->family = AF_INET6;
  else return berth_error_set(err, 0, "binding '%s': '%s' is not an IP address", spec, b->host_ip);
  p = ip_end + (*ip_end == ']' ? 2 : 1);
  const char *colon = strchr(p, ':');
  if (colon == NULL) return berth_error_set(err, 0, "binding '%s': expected PROTO:HOSTIP:PORT:CPORT", spec);
  const char *dash = memchr(p, '-', (size_t)(colon - p));
  if (dash != NULL) {
    if (parse_port(p, (size_t)(dash - p), &b->port_lo, false) < 0 || parse_port(dash + 1, (size_t)(colon - dash - 1), &b->port_hi, false) < 0 || b->port_hi < b->port_lo)
      return berth_error_set(err, 0, "binding '%s': bad host port range", spec);
  } else {
    if (parse_port(p, (size_t)(colon - p), &b->port_lo, true) < 0) return berth_error_set(err, 0, "binding '%s': bad host port", spec);
    b->port_hi = b->port_lo;
  }
  if (parse_port(colon + 1, strlen(colon + 1), &b->container_port, false) < 0)
    return berth_error_set(err, 0, "binding '%s': the container port must be 1 to 65535", spec);
  return 0;
}

static socklen_t make_addr(const struct pf_binding *b, uint16_t port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (b->family == AF_INET) {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    inet_pton(AF_INET, b->host_ip, &a->sin_addr); /* checked by the parser */
    return sizeof *a;
  }
  struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
  a->sin6_family = AF_INET6;
  a->sin6_port = htons(port);
  inet_pton(AF_INET6, b->host_ip, &a->sin6_addr);
  return sizeof *a;
}

/* Go's network name and address text, so berthd can word errors as dockerd does. */
static void describe(const struct pf_binding *b, uint16_t port, char *net, size_t net_len, char *addr, size_t addr_len) {
  snprintf(net, net_len, "%s%c", b->proto == PF_TCP ? "tcp" : "udp", b->family == AF_INET ? '4' : '6');
  if (b->family == AF_INET) snprintf(addr, addr_len, "%s:%u", b->host_ip, port);
  else snprintf(addr, addr_len, "[%s]:%u", b->host_ip, port);
}

static int try_bind(struct pf_binding *b, uint16_t port, berth_error_t *err) {
  char net[8], addr[96];
  describe(b, port, net, sizeof net, addr, sizeof addr);
  int type = (b->proto == PF_TCP ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC;
  int fd = socket(b->family, type, 0);
  if (fd < 0) return berth_error_errno(err, "listen %s %s: socket", net, addr);
  int one = 1;
  /* TCP: rebinding while old connections linger in TIME_WAIT, as Go's listeners do. Never for
   * UDP, where it would let two listeners share the port and hide the conflict. */
  if (b->proto == PF_TCP && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
    berth_error_errno(err, "listen %s %s: setsockopt SO_REUSEADDR", net, addr);
    close(fd);
    return -1;
  }
  /* "::" and "0.0.0.0" are separate listeners (dockerd binds both). */
  if (b->family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) {
    berth_error_errno(err, "listen %s %s: setsockopt IPV6_V6ONLY", net, addr);
    close(fd);
    return -1;
  }
  struct sockaddr_storage ss;
  socklen_t len = make_addr(b, port, &ss);
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    berth_error_errno(err, "listen %s %s: bind", net, addr);
    close(fd);
    return -1;
  }
  if (b->proto == PF_TCP && listen(fd, 511) < 0) {
    berth_error_errno(err, "listen %s %s: listen", net, addr);
    close(fd);
    return -1;
  }
  len = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
    berth_error_errno(err, "listen %s %s: getsockname", net, addr);
    close(fd);
    return -1;
  }
  b->bound_port = ntohs(b->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port : ((struct sockaddr_in6 *)&ss)->sin6_port);
  b->fd = fd;
  return 0;
}

int pf_binding_listen(struct pf_binding *b, berth_error_t *err) {
  /* A range: the first free port in it (dockerd's allocator takes one from the range too). */
  for (unsigned port = b->port_lo;; port++) {
    if (try_bind(b, (uint16_t)port, err) == 0) return 0;
    if (err->errno_value != EADDRINUSE || port >= b->port_hi) return -1;
  }
}
