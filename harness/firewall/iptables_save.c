/* iptables_save.c — iptables-save -c text as policy and rule counters, rules matched to their steps. */
#include "harness/firewall/iptables_save.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64
#define MAX_GROUPS 32
#define GROUP_LEN 160

static int by_text(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Appends value to group, its comma-separated items sorted. */
static void put_value(char *group, const char *value)
{
	char items[16][GROUP_LEN / 4], copy[GROUP_LEN];
	unsigned n = 0;
	size_t used = strlen(group);

	snprintf(copy, sizeof(copy), "%s", value);
	for (char *save, *it = strtok_r(copy, ",", &save); it && n < 16; it = strtok_r(NULL, ",", &save))
		snprintf(items[n++], sizeof(items[0]), "%s", it);
	qsort(items, n, sizeof(items[0]), by_text);
	for (unsigned i = 0; i < n && used < GROUP_LEN; i++)
		used += (size_t)snprintf(group + used, GROUP_LEN - used, "%s%s", i ? "," : " ", items[i]);
}

static bool is_option(const char *w)
{
	return w[0] == '-' && w[1] != '\0';
}

int ipt_key(char *const *words, unsigned n, char *key, size_t len)
{
	char groups[MAX_GROUPS][GROUP_LEN];
	const char *table = "filter", *chain = NULL;
	unsigned ng = 0;
	size_t used;

	for (unsigned i = 0; i < n; i++) {
		const char *w = words[i];

		if (!strcmp(w, "-w"))
			continue;
		if (!strcmp(w, "-t") && i + 1 < n) {
			table = words[++i];
			continue;
		}
		if (!strcmp(w, "-A") && i + 1 < n) {
			chain = words[++i];
			continue;
		}
		if (!strcmp(w, "-m") && i + 1 < n) {
			i++;   /* iptables-save adds the modules a command implied ("-p tcp -m tcp --dport") */
			continue;
		}
		if (!is_option(w) || ng == MAX_GROUPS)
			return -EINVAL;
		snprintf(groups[ng], GROUP_LEN, "%s", w);
		while (i + 1 < n && !is_option(words[i + 1]))
			put_value(groups[ng], words[++i]);
		ng++;
	}
	if (!chain)
		return -EINVAL;
	qsort(groups, ng, sizeof(groups[0]), by_text);
	used = (size_t)snprintf(key, len, "%s %s", table, chain);
	for (unsigned i = 0; i < ng && used < len; i++)
		used += (size_t)snprintf(key + used, len - used, "|%s", groups[i]);
	return used < len ? 0 : -ENOSPC;
}

/* Splits line (modified) into words; a double-quoted word keeps its spaces.  Returns how many. */
static unsigned split(char *line, char **words)
{
	unsigned n = 0;

	while (*line && n < MAX_WORDS) {
		while (*line == ' ')
			line++;
		if (!*line)
			break;
		words[n++] = line;
		if (*line == '"')
			line = strchr(line + 1, '"') ? strchr(line + 1, '"') + 1 : line + strlen(line);
		line += strcspn(line, " ");
		if (*line)
			*line++ = '\0';
	}
	return n;
}

static const struct step *claim(struct ipt_mine *mine, unsigned nmine, int family, const char *key)
{
	for (unsigned i = 0; i < nmine; i++)
		if (!mine[i].claimed && mine[i].family == family && !strcmp(mine[i].key, key)) {
			mine[i].claimed = true;
			return mine[i].step;
		}
	return NULL;
}

/* "[P:B] -A CHAIN ...": the rule, in out. */
static void read_rule(char *line, const char *table, int family, struct ipt_mine *mine, unsigned nmine,
		      struct fw_counters *out)
{
	char *words[MAX_WORDS + 2], key[IPT_KEY_LEN], *rest = strchr(line, ']');
	unsigned long long p, b;
	unsigned n;

	if (sscanf(line, "[%llu:%llu]", &p, &b) != 2 || !rest)
		return;
	words[0] = "-t";
	words[1] = (char *)table;
	n = split(rest + 1, words + 2) + 2;
	if (out->nrules < out->max)
		out->rules[out->nrules] = (struct fw_rule){
			ipt_key(words, n, key, sizeof(key)) ? NULL : claim(mine, nmine, family, key), family, p, b };
	out->nrules++;
}

bool ipt_save_read(const char *save, int family, struct ipt_mine *mine, unsigned nmine, struct fw_counters *out)
{
	char table[32] = "filter", line[1024];
	bool forward = false;

	while (*save) {
		size_t len = strcspn(save, "\n");
		char policy[16];
		unsigned long long p, b;

		snprintf(line, sizeof(line), "%.*s", (int)len, save);
		save += len + (save[len] == '\n');
		if (line[0] == '*')
			snprintf(table, sizeof(table), "%.31s", line + 1);
		else if (line[0] == '[')
			read_rule(line, table, family, mine, nmine, out);
		else if (sscanf(line, ":FORWARD %15s [%llu:%llu]", policy, &p, &b) == 3) {
			forward = true;
			out->policy_drop |= strcmp(policy, "DROP") == 0;
			out->policy_packets += p;
		}
	}
	return forward;
}

int ipt_line_key(const char *table, const char *line, char *key, size_t len)
{
	char copy[1024], *words[MAX_WORDS + 2];
	unsigned n;

	snprintf(copy, sizeof(copy), "%s", line);
	words[0] = "-t";
	words[1] = (char *)table;
	n = split(copy, words + 2) + 2;
	return ipt_key(words, n, key, len);
}
