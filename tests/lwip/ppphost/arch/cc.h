/* The "port" of lwIP to a Linux process: libc for everything, random() for LWIP_RAND (PPP
 * magic numbers, CHAP challenges, TCP initial sequence numbers; seeded from --seed). */
#ifndef HARNESS_ARCH_CC_H
#define HARNESS_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define LWIP_RAND() ((u32_t)random())
/* lwIP's own log (PPP_DEBUG builds) goes to stderr: stdout carries the result lines. */
void harness_diag(const char *format, ...);
#define LWIP_PLATFORM_DIAG(x) do { harness_diag x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) do { \
    fprintf(stderr, "lwip assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__); \
    fflush(NULL); abort(); } while (0)

#endif
