/* lwIP configuration of the PPP host harness: a bare-metal build (NO_SYS, one thread, our
 * own main loop) with PPP over serial as the only interface, as on an embedded modem host.
 * Memory is generous because this runs on a PC: 1 MiB transfers should be limited by TCP,
 * not by pools. */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS                      1
#define SYS_LIGHTWEIGHT_PROT        0
#define LWIP_NETCONN                0
#define LWIP_SOCKET                 0
#define LWIP_IPV4                   1
#define LWIP_IPV6                   0
#define LWIP_ARP                    0
#define LWIP_ETHERNET               0
#define LWIP_ICMP                   1
#define LWIP_RAW                    0
#define LWIP_TCP                    1
#define LWIP_UDP                    1
#define LWIP_DNS                    1
#define LWIP_DHCP                   0
#define LWIP_NETIF_STATUS_CALLBACK  1
#define LWIP_HAVE_LOOPIF            0

/* The heap and pools: libc's malloc behind lwIP's heap, room for a full TCP window. */
#define MEM_LIBC_MALLOC             1
#define MEM_ALIGNMENT               8
#define MEMP_MEM_MALLOC             1
#define PBUF_POOL_SIZE              64
#define MEMP_NUM_TCP_PCB            4
#define MEMP_NUM_TCP_PCB_LISTEN     2
#define MEMP_NUM_TCP_SEG            128
#define MEMP_NUM_UDP_PCB            4
#define MEMP_NUM_SYS_TIMEOUT        (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)

/* TCP: a full-size MSS for a 1500-octet PPP MRU, a window of 16 segments. */
#define TCP_MSS                     1460
#define TCP_WND                     (16 * TCP_MSS)
#define TCP_SND_BUF                 (16 * TCP_MSS)
#define TCP_SND_QUEUELEN            (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ             1
#define LWIP_TCP_SACK_OUT           0

#define DNS_MAX_SERVERS             2
#define DNS_TABLE_SIZE              4

/* PPP over serial, client and server, PAP and CHAP-MD5 (no MS-CHAP, EAP, MPPE).  Van Jacobson
 * header compression stays on, as lwIP has it by default: IPCP asks for it. */
#define PPP_SUPPORT                 1
#define PPPOS_SUPPORT               1
#define PPP_IPV4_SUPPORT            1
#define PPP_SERVER                  1
#define PAP_SUPPORT                 1
#define CHAP_SUPPORT                1
#define MSCHAP_SUPPORT              0
#define EAP_SUPPORT                 0
#define CCP_SUPPORT                 0
#define MPPE_SUPPORT                0
#define MEMP_NUM_PPP_PCB            1

/* Set HARNESS_PPP_DEBUG=1 at build time to see lwIP's PPP log on stderr. */
#ifndef HARNESS_PPP_DEBUG
#define HARNESS_PPP_DEBUG 0
#endif
#if HARNESS_PPP_DEBUG
#define LWIP_DEBUG                  1
#define PPP_DEBUG                   LWIP_DBG_ON
#define PRINTPKT_SUPPORT            1
#endif

/* Counters: the echo step reports the frames lost to a damaged line and TCP's fast
 * retransmissions. */
#define LWIP_STATS                  1
#define MIB2_STATS                  1
#define LWIP_CHECKSUM_ON_COPY       1

#endif
