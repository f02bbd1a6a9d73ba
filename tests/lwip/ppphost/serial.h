/* The modem port, kept apart from lwIP's headers (which redefine htons, TCP_MSS, ...). */
#ifndef HARNESS_SERIAL_H
#define HARNESS_SERIAL_H
#include <stddef.h>

/* A PTY or serial device path (raw 8N1, 115200) or tcp:HOST:PORT (a modem's TCP port), opened
 * non-blocking; -1 with the reason in `why`. */
int serial_open(const char *spec, char *why, size_t why_len);

#endif
