// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* Pure string helpers on SELinux names (user/context.h), moved out of policy.c unchanged. */
#include <errno.h>
#include <string.h>

#include "context.h"

int context_type(const char *context, char *out, size_t outsz)
{
	const char *t, *end;

	t = strchr(context, ':');
	if (!t || !(t = strchr(t + 1, ':')))
		return -EINVAL;
	t++;
	end = strchr(t, ':');
	if (!end)
		end = t + strlen(t);
	if (end == t || (size_t)(end - t) >= outsz)
		return -EINVAL;
	memcpy(out, t, (size_t)(end - t));
	out[end - t] = '\0';
	return 0;
}

const char *proto_name(enum policy_proto proto)
{
	switch (proto) {
	case PROTO_TCP:
		return "tcp";
	case PROTO_UDP:
		return "udp";
	case PROTO_SCTP:
		return "sctp";
	case PROTO_DCCP:
		return "dccp";
	}
	return "?";
}

int policy_proto_of_class(const char *tclass, enum policy_proto *out)
{
	enum policy_proto proto;
	size_t n;

	for (proto = PROTO_TCP; proto <= PROTO_DCCP; proto++) {
		n = strlen(proto_name(proto));
		if (!strncmp(tclass, proto_name(proto), n) && !strcmp(tclass + n, "_socket")) {
			*out = proto;
			return 0;
		}
	}
	return -ENOENT;
}
