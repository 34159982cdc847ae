/* SPDX-License-Identifier: MIT */
/*
 * ctor.c - checks that ctorlib's constructor, which ran hooked calls
 * before main, got the same answers as without the shim.
 */
#include "tp.h"

extern int tp_ctor_done, tp_ctor_mrt;

int main(void)
{
	if (tp_ctor_done != 1) {
		fprintf(stderr, "FAIL: constructor step at line %d\n",
			-tp_ctor_done);
		return 1;
	}
	printf("constructor ok, MRT_VERSION %#x\n", tp_ctor_mrt);
	/* as root the answer must be the API's version, shim or kernel */
	if (geteuid() == 0 && tp_ctor_mrt != 0x0305)
		return 1;
	return 0;
}
