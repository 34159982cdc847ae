/* SPDX-License-Identifier: MIT */
/*
 * target.c - find the daemon as execvp would and tell, before exec, when
 * the dynamic loader will not load libmrtshim into it: set-user-ID and
 * file-capability programs (ld.so's secure-execution mode ignores
 * LD_PRELOAD), static binaries (no PT_INTERP, no loader), another ELF
 * class or machine. torsocks refuses setuid targets the same way.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "target.h"

/* The kernel follows at most this many "#!" levels (BINPRM_MAX_RECURSION). */
#define TARGET_MAX_DEPTH 4
/* Program headers we read before giving up on an odd file. */
#define TARGET_MAX_PHNUM 4096

int target_resolve(const char *name, char *buf, size_t cap)
{
	const char *path, *p, *end;
	char defpath[256];
	struct stat st;
	bool eacces = false;
	size_t dlen;
	int n;

	if (!*name)
		return -ENOENT;
	if (strchr(name, '/')) {
		if ((size_t)snprintf(buf, cap, "%s", name) >= cap)
			return -ENAMETOOLONG;
		return 0;
	}
	path = getenv("PATH");
	if (!path) {
		if (!confstr(_CS_PATH, defpath, sizeof(defpath)))
			snprintf(defpath, sizeof(defpath), "/bin:/usr/bin");
		path = defpath;
	}
	for (p = path;; p = end + 1) {
		end = strchrnul(p, ':');
		dlen = (size_t)(end - p);
		/* an empty entry is the current directory, as for execvp */
		if (dlen == 0)
			n = snprintf(buf, cap, "%s", name);
		else
			n = snprintf(buf, cap, "%.*s/%s", (int)dlen, p, name);
		if (n >= 0 && (size_t)n < cap && stat(buf, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0)
				return 0;
			eacces = true;
		}
		if (!*end)
			break;
	}
	return eacces ? -EACCES : -ENOENT;
}

/* What an executable file is, as far as the loader cares. */
struct target_elf {
	unsigned char cls;  /* ELFCLASS32 / ELFCLASS64 */
	unsigned char data; /* ELFDATA2LSB / ELFDATA2MSB */
	uint16_t machine;   /* EM_* */
	bool interp;	    /* has a PT_INTERP program header */
};

static bool native_data(unsigned char data)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return data == ELFDATA2LSB;
#else
	return data == ELFDATA2MSB;
#endif
}

/* Scan the program headers for PT_INTERP (same-endian files only). */
static int elf_scan(int fd, const unsigned char *hdr, size_t hlen,
		    struct target_elf *te)
{
	uint64_t phoff;
	unsigned int phnum, phentsize, i;
	uint32_t type;

	if (te->cls == ELFCLASS64) {
		Elf64_Ehdr eh;

		if (hlen < sizeof(eh))
			return -1;
		memcpy(&eh, hdr, sizeof(eh));
		te->machine = eh.e_machine;
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
		phentsize = eh.e_phentsize;
	} else {
		Elf32_Ehdr eh;

		if (hlen < sizeof(eh))
			return -1;
		memcpy(&eh, hdr, sizeof(eh));
		te->machine = eh.e_machine;
		phoff = eh.e_phoff;
		phnum = eh.e_phnum;
		phentsize = eh.e_phentsize;
	}
	if (!native_data(te->data))
		return 0; /* foreign: the machine check refuses it */
	if (phnum > TARGET_MAX_PHNUM || phentsize < sizeof(uint32_t))
		return -1;
	for (i = 0; i < phnum; i++) {
		/* p_type is the first 32-bit word in both classes */
		if (pread(fd, &type, sizeof(type),
			  (off_t)(phoff + (uint64_t)i * phentsize)) !=
		    (ssize_t)sizeof(type))
			return -1;
		if (type == PT_INTERP) {
			te->interp = true;
			break;
		}
	}
	return 0;
}

/*
 * Read what path is: 1 an ELF file (te filled), 2 a "#!" script (its
 * interpreter in interp), 0 anything else, -errno when unreadable.
 */
static int probe(const char *path, struct target_elf *te, char *interp,
		 size_t icap)
{
	unsigned char hdr[256];
	ssize_t n;
	size_t i, j;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, hdr, sizeof(hdr), 0);
	if (n < 0) {
		rc = -errno;
	} else if (n >= 2 && hdr[0] == '#' && hdr[1] == '!') {
		/* "#! /path/interp [arg]": the first word, as the kernel does
		 */
		for (i = 2; i < (size_t)n && (hdr[i] == ' ' || hdr[i] == '\t');
		     i++)
			;
		for (j = 0; i < (size_t)n && j + 1 < icap && hdr[i] != ' ' &&
			    hdr[i] != '\t' && hdr[i] != '\n' && hdr[i] != '\0';
		     i++)
			interp[j++] = (char)hdr[i];
		interp[j] = '\0';
		rc = j ? 2 : 0;
	} else if ((size_t)n >= EI_NIDENT &&
		   memcmp(hdr, ELFMAG, SELFMAG) == 0 &&
		   (hdr[EI_CLASS] == ELFCLASS32 ||
		    hdr[EI_CLASS] == ELFCLASS64)) {
		memset(te, 0, sizeof(*te));
		te->cls = hdr[EI_CLASS];
		te->data = hdr[EI_DATA];
		rc = elf_scan(fd, hdr, (size_t)n, te) == 0 ? 1 : 0;
	}
	close(fd);
	return rc;
}

static const char *class_name(unsigned char cls)
{
	return cls == ELFCLASS64 ? "64-bit" : "32-bit";
}

static int check_one(const char *path, const char *lib, int depth, char *why,
		     size_t cap)
{
	static const char ignores[] =
	    "the dynamic loader ignores LD_PRELOAD in such programs "
	    "(secure-execution mode), so libmrtshim cannot be loaded "
	    "into it";
	struct target_elf te, le;
	char interp[PATH_MAX];
	struct stat st;
	ssize_t xlen;
	int kind;

	if (stat(path, &st) < 0) {
		snprintf(why, cap, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_mode & S_ISUID) {
		snprintf(why, cap,
			 "%s is set-user-ID: %s. Run a copy without the "
			 "set-user-ID bit, as the user it needs.",
			 path, ignores);
		return -1;
	}
	/* S_ISGID without group execute is mandatory locking, not setgid */
	if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP)) {
		snprintf(why, cap,
			 "%s is set-group-ID: %s. Run a copy without the "
			 "set-group-ID bit, as the group it needs.",
			 path, ignores);
		return -1;
	}
	xlen = getxattr(path, "security.capability", NULL, 0);
	if (xlen > 0) {
		snprintf(why, cap,
			 "%s has file capabilities (getcap): %s. Run a copy "
			 "without them, giving the capabilities as ambient "
			 "ones instead (setpriv --ambient-caps, systemd's "
			 "AmbientCapabilities=).",
			 path, ignores);
		return -1;
	}
	kind = probe(path, &te, interp, sizeof(interp));
	if (kind == 2) {
		if (depth >= TARGET_MAX_DEPTH)
			return 0; /* execve will say ELOOP */
		return check_one(interp, lib, depth + 1, why, cap);
	}
	if (kind != 1)
		return 0; /* not ELF: execve decides */
	if (!te.interp) {
		snprintf(why, cap,
			 "%s is statically linked: it has no dynamic loader "
			 "(no PT_INTERP), so no LD_PRELOAD library, "
			 "libmrtshim included, can be loaded into it. Use a "
			 "dynamically linked build of it.",
			 path);
		return -1;
	}
	if (probe(lib, &le, interp, sizeof(interp)) == 1 &&
	    (le.cls != te.cls || le.machine != te.machine ||
	     le.data != te.data)) {
		snprintf(why, cap,
			 "%s is a %s program for machine %u, %s a %s library "
			 "for machine %u: the dynamic loader cannot load it "
			 "there. Build libmrtshim for the daemon's "
			 "architecture.",
			 path, class_name(te.cls), te.machine, lib,
			 class_name(le.cls), le.machine);
		return -1;
	}
	return 0;
}

int target_check(const char *path, const char *lib, char *why, size_t cap)
{
	why[0] = '\0';
	return check_one(path, lib, 0, why, cap);
}
