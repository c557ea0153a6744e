/* parse.h — the scenario parser's insides, shared by its files; nothing outside the parser includes it.
 *
 * Its files, each using only those below it: parse.c reads lines and dispatches statements (its own, and the
 * kinds' rows of kinds.h); parse_world.c, parse_links.c, parse_exec.c and parse_expect.c hold one function
 * per statement;
 * parse_args.c turns a statement's words into typed values (namespaces, interfaces, addresses, options),
 * reporting what is wrong with each; parse_core.c reports errors and appends steps and expectations.  A
 * statement function returns 0, or -1 once it has reported its error (then nothing of the statement is kept,
 * except names it already declared). */
#ifndef NSH_PARSE_H
#define NSH_PARSE_H

#include "harness/scenario/lexer.h"
#include "harness/scenario/model.h"
#include "harness/scenario/suggest.h"

#include <stdbool.h>
#include <stdint.h>

#define HINT_LEN (SUGGEST_MAX_LEN + 24)

/* An interface a veth statement declared; lo is implicit in every namespace and never stored. */
struct iface {
	unsigned ns;
	char name[IFNAMSIZ];
	unsigned line, col;
};

struct parser {
	struct scenario *s;
	const char *file;         /* for messages */
	FILE *err;                /* may be NULL: errors are then only counted */
	unsigned nerrors;
	bool stop;                /* too many errors, or out of memory: read no further */
	unsigned nstmts;          /* statements read so far ('scenario' must be the first) */
	bool first_reported;      /* an error about the first statement was reported */
	struct loc scenario_at, about_at;   /* line 0: not seen yet */
	int stage;                /* the current stage, -1 before the first */
	bool stage_expects;       /* the current stage has an 'expect' line (even a wrong one) */
	unsigned cap_steps, cap_expects;
	struct iface *ifaces;     /* declared interfaces, in order */
	unsigned nifaces, cap_ifaces;
	uint32_t *slots;          /* hash index into ifaces: 0 empty, else index + 1 */
};

/* One statement being read: its words and a cursor over them. */
struct stmt {
	struct parser *p;
	const struct lex_line *l;
	unsigned i, end;          /* the next word; words from end on (a trailing "fails") are not arguments */
	const char *name, *usage; /* "expect ping", "NS ADDR": how arity errors describe the statement */
	const char *const *extra; /* words that would also be valid after the arguments, for hints */
	unsigned seen;            /* option words met so far, by index bit */
};

/* An option word of a statement ("via ADDR"). */
struct optdef {
	const char *word;
	const char *arg;          /* the argument's name for messages, NULL when the word takes none */
	unsigned group;           /* options sharing a nonzero group exclude each other */
	bool repeat;              /* may be given more than once */
};

#define OPT(w, a) { .word = (w), .arg = (a) }
#define OPT_ONE_OF(w, a, g) { .word = (w), .arg = (a), .group = (g) }
#define OPT_REPEAT(w, a) { .word = (w), .arg = (a), .repeat = true }
#define OPT_END { .word = NULL }

/* parse_core.c */
__attribute__((format(printf, 4, 5)))
void perr(struct parser *p, unsigned line, unsigned col, const char *fmt, ...);
__attribute__((format(printf, 3, 4)))
int serr(struct stmt *st, unsigned col, const char *fmt, ...);       /* at st's line; returns -1 */
__attribute__((format(printf, 3, 4)))
int uerr(struct stmt *st, unsigned col, const char *fmt, ...);       /* prefixed "'NAME' takes USAGE: " */
int oom(struct parser *p);                                           /* reports, stops; returns -1 */
const char *hint(const struct suggest *sg, char buf[HINT_LEN]);      /* "; did you mean 'X'?" or "" */
int add_step(struct stmt *st, struct step *step, unsigned word);      /* at that word, for up/down */
int add_whole_step(struct stmt *st, struct step *step);              /* at the keyword */
int add_expect(struct stmt *st, struct expect *e);
struct loc stmt_loc(const struct stmt *st, unsigned word);           /* where word of st stands */

/* parse_args.c: each returns 0, or -1 after reporting; the cursor moves past what it read. */
const struct token *want(struct stmt *st, const char *what);         /* the next word, or "missing WHAT" */
int want_word(struct stmt *st, const char *what, const char *const *words);   /* returns its index */
int done(struct stmt *st);                                           /* no words left */
int next_opt(struct stmt *st, const struct optdef *defs, const struct token **arg);  /* index, -1 end, -2 error */
unsigned end_col(const struct stmt *st);
int check_name(struct stmt *st, const struct token *t, const char *what);
int ns_find(const struct scenario *s, const char *name, size_t len);
int want_ns(struct stmt *st, unsigned *ns);
int want_link(struct stmt *st, struct ifref *r);                     /* a declared NS/IF */
int want_new_link(struct stmt *st, struct ifref *r);                 /* an undeclared NS/IF, declared now */
int dev_arg(struct stmt *st, unsigned ns, const struct token *t, char dev[IFNAMSIZ]);
int addr_arg(struct stmt *st, const struct token *t, struct addr *a);
int want_addr(struct stmt *st, const char *what, struct addr *a);
int prefix_arg(struct stmt *st, const struct token *t, struct prefix *pf);
int port_arg(struct stmt *st, const struct token *t, uint16_t *port);
int port_range_arg(struct stmt *st, const struct token *t, struct port_range *r);
int addr_port_arg(struct stmt *st, const struct token *t, struct addr *a, uint16_t *port, bool need_port);
int family_pair(struct stmt *st, const struct token *a, int fa, const struct token *b, int fb);
int ifaces_init(struct parser *p);
void ifaces_free(struct parser *p);
/* Declares the namespaces named by words [from, st->end); *mask gets a bit per one declared (may be NULL). */
int declare_namespaces(struct stmt *st, unsigned from, uint64_t *mask);

/* parse_links.c (rows of step_kinds[] in parse_world.c): the link kinds' statements, master, mtu, requires */
int st_link(struct stmt *st);
int st_master(struct stmt *st);
int st_mtu(struct stmt *st);
int st_requires(struct stmt *st);

/* parse_exec.c (rows of step_kinds[] in parse_world.c), parse_expect.c */
int st_exec(struct stmt *st);
int st_script(struct stmt *st);
int st_service(struct stmt *st);
void step_free_args(struct step *step);                               /* exec's and service's argv, script's path and args */
int st_expect(struct stmt *st);

/* parse_route.c: route and rule (rows in step_kinds[]), expect spread (its row in expect_kinds[]); table N
 * (or "main") and a route type among allowed (words of "unicast", "blackhole", "unreachable", "prohibit",
 * "throw"), as RTN_*, for expect route too. */
int st_route(struct stmt *st);
int st_rule(struct stmt *st);
int ex_spread(struct stmt *st, struct expect *e);
/* A number from min to max, decimal or 0x hexadecimal; "bad WHAT 'x': expected a number from MIN to MAX". */
int number_arg(struct stmt *st, const struct token *t, const char *what, uint32_t min, uint32_t max, uint32_t *out);
int table_arg(struct stmt *st, const struct token *t, uint32_t *table);
int route_type_arg(struct stmt *st, const struct token *t, const char *const *allowed, uint8_t *type);
/* An MTU (68 to 65535), for route and expect route; route_mtu_family: at least 1280 for IPv6. */
int mtu_arg(struct stmt *st, const struct token *t, uint32_t *mtu);
int route_mtu_family(struct stmt *st, const struct token *t, int family, uint32_t mtu);

/* parse_nexthop.c: the nexthop statement (its row in step_kinds[]); the nexthop of id in ns declared so far
 * (NULL if none); a route's `nhid ID` at t: declared before it in ns, *family its gateway's family. */
int st_nexthop(struct stmt *st);
const struct step *nexthop_declared(const struct scenario *s, unsigned ns, uint32_t id);
int nhid_arg(struct stmt *st, unsigned ns, const struct token *t, uint32_t *id, int *family);

/* parse_wireguard.c: the wireguard statement (its row in step_kinds[]). */
int st_wireguard(struct stmt *st);

#endif
