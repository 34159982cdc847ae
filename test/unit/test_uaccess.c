/* SPDX-License-Identifier: MIT */
/*
 * test_uaccess.c - copies from and to caller pointers: good, NULL,
 * unmapped and read-only memory, through process_vm_* and through the
 * pipe fallback.
 */
#include <check.h>
#include <sys/mman.h>

#include "check_main.h"
#include "engine_priv.h"
#include "fake_host.h"
#include "uaccess.h"

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

START_TEST(vm)
{
	exercise();
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
