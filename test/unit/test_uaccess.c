/* SPDX-License-Identifier: MIT */
/*
 * test_uaccess.c - copies from and to caller pointers: good, NULL,
 * unmapped and read-only memory, through process_vm_* and through the
 * pipe fallback. Where process_vm_readv works the vm case checks that
 * every copy took that path (eng->uaccess_vm ends at 1, never -1).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "check_main.h"
#include "engine_priv.h"
#include "fake_host.h"
#include "engine.h"

static struct fake_host F;
static struct mrt_engine *E;
static char *NONE, *RO;

static void setup(void)
{
	FAKE_ENGINE(&F, E);
	NONE = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	RO = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(NONE, MAP_FAILED);
	ck_assert_ptr_ne(RO, MAP_FAILED);
}

static void teardown(void)
{
	engine_destroy(E);
	munmap(NONE, 4096);
	munmap(RO, 4096);
}

static void exercise(void)
{
	char src[10000], dst[10000];
	int i;

	for (i = 0; i < (int)sizeof(src); i++)
		src[i] = (char)i;
	memset(dst, 0, sizeof(dst));
	ck_assert_int_eq(uaccess_read(E, dst, src, sizeof(src)), 0);
	ck_assert_mem_eq(dst, src, sizeof(src));
	memset(dst, 0, sizeof(dst));
	ck_assert_int_eq(uaccess_write(E, dst, src, 16), 0);
	ck_assert_mem_eq(dst, src, 16);
	ck_assert_int_eq(uaccess_read(E, dst, NULL, 4), -EFAULT);
	ck_assert_int_eq(uaccess_write(E, NULL, src, 4), -EFAULT);
	ck_assert_int_eq(uaccess_read(E, dst, NONE, 4), -EFAULT);
	ck_assert_int_eq(uaccess_write(E, NONE, src, 4), -EFAULT);
	ck_assert_int_eq(uaccess_write(E, RO, src, 4), -EFAULT);
	ck_assert_int_eq(uaccess_read(E, dst, RO, 4), 0);
	/* straddling into an unmapped page */
	ck_assert_int_eq(uaccess_read(E, dst, NONE - 2, 4), -EFAULT);
	/* nothing to copy: never a fault */
	ck_assert_int_eq(uaccess_read(E, dst, NULL, 0), 0);
	ck_assert_int_eq(uaccess_write(E, NONE, src, 0), 0);
	errno = 1234;
	ck_assert_int_eq(uaccess_read(E, dst, NONE, 4), -EFAULT);
	ck_assert_int_eq(errno, 1234);
}

/* Does process_vm_readv on our own pid work here (not refused by
 * seccomp or the kernel)? */
static int vm_works(void)
{
	char a = 1, b = 0;
	struct iovec l = {&b, 1}, r = {&a, 1};

	return process_vm_readv(getpid(), &l, 1, &r, 1, 0) == 1 && b == 1;
}

START_TEST(vm)
{
	if (!vm_works()) {
		printf("test_uaccess: vm case skipped: process_vm_readv: %s\n",
		       strerror(errno));
		return;
	}
	ck_assert_int_eq(E->uaccess_vm, 0); /* not tried yet */
	exercise();
	ck_assert_int_eq(E->uaccess_vm, 1); /* no fallback on the way */
}
END_TEST

START_TEST(pipe_fallback)
{
	E->uaccess_vm = -1;
	exercise();
	ck_assert_int_eq(E->uaccess_vm, -1);
}
END_TEST

static Suite *uaccess_suite(void)
{
	Suite *s = suite_create("uaccess");
	TCase *tc = tcase_create("uaccess");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, vm);
	tcase_add_test(tc, pipe_fallback);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(uaccess_suite)
