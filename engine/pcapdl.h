/* SPDX-License-Identifier: MIT */
/*
 * pcapdl.h - libpcap bound at run time (pcapdl.c): the engine calls
 * libpcap's own names (pcap_create, pcap_compile, ...), defined there,
 * and this one of its own.
 */
#ifndef MRTSHIM_ENGINE_PCAPDL_H
#define MRTSHIM_ENGINE_PCAPDL_H

#include <pcap/pcap.h>

/* pcap_open_dead(linktype, snaplen), a filter compiler for a link type,
 * loading libpcap on first use: NULL with the reason (libpcap missing)
 * in errbuf (PCAP_ERRBUF_SIZE). */
pcap_t *pcapdl_open_dead(int linktype, int snaplen, char *errbuf);

#endif
