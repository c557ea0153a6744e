/* iptables_run.c — iptables commands run in the sandbox, and what iptables-save says afterwards. */
#define _GNU_SOURCE
#include "harness/firewall/iptables_run.h"
#include "harness/sandbox/sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IPTABLES_TIMEOUT_MS 10000

static int run_one(struct world *w, unsigned ns, const struct step *st, struct ipt_cmd *cmd, char *err,
		   size_t errlen)
{
	struct sandbox_run run = { .nsfd = w->ns[ns].fd, .argv = cmd->argv, .timeout_ms = IPTABLES_TIMEOUT_MS };
	struct sandbox_result r;
	char msg[256], line[256];
	int ret = sandbox_exec(&run, &r, msg, sizeof(msg));

	if (ret) {
		snprintf(err, errlen, "%s:%u: %s: %s", st->loc.file, st->loc.line, st->text, msg);
		return ret;
	}
	world_log_output(w, st, r.output);
	if (r.status != 0) {
		snprintf(err, errlen, "%s:%u: %s: %s %s: %s", st->loc.file, st->loc.line, st->text, cmd->argv[0],
			 r.timed_out ? "did not finish in time" : r.signal ? "was killed" : "failed",
			 sandbox_last_line(r.output, line, sizeof(line)));
		ret = -ECANCELED;
	}
	sandbox_result_free(&r);
	return ret;
}

int iptables_apply(struct world *w, unsigned ns, const struct step *const *batch, unsigned n, char *err,
		   size_t errlen)
{
	struct ipt_cmd cmds[IPT_MAX_CMDS];

	for (unsigned i = 0; i < n; i++) {
		int ncmds = iptables_commands(batch[i], w->tools, cmds);

		for (int k = 0; k < ncmds; k++) {
			int ret = run_one(w, ns, batch[i], &cmds[k], err, errlen);

			if (ret)
				return ret;
			w->ns[ns].ipt_families |= cmds[k].argv[0] == NULL ? 0 : strstr(cmds[k].argv[0], "ip6") ? 2 : 1;
		}
	}
	return 0;
}

/* iptables-save's own comment lines carry the date: evidence without them compares across runs. */
static char *without_comments(const char *text)
{
	char *out = malloc(strlen(text) + 1), *w = out;

	while (out && *text) {
		size_t n = strcspn(text, "\n") + (text[strcspn(text, "\n")] == '\n');

		if (text[0] != '#') {
			memcpy(w, text, n);
			w += n;
		}
		text += n;
	}
	if (out)
		*w = '\0';
	return out;
}

static char *save_one(struct world *w, unsigned ns, const char *tool)
{
	char path[300], msg[256];
	char *const argv[] = { path, "-c", NULL };
	struct sandbox_run run = { .nsfd = w->ns[ns].fd, .argv = argv, .timeout_ms = IPTABLES_TIMEOUT_MS };
	struct sandbox_result r;
	char *out = NULL;

	snprintf(path, sizeof(path), "%s-save", tool);
	if (sandbox_exec(&run, &r, msg, sizeof(msg)))
		return NULL;
	if (r.status == 0)
		out = without_comments(r.output);
	sandbox_result_free(&r);
	return out;
}

char *iptables_save(struct world *w, unsigned ns)
{
	char *v4 = w->ns[ns].ipt_families & 1 ? save_one(w, ns, w->tools->v4) : NULL;
	char *v6 = w->ns[ns].ipt_families & 2 ? save_one(w, ns, w->tools->v6) : NULL;
	char *all = NULL;

	if (asprintf(&all, "%s%s", v4 ? v4 : "", v6 ? v6 : "") < 0)
		all = NULL;
	free(v4);
	free(v6);
	return all;
}

bool iptables_forward_policy(const char *save, bool *drop, uint64_t *packets)
{
	const char *at = save;
	bool found = false;

	*drop = false;
	*packets = 0;
	while (at && (at = strstr(at, ":FORWARD "))) {
		char policy[16];
		unsigned long long p, b;

		if ((at == save || at[-1] == '\n') &&
		    sscanf(at, ":FORWARD %15s [%llu:%llu]", policy, &p, &b) == 3) {
			found = true;
			*drop |= strcmp(policy, "DROP") == 0;
			*packets += p;
		}
		at += 9;
	}
	return found;
}
