/* SPDX-License-Identifier: MIT */
/*
 * fastpath_obj.c - the BPF object clang built from fastpath.bpf.c,
 * embedded as bytes (mrtshim_fp_obj .. mrtshim_fp_obj_end) for
 * fastpath.c's loader. FP_OBJ_PATH is set by engine/CMakeLists.txt.
 */
#define FP_STR2(x) #x
#define FP_STR(x) FP_STR2(x)

/* clang-format off */
__asm__(".section .rodata\n"
	".balign 8\n"
	".globl mrtshim_fp_obj\n"
	".hidden mrtshim_fp_obj\n"
	"mrtshim_fp_obj:\n"
	".incbin \"" FP_STR(FP_OBJ_PATH) "\"\n"
	".globl mrtshim_fp_obj_end\n"
	".hidden mrtshim_fp_obj_end\n"
	"mrtshim_fp_obj_end:\n"
	".previous\n");
/* clang-format on */
