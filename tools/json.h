/* SPDX-License-Identifier: MIT */
/*
 * json.h - a tiny streaming JSON writer for the tools' --json output:
 * objects and arrays opened and closed in order, members written as they
 * come, commas placed for the caller. No buffering, no checks beyond the
 * nesting depth; strings are escaped (", \ and control characters).
 */
#ifndef MRTSHIM_TOOLS_JSON_H
#define MRTSHIM_TOOLS_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAXDEPTH 16 /* deeper nesting is written, not tracked */

struct json {
	FILE *f;
	int depth;
	bool first[JSON_MAXDEPTH]; /* no element yet at this depth */
};

/* Start writing one JSON value to f. */
void json_init(struct json *j, FILE *f);

/*
 * Every call below writes one element of the object or array that is
 * open: key is its member name inside an object, NULL inside an array
 * (or for the top-level value). Keys are written as given (no escaping).
 */
void json_object(struct json *j, const char *key); /* { */
void json_object_end(struct json *j);		   /* } */
void json_array(struct json *j, const char *key);  /* [ */
void json_array_end(struct json *j);		   /* ] */
void json_str(struct json *j, const char *key, const char *v);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_int(struct json *j, const char *key, long long v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* v with decimals digits after the point ("%.*f") */
void json_real(struct json *j, const char *key, double v, int decimals);

#endif
