/* SPDX-License-Identifier: MIT */
/*
 * pcapdl.c - libpcap, bound at run time. libmrtshim.so is preloaded into
 * every process, and libpcap drags in dbus, systemd and gcrypt; so the
 * engine does not link it. The libpcap entry points the data plane uses are
 * defined here (hidden, so they never clash with a host's own libpcap) and
 * load the real library with dlopen on first use: a process that never
 * opens a capture never loads libpcap. Callers see libpcap's own API.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "pcapdl.h"
#include "sys.h"

/* Sonames tried in order: Debian's, upstream's, the development link. */
static const char *const pcapdl_names[] = {
    "libpcap.so.0.8",
    "libpcap.so.1",
    "libpcap.so",
};

/* X(return type, name, parameters, arguments): functions used on a handle
 * (so only after pcap_create succeeded, i.e. libpcap is loaded). */
#define PCAPDL_HANDLE_FUNCS(X)                                                 \
	X(int, pcap_activate, (pcap_t * p), (p))                               \
	X(int, pcap_compile,                                                   \
	  (pcap_t * p, struct bpf_program * f, const char *s, int o,           \
	   bpf_u_int32 m),                                                     \
	  (p, f, s, o, m))                                                     \
	X(int, pcap_datalink, (pcap_t * p), (p))                               \
	X(int, pcap_dispatch, (pcap_t * p, int n, pcap_handler h, u_char *u),  \
	  (p, n, h, u))                                                        \
	X(int, pcap_get_selectable_fd, (pcap_t * p), (p))                      \
	X(char *, pcap_geterr, (pcap_t * p), (p))                              \
	X(int, pcap_set_buffer_size, (pcap_t * p, int n), (p, n))              \
	X(int, pcap_set_immediate_mode, (pcap_t * p, int on), (p, on))         \
	X(int, pcap_set_promisc, (pcap_t * p, int on), (p, on))                \
	X(int, pcap_set_snaplen, (pcap_t * p, int n), (p, n))                  \
	X(int, pcap_setdirection, (pcap_t * p, pcap_direction_t d), (p, d))    \
	X(int, pcap_setnonblock, (pcap_t * p, int on, char *e), (p, on, e))    \
	X(int, pcap_stats, (pcap_t * p, struct pcap_stat * s), (p, s))

/*
 * The bound table. Process-wide by nature (dlopen is), written once under
 * pthread_once and read-only afterwards.
 */
static struct {
	void *handle;  /* dlopen handle, NULL = not available */
	char err[128]; /* why loading failed */
	pcap_t *(*pcap_create)(const char *source, char *errbuf);
	pcap_t *(*pcap_open_dead)(int linktype, int snaplen);
	void (*pcap_close)(pcap_t *p);
	void (*pcap_freecode)(struct bpf_program *f);
#define PCAPDL_FIELD(ret, name, params, args) ret(*name) params;
	PCAPDL_HANDLE_FUNCS(PCAPDL_FIELD)
#undef PCAPDL_FIELD
} pcapdl;

static pthread_once_t pcapdl_once = PTHREAD_ONCE_INIT;

static void pcapdl_bind(void)
{
	void *h = NULL;
	size_t i;

	for (i = 0; !h && i < sizeof(pcapdl_names) / sizeof(*pcapdl_names); i++)
		h = dlopen(pcapdl_names[i], RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(pcapdl.err, sizeof(pcapdl.err),
			 "libpcap not found (%s)", dlerror());
		return;
	}
#define PCAPDL_BIND(ret, name, params, args)                                   \
	pcapdl.name = (ret(*) params)dlsym(h, #name);                          \
	if (!pcapdl.name) {                                                    \
		snprintf(pcapdl.err, sizeof(pcapdl.err), "libpcap lacks %s",   \
			 #name);                                               \
		dlclose(h);                                                    \
		return;                                                        \
	}
	PCAPDL_BIND(pcap_t *, pcap_create, (const char *a, char *e), (a, e))
	PCAPDL_BIND(pcap_t *, pcap_open_dead, (int l, int n), (l, n))
	PCAPDL_BIND(void, pcap_close, (pcap_t * p), (p))
	PCAPDL_BIND(void, pcap_freecode, (struct bpf_program * f), (f))
	PCAPDL_HANDLE_FUNCS(PCAPDL_BIND)
#undef PCAPDL_BIND
	pcapdl.handle = h;
}

/* 0 when libpcap is bound; else -1 with the reason in errbuf if given. */
static int pcapdl_ready(char *errbuf)
{
	pthread_once(&pcapdl_once, pcapdl_bind);
	if (pcapdl.handle)
		return 0;
	if (errbuf)
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", pcapdl.err);
	return -1;
}

/*
 * pcap_create and pcapdl_open_dead (pcapdl.h) are the only ways to get a
 * pcap_t, so they are the only entry points that may find libpcap
 * missing; the others are reached with a handle and so after a
 * successful load.
 */
pcap_t *pcap_create(const char *source, char *errbuf)
{
	pcap_t *p;
	int saved;

	if (pcapdl_ready(errbuf) < 0)
		return NULL;
	saved = sys_foreign_enter();
	p = pcapdl.pcap_create(source, errbuf);
	sys_foreign_leave(saved);
	return p;
}

pcap_t *pcapdl_open_dead(int linktype, int snaplen, char *errbuf)
{
	pcap_t *p;
	int saved;

	if (pcapdl_ready(errbuf) < 0)
		return NULL;
	saved = sys_foreign_enter();
	p = pcapdl.pcap_open_dead(linktype, snaplen);
	sys_foreign_leave(saved);
	if (!p && errbuf)
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "pcap_open_dead failed");
	return p;
}

/* The rest take a pcap_t (or what one compiled), so libpcap is loaded.
 * libpcap's own socket, setsockopt, ioctl and close calls are not the
 * engine's (sys.h): each call is bracketed as foreign. */
#define PCAPDL_FORWARD(ret, name, params, args)                                \
	ret name params                                                        \
	{                                                                      \
		int saved = sys_foreign_enter();                               \
		ret r = pcapdl.name args;                                      \
                                                                               \
		sys_foreign_leave(saved);                                      \
		return r;                                                      \
	}
PCAPDL_HANDLE_FUNCS(PCAPDL_FORWARD)
#undef PCAPDL_FORWARD

void pcap_close(pcap_t *p)
{
	int saved = sys_foreign_enter();

	pcapdl.pcap_close(p);
	sys_foreign_leave(saved);
}

void pcap_freecode(struct bpf_program *f)
{
	int saved = sys_foreign_enter();

	pcapdl.pcap_freecode(f);
	sys_foreign_leave(saved);
}
