/* SPDX-License-Identifier: MIT */
/* consumer - built against the installed libmrtshim (pkg-config, CMake). */
#include <stdio.h>
#include <mrtshim/mrtshim.h>

int main(void)
{
	printf("libmrtshim %d.%d.%d\n", MRTSHIM_VERSION_MAJOR,
	       MRTSHIM_VERSION_MINOR, MRTSHIM_VERSION_PATCH);
	return 0;
}
