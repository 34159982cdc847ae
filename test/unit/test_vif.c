/* SPDX-License-Identifier: MIT */
/*
 * test_vif.c - vif_add / vif_delete on a table directly: stored fields,
 * VIFF_STATIC, register naming per table, maxvif, device-gone cleanup and
 * the per-device counts behind mc_forwarding; the host's interface list
 * (vif_allowed) and the log lines that say what happened.
 */
#include <check.h>
#include <stdio.h>

#include "check_main.h"
#include "fake_host.h"
#include "table.h"
#include "vif.h"

static struct fake_host F;
static struct mrt_engine *E;

static void setup(void)
{
	FAKE_ENGINE(&F, E);
}

static void teardown(void)
{
	engine_destroy(E);
}

static struct vifctl vc(int vifi, int flags, const char *addr, int idx)
{
	struct vifctl v;

	memset(&v, 0, sizeof(v));
	v.vifc_vifi = (vifi_t)vifi;
	v.vifc_flags = (unsigned char)flags;
	v.vifc_threshold = 7;
	v.vifc_rate_limit = 1000;
	if (addr)
		inet_aton(addr, &v.vifc_lcl_addr);
	else
		v.vifc_lcl_ifindex = idx;
	inet_aton("10.9.0.1", &v.vifc_rmt_addr);
	return v;
}

START_TEST(add_fields)
{
	struct mrt_table *t = table_get(E, AF_INET, 253);
	struct vifctl v = vc(1, 0, "10.2.0.1", 0);
	struct mrt_vif *x = &t->vifs[1];

	ck_assert_int_eq(vif_add(E, t, &v, true), 0);
	ck_assert(x->used);
	ck_assert_uint_eq(x->flags, 0);
	ck_assert_uint_eq(x->threshold, 7);
	ck_assert_uint_eq(x->rate_limit, 1000);
	ck_assert_int_eq(x->ifindex, 3);
	ck_assert_str_eq(x->ifname, "r1");
	ck_assert_uint_eq(x->local_raw, v.vifc_lcl_addr.s_addr);
	ck_assert_uint_eq(x->remote_raw, v.vifc_rmt_addr.s_addr);
	ck_assert_uint_eq(x->local_addr.s_addr, v.vifc_lcl_addr.s_addr);
	ck_assert_int_eq(t->maxvif, 2);
	v = vc(0, VIFF_USE_IFINDEX, NULL, 2);
	ck_assert_int_eq(vif_add(E, t, &v, false), 0);
	ck_assert_uint_eq(t->vifs[0].flags, VIFF_USE_IFINDEX | MRT_VIFF_STATIC);
	ck_assert_uint_eq(t->vifs[0].local_raw, 2);
	ck_assert_str_eq(inet_ntoa(t->vifs[0].local_addr), "10.1.0.1");
	ck_assert_int_eq(vif_find_by_ifindex(t, 2), 0);
	ck_assert_int_eq(vif_find_by_ifindex(t, 3), 1);
	ck_assert_int_eq(vif_find_by_ifindex(t, 1), -1);
	ck_assert_int_eq(vif_find_by_ifindex(t, 0), -1);
}
END_TEST

START_TEST(register_names)
{
	struct mrt_table *t = table_get(E, AF_INET, 253);
	struct mrt_table *t9 = table_get(E, AF_INET, 9);
	struct vifctl v = vc(4, VIFF_REGISTER, NULL, 0);

	ck_assert_int_eq(vif_add(E, t, &v, true), 0);
	ck_assert_int_eq(vif_add(E, t9, &v, true), 0);
	ck_assert_str_eq(t->vifs[4].ifname, "pimreg");
	ck_assert_str_eq(t9->vifs[4].ifname, "pimreg9");
	ck_assert_int_eq(t->vifs[4].ifindex, 0);
	ck_assert_int_eq(vif_count_dev(E, AF_INET, 0, "pimreg"), 1);
	ck_assert_int_eq(vif_count_dev(E, AF_INET, 0, "pimreg9"), 1);
	ck_assert_int_eq(vif_count_dev(E, AF_INET6, 0, "pimreg"), 0);
	ck_assert_int_eq(vif_delete(E, t, 4), 0);
	ck_assert_int_eq(t->reg_vif, -1);
	ck_assert_int_eq(t->maxvif, 0);
	ck_assert_int_eq(vif_delete(E, t, 4), -EADDRNOTAVAIL);
}
END_TEST

START_TEST(device_gone)
{
	struct mrt_table *t = table_get(E, AF_INET, 253);
	struct mrt_table *t2 = table_get(E, AF_INET, 5);
	struct vifctl a = vc(0, VIFF_USE_IFINDEX, NULL, 2);
	struct vifctl b = vc(1, VIFF_USE_IFINDEX, NULL, 3);
	struct vifctl c = vc(5, VIFF_USE_IFINDEX, NULL, 3);

	ck_assert_int_eq(vif_add(E, t, &a, true), 0);
	ck_assert_int_eq(vif_add(E, t, &b, true), 0);
	ck_assert_int_eq(vif_add(E, t, &c, true), 0);
	ck_assert_int_eq(vif_add(E, t2, &b, true), 0);
	ck_assert_int_eq(vif_count_dev(E, AF_INET, 3, NULL), 3);
	vif_device_gone(E, 3);
	ck_assert_int_eq(vif_count_dev(E, AF_INET, 3, NULL), 0);
	ck_assert_int_eq(t->maxvif, 1);
	ck_assert_int_eq(t2->maxvif, 0);
	ck_assert_int_eq(vif_count_dev(E, AF_INET, 2, NULL), 1);
}
END_TEST

/* a host netif table with holes gets the kernel's queries for them */
START_TEST(partial_netif)
{
	struct fake_host f;
	struct mrt_engine *e;
	struct mrt_table *t;
	struct vifctl v = vc(0, VIFF_USE_IFINDEX, NULL, 2);

	fake_host_init(&f);
	f.ops.exists = NULL;
	f.ops.primary_addr4 = NULL;
	ck_assert_int_eq(engine_create(&f.host, &e), 0);
	ck_assert_ptr_nonnull(engine_host(e)->netif->exists);
	ck_assert_ptr_eq(engine_host(e)->netif->has_ipv4, fk_has_v4);
	t = table_get(e, AF_INET, 253);
	ck_assert_int_eq(vif_add(e, t, &v, true), 0);
	engine_destroy(e);
}
END_TEST

/* The host's interface list (MRTSHIM_INTERFACES): only "r0" here; the
 * last info or warn line logged. */
static char last_info[512];

static int only_r0(void *ctx, int ifindex, const char *ifname)
{
	(void)ctx;
	return ifindex == 2 && !strcmp(ifname, "r0");
}

static void keep_info(void *ctx, int level, const char *func, const char *msg)
{
	(void)ctx;
	(void)func;
	if (level == MRT_LOG_INFO || level == MRT_LOG_WARN)
		snprintf(last_info, sizeof(last_info), "%s%s",
			 level == MRT_LOG_WARN ? "warn: " : "", msg);
}

START_TEST(allow_list)
{
	struct fake_host f;
	struct mrt_engine *e;
	struct mrt_table *t, *t6;
	struct vifctl v;
	struct mif6ctl m;

	fake_host_init(&f);
	f.host.vif_allowed = only_r0;
	f.host.log = keep_info;
	f.host.v6_control = 1;
	ck_assert_int_eq(engine_create(&f.host, &e), 0);
	t = table_get(e, AF_INET, 253);

	/* a device left out is a missing device: EADDRNOTAVAIL, by address
	 * and by ifindex, with the reason logged */
	v = vc(1, 0, "10.2.0.1", 0);
	ck_assert_int_eq(vif_add(e, t, &v, true), -EADDRNOTAVAIL);
	ck_assert_str_eq(last_info, "warn: vif 1 on r1 refused: r1 is not in "
				    "the allowed interfaces");
	ck_assert(!t->vifs[1].used);
	ck_assert_int_eq(t->maxvif, 0);
	v = vc(1, VIFF_USE_IFINDEX, NULL, 3);
	ck_assert_int_eq(vif_add(e, t, &v, true), -EADDRNOTAVAIL);
	/* the listed device works, and says so */
	v = vc(0, VIFF_USE_IFINDEX, NULL, 2);
	ck_assert_int_eq(vif_add(e, t, &v, true), 0);
	ck_assert_str_eq(last_info,
			 "vif 0 added on r0 (by ifindex, threshold 7)");
	/* the kernel's earlier checks come first: a used slot, bad flags */
	v = vc(0, 0, "10.2.0.1", 0);
	ck_assert_int_eq(vif_add(e, t, &v, true), -EADDRINUSE);
	v = vc(2, VIFF_SRCRT, "10.2.0.1", 0);
	ck_assert_int_eq(vif_add(e, t, &v, true), -EINVAL);
	/* register vifs are the shim's own devices: not listed, allowed */
	v = vc(3, VIFF_REGISTER, NULL, 0);
	ck_assert_int_eq(vif_add(e, t, &v, false), 0);
	ck_assert_str_eq(last_info, "vif 3 added on pimreg (register, static, "
				    "threshold 7)");
	ck_assert_int_eq(vif_delete(e, t, 3), 0);
	ck_assert_str_eq(last_info, "vif 3 removed (was on pimreg)");

	/* v6: mif6_add's missing-device errno too */
	t6 = table_get(e, AF_INET6, 254);
	memset(&m, 0, sizeof(m));
	m.mif6c_mifi = 4;
	m.mif6c_pifi = 3;
	ck_assert_int_eq(vif6_add(e, t6, &m, true), -EADDRNOTAVAIL);
	ck_assert_str_eq(last_info, "warn: mif 4 on r1 refused: r1 is not in "
				    "the allowed interfaces");
	m.mif6c_pifi = 2;
	ck_assert_int_eq(vif6_add(e, t6, &m, true), 0);
	engine_destroy(e);
}
END_TEST

static Suite *vif_suite(void)
{
	Suite *s = suite_create("vif");
	TCase *tc = tcase_create("vif");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, add_fields);
	tcase_add_test(tc, register_names);
	tcase_add_test(tc, device_gone);
	tcase_add_test(tc, partial_netif);
	tcase_add_test(tc, allow_list);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(vif_suite)
