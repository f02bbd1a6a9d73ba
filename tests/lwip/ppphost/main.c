/*
 * lwip-ppp-host: an embedded-style PPP host built on lwIP's PPPoS stack, to dial a modem and
 * use the link, as firmware built on lwIP does.  lwIP's PPP (LCP, PAP, CHAP, IPCP) and TCP/IP
 * are an implementation independent of atsim's, so this checks atsim's PPP server and gateway
 * (and WIP's serial-link bearers) against a real peer.
 *
 *   lwip-ppp-host --port PATH|tcp:HOST:PORT [--at CMD]... [--dial CMD]
 *                 [--user NAME --password SECRET [--auth pap|chap|any]]
 *                 [--server --local A --peer B [--dns D]]
 *                 [--resolve NAME] [--get HOST:PORT/PATH [--out FILE]]
 *                 [--echo HOST:PORT:BYTES] [--udp HOST:PORT:BYTES] [--listen PORT]
 *                 [--hold] [--until-peer-ends] [--wait-no-carrier] [--then CMD]...
 *                 [--mru N] [--accm HEX] [--escape] [--lcp-echo SECONDS] [--seed N]
 *                 [--timeout SECONDS]
 *
 * The work runs in the order given.  Each step prints one result line on stdout:
 *   at <cmd> -> <final result>        (information lines before it as "info <line>")
 *   ppp connecting | ppp listening      (lwIP's PPP has started)
 *   ppp up ip <a> gateway <b> dns <c> <d>
 *   auth by us <chap|pap|none>, by the peer <chap|pap|none>
 *   resolve <name> <address>
 *   http <status> <body length>
 *   holding                           (--hold: waiting for a line on stdin)
 *   escape +++ -> OK                  (--escape: halfway through --echo, then ATO)
 *   echo <bytes> ok; so far <n> damaged frames dropped, <m> fast retransmits
 *   udp <bytes> ok
 *   listening <port>
 *   served <bytes> from <address>:<port>
 *   ppp down <reason>
 *   longest frame received <octets>
 *   raw octets the ACCM escapes <n>    (--accm)
 *   hangup NO CARRIER
 * and "error: ..." on stderr before a non-zero exit: 1 usage or I/O, 2 a command did not get
 * the result it needed, 3 the --timeout ran out, 4 PPP failed, 5 a step failed.
 *
 * The design is that of a bare-metal main loop (NO_SYS=1): one thread polls the port, feeds
 * what it reads to pppos_input() and runs lwIP's timers; every step is started, then the loop
 * runs until the step's callbacks say it is done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/stats.h"
#include "lwip/ip4_addr.h"
#include "lwip/priv/tcp_priv.h"  /* tcp_active_pcbs: are our FINs acknowledged? */
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ppp/ppp.h"
#include "netif/ppp/pppos.h"
#include "serial.h"

enum { EXIT_USAGE = 1, EXIT_CHAT = 2, EXIT_TIMEOUT = 3, EXIT_PPP = 4, EXIT_STEP = 5 };

/* ---- the platform: time and diagnostics -------------------------------------------------- */

u32_t sys_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (u32_t)(ts.tv_sec * 1000u + ts.tv_nsec / 1000000u);
}

/* magic.c stirs this into its random pool. */
u32_t sys_jiffies(void)
{
    return sys_now();
}

void harness_diag(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
}

static void fail(int status, const char *format, ...)
{
    va_list args;
    fflush(stdout);
    fputs("error: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(status);
}

static void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
    fflush(stdout);  /* a test reads the lines as they come (--hold waits on it) */
}

/* ---- the port ----------------------------------------------------------------------------- */

static int port_fd = -1;
static u32_t deadline;              /* sys_now() at which --timeout runs out */
static char text[65536];            /* what the modem said outside PPP, not yet consumed */
static size_t text_len;
static ppp_pcb *ppp;
static bool ppp_feeding;            /* bytes from the port go to lwIP, not to `text` */
static bool port_closed;

static void check_deadline(const char *what)
{
    if ((s32_t)(sys_now() - deadline) >= 0)
        fail(EXIT_TIMEOUT, "timed out waiting for %s", what);
}

static void port_write(const void *data, size_t len)
{
    const u8_t *p = data;
    while (len > 0) {
        ssize_t n = write(port_fd, p, len);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pfd = {.fd = port_fd, .events = POLLOUT};
            check_deadline("the port to take our output");
            poll(&pfd, 1, 100);
            continue;
        }
        if (n < 0) {
            if (errno == EIO || errno == EPIPE || errno == ECONNRESET)
                return;  /* the port is gone; the read side reports it */
            fail(EXIT_USAGE, "write to the port: %s", strerror(errno));
        }
        p += n;
        len -= (size_t)n;
    }
}

static void keep_text(const u8_t *data, size_t len)
{
    if (len > sizeof text - text_len) {  /* keep the newest: answers come last */
        size_t drop = len - (sizeof text - text_len);
        if (drop > text_len)
            drop = text_len;
        memmove(text, text + drop, text_len - drop);
        text_len -= drop;
        if (len > sizeof text - text_len) {
            data += len - (sizeof text - text_len);
            len = sizeof text - text_len;
        }
    }
    memcpy(text + text_len, data, len);
    text_len += len;
}

/* The longest frame the modem sent, unescaped, between flags (address, control, protocol,
 * information, FCS): lwIP's PPPoS takes frames longer than the MRU it asked for, so the
 * harness checks RFC 1661 §6.1 itself. */
static size_t frame_len, longest_frame;
static bool frame_escape;
/* --accm: the control characters we asked the modem to escape (RFC 1662 §7.1), and how many
 * came raw all the same (lwIP would drop them silently, as a UART's XON/XOFF does). */
static u32_t asked_accm;
static unsigned raw_in_accm;
static void measure_frames(const u8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (data[i] < 0x20 && (asked_accm >> data[i]) & 1)
            raw_in_accm++;
        if (data[i] == 0x7e) {
            if (frame_len > longest_frame)
                longest_frame = frame_len;
            frame_len = 0;
            frame_escape = false;
        } else if (data[i] == 0x7d) {
            frame_escape = true;
        } else {
            frame_len++;
            frame_escape = false;
        }
    }
}

/* The modem's NO CARRIER amid PPP: the line dropped, as DCD going off tells firmware on a
 * real UART (a PTY or a TCP port has no DCD).  A modem that ended LCP itself drops carrier
 * at once while lwIP, having acknowledged its Terminate-Request, still waits out its restart
 * timer (RFC 1661 §4.2, Stopping): lwIP is told the lower layer is down. */
enum { CARRIER_LOST = 100 };       /* beyond lwIP's PPPERR_* codes */
static char carrier_tail[16];       /* the last octets of the previous chunk */
static bool carrier_lost;
static int carrier_reason;          /* why PPP ended, as lwIP would have said */
static void watch_carrier(const u8_t *data, size_t len)
{
    static const char pattern[] = "\r\nNO CARRIER\r\n";
    char window[sizeof carrier_tail + 4096];
    size_t tail = strnlen(carrier_tail, sizeof carrier_tail);
    memcpy(window, carrier_tail, tail);
    memcpy(window + tail, data, len);
    size_t total = tail + len;
    bool found = memmem(window, total, pattern, sizeof pattern - 1) != NULL;
    size_t keep = total < sizeof carrier_tail - 1 ? total : sizeof carrier_tail - 1;
    memset(carrier_tail, 0, sizeof carrier_tail);
    memcpy(carrier_tail, window + total - keep, keep);
    for (size_t i = 0; i < keep; i++)  /* a NUL would end the string early */
        if (carrier_tail[i] == '\0')
            carrier_tail[i] = ' ';
    if (!found || carrier_lost)
        return;
    carrier_lost = true;
    keep_text((const u8_t *)pattern, sizeof pattern - 1);
    /* lwIP's LCP state says who was ending the link, if anyone. */
    carrier_reason = ppp->lcp_fsm.state == PPP_FSM_STOPPING ? PPPERR_CONNECT
                   : ppp->lcp_fsm.state == PPP_FSM_CLOSING ? PPPERR_USER : CARRIER_LOST;
    ppp_close(ppp, 1);
}

/* One turn of the main loop: wait for the port or lwIP's next timer (at most `ms`), hand
 * what arrived to PPP or to the text buffer, run lwIP's timers. */
static void pump(int ms)
{
    u32_t sleep = sys_timeouts_sleeptime();
    if (sleep < (u32_t)ms)
        ms = (int)sleep;
    struct pollfd pfd = {.fd = port_fd, .events = POLLIN};
    if (!port_closed && poll(&pfd, 1, ms) > 0) {
        u8_t buf[4096];
        ssize_t n = read(port_fd, buf, sizeof buf);
        if (n > 0) {
            if (ppp_feeding) {
                measure_frames(buf, (size_t)n);
                pppos_input(ppp, buf, (int)n);
                if (!ppp_feeding)  /* PPP ended in this chunk: the rest may be text */
                    keep_text(buf, (size_t)n);
                else
                    watch_carrier(buf, (size_t)n);
            } else {
                keep_text(buf, (size_t)n);
            }
        } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            /* A PTY master gone, or the TCP port closed: the line dropped. */
            port_closed = true;
            if (ppp_feeding)
                ppp_close(ppp, 1);
        }
    } else if (port_closed) {
        usleep((useconds_t)ms * 1000);
    }
    sys_check_timeouts();
}

static void run_until(bool (*done)(void), const char *what)
{
    while (!done()) {
        check_deadline(what);
        pump(50);
    }
}

/* ---- AT commands before and after PPP ------------------------------------------------------ */

static const char *const finals[] = {"OK", "ERROR", "NO CARRIER", "BUSY", "NO ANSWER",
                                     "NO DIALTONE", "CONNECT", "+CME ERROR", "+CMS ERROR"};

/* The first complete line of `text` that is a final result code: its length, and where the
 * text after its CR LF starts; -1 when none has come yet. */
static int find_final(size_t *line_start, size_t *after)
{
    size_t start = 0;
    for (size_t i = 0; i + 1 < text_len; i++) {
        if (text[i] != '\r' || text[i + 1] != '\n')
            continue;
        size_t len = i - start;
        for (size_t k = 0; k < sizeof finals / sizeof *finals; k++) {
            size_t f = strlen(finals[k]);
            if (len >= f && memcmp(text + start, finals[k], f) == 0
                && (len == f || finals[k][0] == '+' || strcmp(finals[k], "CONNECT") == 0)) {
                *line_start = start;
                *after = i + 2;
                return (int)len;
            }
        }
        start = i + 2;
    }
    return -1;
}

static size_t final_start, final_after;
static int final_len;

static bool final_arrived(void)
{
    final_len = find_final(&final_start, &final_after);
    return final_len >= 0 || port_closed;
}

/* Send one command; print its information lines and final result; true when the final
 * result starts with `expect`.  What follows the final result stays in `text` (after
 * CONNECT, that is the first PPP octets). */
static u32_t resend_at;             /* command(): when to send the command again, 0: never */

static bool final_or_resend(void)
{
    return final_arrived() || (resend_at != 0 && (s32_t)(sys_now() - resend_at) >= 0);
}

static bool command_again(const char *cmd, const char *expect, u32_t resend_ms)
{
    text_len = 0;
    do {
        port_write(cmd, strlen(cmd));
        port_write("\r", 1);
        resend_at = resend_ms ? sys_now() + resend_ms : 0;
        run_until(final_or_resend, cmd);
    } while (!final_arrived());
    resend_at = 0;
    if (final_len < 0)
        fail(EXIT_CHAT, "the port closed while waiting for the answer to %s", cmd);
    /* information lines: everything before the final result but the echo */
    size_t start = 0;
    for (size_t i = 0; i < final_start; i++) {
        if (text[i] == '\r' && text[i + 1] == '\n') {
            size_t len = i - start;
            if (len > 0 && !(len >= strlen(cmd) && memcmp(text + start, cmd, strlen(cmd)) == 0))
                say("info %.*s", (int)len, text + start);
            start = i + 2;
        }
    }
    char result[128];
    snprintf(result, sizeof result, "%.*s", final_len, text + final_start);
    say("at %s -> %s", cmd, result);
    memmove(text, text + final_after, text_len - final_after);
    text_len -= final_after;
    return strncmp(result, expect, strlen(expect)) == 0;
}

static bool command(const char *cmd, const char *expect)
{
    return command_again(cmd, expect, 0);
}

static bool no_carrier_seen(void)
{
    return memmem(text, text_len, "NO CARRIER\r\n", 12) != NULL || port_closed;
}

/* ---- PPP ---------------------------------------------------------------------------------- */

static struct netif ppp_netif;
static bool ppp_up, ppp_dead;
static int ppp_error;

static const char *ppp_reason(int code)
{
    switch (code) {
    case PPPERR_NONE: return "none";
    case PPPERR_PARAM: return "invalid parameter";
    case PPPERR_OPEN: return "cannot open";
    case PPPERR_DEVICE: return "device error";
    case CARRIER_LOST: return "carrier lost";
    case PPPERR_ALLOC: return "out of memory";
    case PPPERR_USER: return "closed by us";
    case PPPERR_CONNECT: return "peer ended the link";
    case PPPERR_AUTHFAIL: return "authentication failed";
    case PPPERR_PROTOCOL: return "protocol error";
    case PPPERR_PEERDEAD: return "peer dead (echo)";
    case PPPERR_IDLETIMEOUT: return "idle timeout";
    case PPPERR_CONNECTTIME: return "connect time";
    case PPPERR_LOOPBACK: return "loopback";
    default: return "unknown";
    }
}

/* While the port is in online command state (--escape), what lwIP sends waits here: on the
 * line it would be read as AT commands. */
static bool ppp_paused;
static u8_t *held;
static size_t held_len, held_cap;

static u32_t ppp_output(ppp_pcb *pcb, u8_t *data, u32_t len, void *ctx)
{
    (void)pcb; (void)ctx;
    if (ppp_paused) {
        if (held_len + len > held_cap) {
            held_cap = (held_len + len) * 2;
            held = realloc(held, held_cap);
            if (held == NULL)
                fail(EXIT_STEP, "out of memory");
        }
        memcpy(held + held_len, data, len);
        held_len += len;
    } else if (!port_closed) {
        port_write(data, len);
    }
    return len;
}

static void ppp_status(ppp_pcb *pcb, int err, void *ctx)
{
    (void)ctx;
    if (err == PPPERR_NONE) {
        char ip[16], gw[16], d0[16], d1[16];
        ip4addr_ntoa_r(netif_ip4_addr(&ppp_netif), ip, sizeof ip);
        ip4addr_ntoa_r(netif_ip4_gw(&ppp_netif), gw, sizeof gw);
        ip4addr_ntoa_r(ip_2_ip4(dns_getserver(0)), d0, sizeof d0);
        ip4addr_ntoa_r(ip_2_ip4(dns_getserver(1)), d1, sizeof d1);
        say("ppp up ip %s gateway %s dns %s %s", ip, gw, d0, d1);
        /* What LCP agreed on: the protocol each side authenticated with ("his" options are
         * those the peer asked of us, "got" those we asked of it). */
        say("auth by us %s, by the peer %s",
            pcb->lcp_hisoptions.neg_chap ? "chap" : pcb->lcp_hisoptions.neg_upap ? "pap" : "none",
            pcb->lcp_gotoptions.neg_chap ? "chap" : pcb->lcp_gotoptions.neg_upap ? "pap" : "none");
        ppp_up = true;
        return;
    }
    if (carrier_lost)  /* ppp_close(nocarrier) says "user"; the cause was elsewhere */
        err = carrier_reason;
    ppp_error = err;
    ppp_up = false;
    ppp_dead = true;
    ppp_feeding = false;
    say("ppp down %s", ppp_reason(err));
    say("longest frame received %zu octets", longest_frame);
    if (asked_accm != 0)
        say("raw octets the ACCM escapes %u", raw_in_accm);
}

static bool ppp_settled(void) { return ppp_up || ppp_dead; }
static bool ppp_gone(void) { return ppp_dead; }

/* ---- steps: name resolution --------------------------------------------------------------- */

static bool dns_done;
static ip_addr_t dns_result;
static bool dns_found;

static void dns_answer(const char *name, const ip_addr_t *addr, void *arg)
{
    (void)name; (void)arg;
    dns_found = addr != NULL;
    if (addr != NULL)
        dns_result = *addr;
    dns_done = true;
}

static bool dns_finished(void) { return dns_done || ppp_dead; }

/* A dotted quad as it is, a name through the name server IPCP gave. */
static ip_addr_t resolve(const char *name, bool print)
{
    ip_addr_t addr;
    if (ipaddr_aton(name, &addr))
        return addr;
    dns_done = dns_found = false;
    err_t err = dns_gethostbyname(name, &dns_result, dns_answer, NULL);
    if (err == ERR_OK)
        dns_done = dns_found = true;
    else if (err != ERR_INPROGRESS)
        fail(EXIT_STEP, "resolve %s: lwIP error %d", name, err);
    run_until(dns_finished, name);
    if (!dns_found)
        fail(EXIT_STEP, "resolve %s: no address", name);
    if (print)
        say("resolve %s %s", name, ipaddr_ntoa(&dns_result));
    return dns_result;
}

/* HOST:PORT[/rest] split in place; `rest` points after the port (or at ""). */
static u16_t split_endpoint(char *spec, char **host, char **rest)
{
    char *colon = strchr(spec, ':');
    if (colon == NULL)
        fail(EXIT_USAGE, "%s: expected HOST:PORT", spec);
    *colon = '\0';
    *host = spec;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (port <= 0 || port > 65535)
        fail(EXIT_USAGE, "%s: bad port", colon + 1);
    *rest = end;
    return (u16_t)port;
}

/* ---- steps: TCP ---------------------------------------------------------------------------- */

/* One TCP connection and what it is for: the callbacks below fill it in. */
struct conn {
    struct tcp_pcb *pcb;
    bool connected, peer_closed, failed;
    err_t error;
    /* what to send: a request (HTTP) or a generated stream (echo) */
    const char *request;
    size_t request_len, sent;
    size_t stream_len;              /* echo: octets to send and to get back */
    /* what came back */
    u8_t *data;
    size_t len, cap;
    bool store;                     /* keep what arrives (HTTP) or only check it (echo) */
    bool mismatch;
    bool echo_back;                 /* --listen: send back what arrives */
};

/* The echo stream: octet i of a keyed hash of i, so a lost, repeated or shifted segment
 * shows as a mismatch at once. */
static u8_t stream_octet(size_t i)
{
    u32_t x = (u32_t)i * 0x9E3779B1u;
    x ^= x >> 15;
    x *= 0x85EBCA77u;
    x ^= x >> 13;
    return (u8_t)x;
}

static void conn_push(struct conn *c)
{
    if (c->pcb == NULL)
        return;
    size_t total = c->request ? c->request_len : c->stream_len;
    while (c->sent < total) {
        u16_t room = tcp_sndbuf(c->pcb);
        if (room == 0 || tcp_sndqueuelen(c->pcb) >= TCP_SND_QUEUELEN - 4)
            break;
        u8_t chunk[TCP_MSS];
        size_t n = total - c->sent;
        if (n > room) n = room;
        if (n > sizeof chunk) n = sizeof chunk;
        if (c->request) {
            memcpy(chunk, c->request + c->sent, n);
        } else {
            for (size_t k = 0; k < n; k++)
                chunk[k] = stream_octet(c->sent + k);
        }
        if (tcp_write(c->pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break;
        c->sent += n;
    }
    tcp_output(c->pcb);
}

static err_t conn_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb; (void)len;
    conn_push(arg);
    return ERR_OK;
}

static err_t conn_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct conn *c = arg;
    (void)err;
    if (p == NULL) {
        c->peer_closed = true;
        return ERR_OK;
    }
    if (c->echo_back && (tcp_sndbuf(pcb) < p->tot_len
                         || tcp_sndqueuelen(pcb) + pbuf_clen(p) > TCP_SND_QUEUELEN - 4))
        return ERR_MEM;  /* no room to send it back yet: lwIP offers it again later */
    for (struct pbuf *q = p; q != NULL; q = q->next) {
        const u8_t *bytes = q->payload;
        if (c->echo_back) {
            tcp_write(pcb, bytes, q->len, TCP_WRITE_FLAG_COPY);
        } else if (!c->store) {
            for (u16_t k = 0; k < q->len; k++)
                if (bytes[k] != stream_octet(c->len + k))
                    c->mismatch = true;
        } else {
            if (c->len + q->len > c->cap) {
                c->cap = (c->len + q->len) * 2;
                c->data = realloc(c->data, c->cap);
                if (c->data == NULL)
                    fail(EXIT_STEP, "out of memory");
            }
            memcpy(c->data + c->len, bytes, q->len);
        }
        c->len += q->len;
    }
    if (c->echo_back)
        tcp_output(pcb);
    tcp_recved(pcb, p->tot_len);
    pbuf_free(p);
    return ERR_OK;
}

static void conn_err(void *arg, err_t err)
{
    struct conn *c = arg;
    c->pcb = NULL;  /* lwIP freed it */
    c->failed = true;
    c->error = err;
}

static err_t conn_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct conn *c = arg;
    (void)pcb; (void)err;
    c->connected = true;
    conn_push(c);
    return ERR_OK;
}

static void conn_attach(struct conn *c, struct tcp_pcb *pcb)
{
    c->pcb = pcb;
    tcp_arg(pcb, c);
    tcp_recv(pcb, conn_recv);
    tcp_sent(pcb, conn_sent);
    tcp_err(pcb, conn_err);
}

static struct conn *current;

static bool current_connected(void) { return current->connected || current->failed || ppp_dead; }
static bool current_ended(void) { return current->peer_closed || current->failed || ppp_dead; }
static bool current_echoed(void)
{
    return current->len >= current->stream_len || current->mismatch || current->peer_closed
           || current->failed || ppp_dead;
}

static void conn_open(struct conn *c, const char *host, u16_t port)
{
    ip_addr_t addr = resolve(host, false);
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL)
        fail(EXIT_STEP, "tcp_new: out of memory");
    conn_attach(c, pcb);
    current = c;
    if (tcp_connect(pcb, &addr, port, conn_connected) != ERR_OK)
        fail(EXIT_STEP, "tcp_connect to %s:%u refused by lwIP", host, port);
    run_until(current_connected, "the TCP connection");
    if (!c->connected)
        fail(EXIT_STEP, "connect to %s:%u: %s", host, port,
             ppp_dead ? "PPP went down" : lwip_strerr(c->error));
}

static void conn_close(struct conn *c)
{
    if (c->pcb != NULL) {
        tcp_arg(c->pcb, NULL);
        tcp_recv(c->pcb, NULL);
        tcp_sent(c->pcb, NULL);
        tcp_err(c->pcb, NULL);
        if (tcp_close(c->pcb) != ERR_OK)
            tcp_abort(c->pcb);
        c->pcb = NULL;
    }
    free(c->data);
    c->data = NULL;
}

/* --get HOST:PORT/PATH: HTTP/1.0 GET; prints the status and the body's length, writes the
 * body to --out. */
static void http_get(char *spec, const char *out)
{
    char *host, *path;
    u16_t port = split_endpoint(spec, &host, &path);
    if (*path == '\0')
        path = "/";
    char request[1024];
    int n = snprintf(request, sizeof request,
                     "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: lwip-ppp-host\r\n\r\n",
                     path, host);
    struct conn c = {.request = request, .request_len = (size_t)n, .store = true};
    conn_open(&c, host, port);
    run_until(current_ended, "the HTTP response");
    if (!c.peer_closed)
        fail(EXIT_STEP, "HTTP GET %s: %s", path,
             ppp_dead ? "PPP went down" : lwip_strerr(c.error));
    u8_t *end = c.data ? memmem(c.data, c.len, "\r\n\r\n", 4) : NULL;
    int status = 0;
    if (end == NULL || sscanf((char *)c.data, "HTTP/%*d.%*d %d", &status) != 1)
        fail(EXIT_STEP, "HTTP GET %s: no response header in %zu octets", path, c.len);
    size_t body = c.len - (size_t)(end + 4 - c.data);
    if (out != NULL) {
        FILE *f = fopen(out, "wb");
        if (f == NULL || fwrite(end + 4, 1, body, f) != body || fclose(f) != 0)
            fail(EXIT_USAGE, "cannot write %s", out);
    }
    say("http %d %zu", status, body);
    conn_close(&c);
}

/* --escape: halfway through the next --echo, leave data mode with "+++" between guard times
 * of silence (V.250 §6.2.3, S12: 1 s by default), check the modem answers OK, and resume
 * with ATO.  PPP and the TCP connection stay up; what the network sent meanwhile the modem
 * holds, what lwIP sends meanwhile waits here. */
static bool escape_midway;
static u32_t quiet_until;
static bool quiet_over(void) { return (s32_t)(sys_now() - quiet_until) >= 0; }

static void escape_and_resume(void)
{
    ppp_paused = true;
    ppp_feeding = false;
    text_len = 0;
    quiet_until = sys_now() + 1500;
    run_until(quiet_over, "the guard time before +++");
    port_write("+++", 3);
    quiet_until = sys_now() + 1500;
    run_until(quiet_over, "the guard time after +++");
    run_until(final_arrived, "the answer to +++");
    if (final_len != 2 || memcmp(text + final_start, "OK", 2) != 0)
        fail(EXIT_CHAT, "+++ got %.*s, not OK", final_len < 0 ? 0 : final_len,
             text + final_start);
    say("escape +++ -> OK");
    if (!command("ATO", "CONNECT"))
        fail(EXIT_CHAT, "ATO did not answer CONNECT");
    ppp_feeding = true;
    ppp_paused = false;
    if (text_len > 0) {  /* frames the modem held, right behind CONNECT */
        u8_t *early = malloc(text_len);
        size_t n = text_len;
        memcpy(early, text, n);
        text_len = 0;
        pppos_input(ppp, early, (int)n);
        free(early);
    }
    if (held_len > 0) {
        port_write(held, held_len);
        held_len = 0;
    }
}

static struct conn *echo_conn;
static bool echo_halfway(void)
{
    return echo_conn->len >= echo_conn->stream_len / 2 || current_echoed();
}

/* --echo HOST:PORT:BYTES: send a generated stream to an echo server, check what comes back
 * octet by octet. */
static void tcp_echo(char *spec)
{
    char *host, *rest;
    u16_t port = split_endpoint(spec, &host, &rest);
    if (*rest != ':')
        fail(EXIT_USAGE, "--echo HOST:PORT:BYTES");
    struct conn c = {.stream_len = strtoul(rest + 1, NULL, 10)};
    conn_open(&c, host, port);
    if (escape_midway) {
        echo_conn = &c;
        run_until(echo_halfway, "half the echo");
        escape_and_resume();
        escape_midway = false;
    }
    run_until(current_echoed, "the echo");
    if (c.mismatch)
        fail(EXIT_STEP, "echo: the stream came back different");
    if (c.len < c.stream_len)
        fail(EXIT_STEP, "echo: %zu of %zu octets came back (%s)", c.len, c.stream_len,
             ppp_dead ? "PPP went down" : c.failed ? lwip_strerr(c.error) : "peer closed");
    say("echo %zu ok; so far %u damaged frames dropped, %u fast retransmits", c.len,
        (unsigned)(lwip_stats.link.chkerr + lwip_stats.link.lenerr),
        (unsigned)lwip_stats.mib2.tcpretranssegs);
    conn_close(&c);
}

/* --listen PORT: accept one connection, send back what it sends until it closes. */
static struct conn served;
static struct tcp_pcb *listener;

static err_t listen_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    (void)arg;
    if (err != ERR_OK || pcb == NULL || served.connected)
        return ERR_VAL;
    served.connected = true;
    conn_attach(&served, pcb);
    tcp_close(listener);  /* one connection is all this step serves */
    listener = NULL;
    return ERR_OK;
}

static void tcp_serve(u16_t port)
{
    struct tcp_pcb *pcb = tcp_new();
    if (pcb == NULL || tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK)
        fail(EXIT_STEP, "cannot bind TCP port %u", port);
    listener = tcp_listen(pcb);
    tcp_accept(listener, listen_accept);
    served = (struct conn){.echo_back = true};
    say("listening %u", port);
    current = &served;
    run_until(current_ended, "a connection to serve");
    if (!served.peer_closed)
        fail(EXIT_STEP, "served connection: %s",
             ppp_dead ? "PPP went down" : lwip_strerr(served.error));
    char who[16];
    ip4addr_ntoa_r(ip_2_ip4(&served.pcb->remote_ip), who, sizeof who);
    say("served %zu from %s:%u", served.len, who, served.pcb->remote_port);
    conn_close(&served);
}

/* Every octet we sent acknowledged, and every FIN we sent too: nothing is lost by ending PPP
 * now.  (A connection waiting for the peer's FIN, in FIN_WAIT_2, has all it needs.) */
static bool tcp_settled(void)
{
    for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb != NULL; pcb = pcb->next) {
        if (pcb->unsent != NULL || pcb->unacked != NULL || pcb->state == FIN_WAIT_1
            || pcb->state == CLOSING || pcb->state == LAST_ACK)
            return ppp_dead;
    }
    return true;
}

/* ---- steps: UDP ---------------------------------------------------------------------------- */

static size_t udp_expected, udp_got;
static bool udp_ok;

static void udp_answer(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                       u16_t port)
{
    (void)arg; (void)pcb; (void)addr; (void)port;
    bool same = p->tot_len == udp_expected;
    for (u16_t k = 0; same && k < p->tot_len; k++)
        same = pbuf_get_at(p, k) == stream_octet(k);
    udp_got = p->tot_len;
    udp_ok = udp_ok || same;
    pbuf_free(p);
}

static u32_t udp_retry_at;
static bool udp_answered_or_retry(void)
{
    return udp_ok || ppp_dead || (s32_t)(sys_now() - udp_retry_at) >= 0;
}

/* --udp HOST:PORT:BYTES: a datagram to an echo server, sent again each second until the same
 * datagram comes back (datagrams may be lost). */
static void udp_echo(char *spec)
{
    char *host, *rest;
    u16_t port = split_endpoint(spec, &host, &rest);
    if (*rest != ':')
        fail(EXIT_USAGE, "--udp HOST:PORT:BYTES");
    udp_expected = strtoul(rest + 1, NULL, 10);
    ip_addr_t addr = resolve(host, false);
    struct udp_pcb *pcb = udp_new();
    udp_recv(pcb, udp_answer, NULL);
    udp_ok = false;
    while (!udp_ok && !ppp_dead) {
        struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)udp_expected, PBUF_RAM);
        for (size_t k = 0; k < udp_expected; k++)
            ((u8_t *)p->payload)[k] = stream_octet(k);
        udp_sendto(pcb, p, &addr, port);
        pbuf_free(p);
        udp_retry_at = sys_now() + 1000;
        run_until(udp_answered_or_retry, "the UDP echo");
    }
    udp_remove(pcb);
    if (!udp_ok)
        fail(EXIT_STEP, "udp: PPP went down");
    say("udp %zu ok", udp_got);
}

/* ---- --hold: wait for a line on stdin, so a test can look at the modem meanwhile ---------- */

static bool stdin_line(void)
{
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    if (poll(&pfd, 1, 0) > 0) {
        char c;
        while (read(0, &c, 1) == 1 && c != '\n')
            ;
        return true;
    }
    return ppp_dead;
}

/* ---- main ---------------------------------------------------------------------------------- */

static void usage(void)
{
    fputs("usage: lwip-ppp-host --port PATH|tcp:HOST:PORT [--at CMD]... [--dial CMD]\n"
          "  [--user NAME --password SECRET [--auth pap|chap|any]]\n"
          "  [--server --local ADDR --peer ADDR [--dns ADDR]]\n"
          "  [--resolve NAME] [--get HOST:PORT/PATH [--out FILE]] [--echo HOST:PORT:BYTES]\n"
          "  [--udp HOST:PORT:BYTES] [--listen PORT] [--hold] [--until-peer-ends]\n"
          "  [--wait-no-carrier] [--then CMD]... [--mru N] [--accm HEX]\n"
          "  [--escape]\n"
          "  [--lcp-echo SECONDS] [--seed N]\n"
          "  [--timeout SECONDS]\n", stderr);
    exit(EXIT_USAGE);
}

int main(int argc, char **argv)
{
    const char *port = NULL, *dial = NULL, *user = NULL, *password = NULL, *out = NULL;
    const char *local = NULL, *peer = NULL, *dns = NULL;
    u8_t auth = PPPAUTHTYPE_ANY;
    bool server = false, until_peer_ends = false, wait_no_carrier = false;
    unsigned seed = 1;
    u8_t lcp_echo = 0;
    u16_t mru = 0;
    double timeout = 120;
    const char *at[32], *then[32];
    int n_at = 0, n_then = 0;
    /* the work steps, in command-line order */
    struct { const char *what; char *arg; } steps[32];
    int n_steps = 0;

    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        bool has_value = i + 1 < argc;
#define VALUE() (has_value ? argv[++i] : (usage(), ""))
        if (!strcmp(o, "--port")) port = VALUE();
        else if (!strcmp(o, "--at") && n_at < 32) at[n_at++] = VALUE();
        else if (!strcmp(o, "--dial")) dial = VALUE();
        else if (!strcmp(o, "--user")) user = VALUE();
        else if (!strcmp(o, "--password")) password = VALUE();
        else if (!strcmp(o, "--auth")) {
            const char *a = VALUE();
            auth = !strcmp(a, "pap") ? PPPAUTHTYPE_PAP : !strcmp(a, "chap") ? PPPAUTHTYPE_CHAP
                 : !strcmp(a, "any") ? PPPAUTHTYPE_ANY : (usage(), 0);
        }
        else if (!strcmp(o, "--server")) server = true;
        else if (!strcmp(o, "--local")) local = VALUE();
        else if (!strcmp(o, "--peer")) peer = VALUE();
        else if (!strcmp(o, "--dns")) dns = VALUE();
        else if (!strcmp(o, "--out")) out = VALUE();
        else if (!strcmp(o, "--then") && n_then < 32) then[n_then++] = VALUE();
        else if (!strcmp(o, "--until-peer-ends")) until_peer_ends = true;
        else if (!strcmp(o, "--wait-no-carrier")) wait_no_carrier = true;
        else if (!strcmp(o, "--escape")) escape_midway = true;
        else if (!strcmp(o, "--accm")) asked_accm = (u32_t)strtoul(VALUE(), NULL, 16);
        else if (!strcmp(o, "--mru")) mru = (u16_t)atoi(VALUE());
        else if (!strcmp(o, "--lcp-echo")) lcp_echo = (u8_t)atoi(VALUE());
        else if (!strcmp(o, "--seed")) seed = (unsigned)strtoul(VALUE(), NULL, 10);
        else if (!strcmp(o, "--timeout")) timeout = strtod(VALUE(), NULL);
        else if (n_steps < 32 && (!strcmp(o, "--resolve") || !strcmp(o, "--get")
                 || !strcmp(o, "--echo") || !strcmp(o, "--udp") || !strcmp(o, "--listen"))) {
            steps[n_steps].what = o;
            steps[n_steps++].arg = VALUE();
        }
        else if (!strcmp(o, "--hold") && n_steps < 32) steps[n_steps++].what = o;
        else usage();
#undef VALUE
    }
    if (port == NULL || (server && (local == NULL || peer == NULL)))
        usage();

    srandom(seed);
    deadline = sys_now() + (u32_t)(timeout * 1000);
    char why[256];
    port_fd = serial_open(port, why, sizeof why);
    if (port_fd < 0)
        fail(EXIT_USAGE, "%s", why);

    /* The chat script: each --at must answer OK, --dial CONNECT. */
    for (int i = 0; i < n_at; i++)
        if (!command(at[i], "OK"))
            fail(EXIT_CHAT, "%s did not answer OK", at[i]);
    if (dial != NULL && !command(dial, "CONNECT"))
        fail(EXIT_CHAT, "%s did not answer CONNECT", dial);

    lwip_init();
    ppp = pppos_create(&ppp_netif, ppp_output, ppp_status, NULL);
    if (ppp == NULL)
        fail(EXIT_PPP, "pppos_create failed");
    if (server) {
        ip4_addr_t a;
        ip4addr_aton(local, &a);
        ppp_set_ipcp_ouraddr(ppp, &a);
        ip4addr_aton(peer, &a);
        ppp_set_ipcp_hisaddr(ppp, &a);
        if (dns != NULL) {
            ip4addr_aton(dns, &a);
            ppp_set_ipcp_dnsaddr(ppp, 0, &a);
        }
        if (user != NULL) {  /* the one login this server accepts */
            ppp_set_auth(ppp, auth, user, password ? password : "");
            ppp_set_auth_required(ppp, 1);
        }
    } else {
        if (user != NULL)
            ppp_set_auth(ppp, auth, user, password ? password : "");
        ppp_set_usepeerdns(ppp, 1);
        ppp_set_default(ppp);
    }
    /* LCP keepalive, as firmware sets it: an Echo-Request every `lcp_echo` seconds, the link
     * declared dead after 3 unanswered. */
    ppp->settings.lcp_echo_interval = lcp_echo;
    ppp->settings.lcp_echo_fails = 3;
    if (asked_accm != 0)  /* ask the modem to escape these control characters */
        ppp_set_asyncmap(ppp, asked_accm);
    if (mru != 0) {  /* ask the modem for smaller frames than PPP's default 1500 */
        ppp->lcp_wantoptions.neg_mru = 1;
        ppp->lcp_wantoptions.mru = mru;
    }
    ppp_feeding = true;
    if (text_len > 0) {  /* PPP octets that came with CONNECT */
        u8_t early[sizeof text];
        size_t n = text_len;
        memcpy(early, text, n);
        text_len = 0;
        pppos_input(ppp, early, (int)n);
    }
    if ((server ? ppp_listen(ppp) : ppp_connect(ppp, 0)) != ERR_OK)
        fail(EXIT_PPP, "cannot start PPP");
    say(server ? "ppp listening" : "ppp connecting");
    run_until(ppp_settled, "PPP to come up");

    if (ppp_up) {
        for (int i = 0; i < n_steps && ppp_up; i++) {
            const char *w = steps[i].what;
            if (!strcmp(w, "--resolve")) resolve(steps[i].arg, true);
            else if (!strcmp(w, "--get")) http_get(steps[i].arg, out);
            else if (!strcmp(w, "--echo")) tcp_echo(steps[i].arg);
            else if (!strcmp(w, "--udp")) udp_echo(steps[i].arg);
            else if (!strcmp(w, "--listen")) tcp_serve((u16_t)atoi(steps[i].arg));
            else if (!strcmp(w, "--hold")) {
                say("holding");
                run_until(stdin_line, "a line on stdin");
            }
        }
        if (until_peer_ends) {
            run_until(ppp_gone, "the peer to end PPP");
        } else if (!ppp_dead) {
            run_until(tcp_settled, "TCP to deliver what we sent");
            /* A polite end: LCP Terminate-Request, the link is dead once it is acknowledged
             * (or the restart timer gives up). */
            ppp_close(ppp, 0);
            run_until(ppp_gone, "PPP to terminate");
        }
    }

    /* After PPP: carrier drop, then the port is an AT port again. */
    if (wait_no_carrier) {
        run_until(no_carrier_seen, "NO CARRIER");
        if (port_closed)
            fail(EXIT_CHAT, "the port closed instead of NO CARRIER");
        say("hangup NO CARRIER");
        text_len = 0;
    }
    /* The first command after PPP is sent again every 2 s until answered: where no NO CARRIER
     * says so (WIP's serial-link bearers), the modem reads AT again only once its LCP has
     * finished, a restart interval after acknowledging our Terminate-Request (RFC 1661
     * §4.2, the Stopping state); until then what we send is line noise to its PPP. */
    for (int i = 0; i < n_then; i++)
        if (!command_again(then[i], "OK", i == 0 && !wait_no_carrier ? 2000 : 0))
            fail(EXIT_CHAT, "%s did not answer OK", then[i]);

    bool ended_well = ppp_error == PPPERR_USER || (until_peer_ends && ppp_error == PPPERR_CONNECT);
    if (!ended_well)
        fail(EXIT_PPP, "PPP: %s", ppp_reason(ppp_error));
    return 0;
}
