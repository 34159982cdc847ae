/* SPDX-License-Identifier: MIT */
/* static - a statically linked program mrtshim must refuse to run. */
#include <stdio.h>

int main(void)
{
	puts("static: ran");
	return 0;
}
