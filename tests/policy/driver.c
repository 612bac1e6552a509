// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/* `avcsnoop recommend` without the tracer: lets tests/policy run before (and independently
 * of) the subcommand table in user/main.c.
 */
#include "recommend.h"

int main(int argc, char **argv)
{
	return cmd_recommend(argc, argv);
}
