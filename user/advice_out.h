/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/* The recommender's presentation: an advice (user/recommend.h) as text, JSON and one line. */
#ifndef AVC_ADVICE_OUT_H
#define AVC_ADVICE_OUT_H

#include <stdio.h>

#include "finding.h"
#include "json.h"
#include "recommend.h"

/* sealert-style If / Then / Do text: what to paste, what it opens (or breaks), how to check
 * it and undo it. The reasoning behind each fix's rank ("Why here") only in the long form.
 */
void advice_print_text(FILE *out, const struct finding *f, const struct advice *a);
/* The long form of advice_print_text from now on (recommend --long). */
void advice_text_long(bool on);
/* One JSON line: {"type":"advice","finding":{...},"summary":...,"fixes":[...]}. Each fix has
 * "commands" (bash lines) and "argv" ([{"argv":[...],"stdout":"FILE"?,"note":"..."?}]).
 */
void advice_write_json(struct json *j, const struct finding *f, const struct advice *a);
/* The compact form inside another object: key: {"summary":...,"fixes":[{"kind","confidence",
 * "then","commands","argv"}]}. Readers of findings skip it.
 */
void advice_write_compact(struct json *j, const char *key, const struct advice *a);
/* The first fix that is not a note, as one line a person can paste ("KIND: CMD && CMD"), or
 * the first note's text.
 */
void advice_top_fix_text(const struct advice *a, char *out, size_t sz);
/* One summary line for finding number index (hidden ones marked "!!"): the access, its
 * counts by verdict, destinations and processes; then its top fix (advice_top_fix_text).
 */
void advice_print_summary_line(FILE *out, int index, const struct finding *f, const char *top_fix);
/* The heading of a finding's If/Then/Do details: "=== 2/5: ..." and what it was seen with. */
void advice_print_header(FILE *out, int index, int total, const struct finding *f);
/* A finding JSON line (user/findings_io.h) with its advice as "recommendation". */
void finding_write_json_advice(struct json *j, const struct finding *f, const struct advice *a);
void verify_print_text(FILE *out, const struct finding *f, const struct verify_result *v);
void verify_write_json(struct json *j, const struct finding *f, const struct verify_result *v);
/* A fix's "commands" and "argv" members: the one writer of commands in JSON. */
void fix_commands_write_json(struct json *j, const struct fix *fx);

#endif
