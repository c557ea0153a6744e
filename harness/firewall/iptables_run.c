/* iptables_run.c — the iptables-nft and iptables-legacy backends: iptables commands run sandboxed in the
 * namespace, and what iptables-save -c says afterwards. */
#define _GNU_SOURCE
#include "harness/firewall/firewall.h"
#include "harness/firewall/firewall_step.h"
#include "harness/firewall/iptables_save.h"
#include "harness/sandbox/sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>


/* One namespace under an iptables backend. */
struct ipt_state {
	struct fw_host host;
	const struct iptables_tools *tools;
	unsigned families;        /* bit 0: IPv4 rules were installed, bit 1: IPv6 */
	struct ipt_mine *mine;    /* the rules nsharness appended, in order; owned */
	unsigned nmine, cap;
};

static void *ipt_open(const struct fw_host *host, const struct iptables_tools *tools, char *err, size_t errlen)
{
	struct ipt_state *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->host = *host;
	s->tools = tools;
	return s;
}

static int run_one(struct ipt_state *s, const struct step *st, struct ipt_cmd *cmd, char *err, size_t errlen)
{
	struct sandbox_run run = { .nsfd = s->host.nsfd, .argv = cmd->argv, .timeout_ms = s->host.program_ms };
	struct sandbox_result r;
	char msg[256], line[256];
	int ret = sandbox_exec(&run, &r, msg, sizeof(msg));

	if (ret) {
		snprintf(err, errlen, "%s:%u: %s: %s", st->loc.file, st->loc.line, st->text, msg);
		return ret;
	}
	s->host.log(s->host.sink, st, r.output);
	if (r.status == PROGRAM_NOT_FOUND) {
		snprintf(err, errlen, "%s:%u: %s: %s is not installed: %s", st->loc.file, st->loc.line, st->text,
			 cmd->argv[0], sandbox_last_line(r.output, line, sizeof(line)));
		ret = -ENOPKG;
	} else if (r.status != 0) {
		snprintf(err, errlen, "%s:%u: %s: %s %s: %s", st->loc.file, st->loc.line, st->text, cmd->argv[0],
			 r.timed_out ? "did not finish in time" : r.signal ? "was killed" : "failed",
			 sandbox_last_line(r.output, line, sizeof(line)));
		ret = -ECANCELED;
	}
	sandbox_result_free(&r);
	return ret;
}

/* Remembers a rule the command appended (a policy appends none), to know its counter later. */
static void remember(struct ipt_state *s, const struct step *st, int family, const struct ipt_cmd *cmd)
{
	unsigned argc = 0;
	struct ipt_mine *m;

	while (cmd->argv[argc])
		argc++;
	if (s->nmine == s->cap) {
		struct ipt_mine *grown = realloc(s->mine, (s->cap * 2 + 8) * sizeof(*grown));

		if (!grown)
			return;   /* its counter will read as someone else's rule */
		s->mine = grown;
		s->cap = s->cap * 2 + 8;
	}
	m = &s->mine[s->nmine];
	*m = (struct ipt_mine){ .step = st, .family = family };
	if (argc && ipt_key(cmd->argv + 1, argc - 1, m->key, sizeof(m->key)) == 0)
		s->nmine++;
}

static int ipt_apply(void *state, const struct step *const *batch, unsigned n, char *err, size_t errlen)
{
	struct ipt_state *s = state;
	struct ipt_cmd cmds[IPT_MAX_CMDS];

	for (unsigned i = 0; i < n; i++) {
		int ncmds = iptables_commands(batch[i], s->tools, cmds), family = firewall_step_family(batch[i]);

		for (int k = 0; k < ncmds; k++) {
			/* a step for both families is one command per family, IPv4 first (iptables_commands) */
			int f = family ? family : k == 0 ? AF_INET : AF_INET6;
			int ret = run_one(s, batch[i], &cmds[k], err, errlen);

			if (ret)
				return ret;
			s->families |= f == AF_INET6 ? 2 : 1;
			remember(s, batch[i], f, &cmds[k]);
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

/* `TOOL-save -c` in the namespace, without its comments; NULL when it cannot run or fails. */
static char *save_one(const struct ipt_state *s, const char *tool)
{
	char path[300], msg[256];
	char *const argv[] = { path, "-c", NULL };
	struct sandbox_run run = { .nsfd = s->host.nsfd, .argv = argv, .timeout_ms = s->host.program_ms };
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

/* Every family nsharness installed rules in: its iptables-save -c, read into out. */
static int ipt_counters(void *state, struct fw_counters *out, char *err, size_t errlen)
{
	struct ipt_state *s = state;
	bool read = false;

	for (unsigned i = 0; i < s->nmine; i++)
		s->mine[i].claimed = false;
	for (unsigned bit = 1; bit <= 2; bit <<= 1) {
		char *save = s->families & bit ? save_one(s, bit == 1 ? s->tools->v4 : s->tools->v6) : NULL;

		if (save)
			ipt_save_read(save, bit == 1 ? AF_INET : AF_INET6, s->mine, s->nmine, out);
		read |= save != NULL;
		free(save);
	}
	if (!read)
		snprintf(err, errlen, "%s-save -c could not be read", s->tools->v4);
	return read ? 0 : -EIO;
}

/* Both families' iptables-save -c, headed as evidence; NULL when nsharness installed nothing. */
static char *ipt_describe(void *state)
{
	struct ipt_state *s = state;
	char *v4, *v6, *all = NULL;

	if (!s->families)
		return NULL;
	v4 = s->families & 1 ? save_one(s, s->tools->v4) : NULL;
	v6 = s->families & 2 ? save_one(s, s->tools->v6) : NULL;
	if (asprintf(&all, "iptables-save -c:\n%s%s", v4 ? v4 : "", v6 ? v6 : "") < 0)
		all = NULL;
	free(v4);
	free(v6);
	return all;
}

static const struct step *ipt_step(void *state, const struct fw_rule_ref *ref)
{
	struct ipt_state *s = state;
	int family = ref->family ? ref->family : AF_INET;
	char key[IPT_KEY_LEN];

	if (!ref->saved_line || ipt_line_key(ref->table, ref->saved_line, key, sizeof(key)))
		return NULL;
	for (unsigned i = 0; i < s->nmine; i++)
		if (s->mine[i].family == family && !strcmp(s->mine[i].key, key))
			return s->mine[i].step;
	return NULL;
}

static void ipt_release(void *state)
{
	struct ipt_state *s = state;

	if (s)
		free(s->mine);
	free(s);
}

const struct firewall_ops firewall_iptables_nft = {
	.name = "iptables-nft",
	.open = ipt_open,
	.apply = ipt_apply,
	.counters = ipt_counters,
	.describe = ipt_describe,
	.step_of = ipt_step,
	.release = ipt_release,
};

const struct firewall_ops firewall_iptables_legacy = {
	.name = "iptables-legacy",
	.open = ipt_open,
	.apply = ipt_apply,
	.counters = ipt_counters,
	.describe = ipt_describe,
	.step_of = ipt_step,
	.release = ipt_release,
};
