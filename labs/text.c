/*
 * text.c: tcplab-text, the lab runner's helper for text that must fit the
 * terminal.
 *
 *   tcplab-text cols | rows           the terminal's size
 *   tcplab-text wrap [--first S] [--hang S]   paragraphs, wrapped
 *   tcplab-text fold [--prefix S]     tcpdump lines, folded at fields
 *   tcplab-text unfold                folded lines joined back
 *   tcplab-text width [--over N]      display widths of lines
 *   tcplab-text show                  a program's output, refitted
 *   tcplab-text beside --who NAME [--brief]   the comparison view
 *   tcplab-text grade [--csv] FILE... a class's records, graded (grade.c)
 *
 * Every command reads stdin and writes stdout; the width is -w N, else
 * TCPLAB_COLS, else the terminal's (see cols). The wrapping itself is
 * common/wrap.c; this file only reads, splits into paragraphs and prints.
 * It never changes the terminal and never writes a file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/io/i18n.h"
#include "common/io/term.h"
#include "common/wrap.h"
#include "labs/grade.h"
#include "labs/text.h"

static const char *prog = "tcplab-text";

void text_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vwarn(prog, fmt, ap);
	va_end(ap);
}

void text_die(const char *what)
{
	text_warn("%s", what);
	exit(2);
}

void *text_alloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		text_die(_("out of memory"));
	return p;
}

char *text_read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = text_alloc(cap);

	for (;;) {
		size_t got;

		if (n + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				text_die(_("out of memory"));
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	if (ferror(f))
		text_die(_("cannot read the standard input"));
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The size that TIOCGWINSZ reports for the controlling terminal, else for
 * stdout or stderr; 0 when none is a terminal. */
static struct winsize tty_size(void)
{
	struct winsize ws = {0};
	int fds[3] = {-1, STDOUT_FILENO, STDERR_FILENO};

	fds[0] = open("/dev/tty", O_RDONLY | O_NOCTTY | O_CLOEXEC);
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0 && ioctl(fds[i], TIOCGWINSZ, &ws) == 0 &&
		    ws.ws_col > 0)
			break;
	if (fds[0] >= 0)
		close(fds[0]);
	return ws;
}

unsigned text_cols(void)
{
	const char *forced = getenv("TCPLAB_COLS");
	unsigned c;

	if (forced != NULL && *forced >= '0' && *forced <= '9')
		return (unsigned)strtoul(forced, NULL, 10);
	c = tty_size().ws_col;
	return c ? c : term_cols(STDOUT_FILENO);
}

static unsigned text_rows(void)
{
	const char *env = getenv("LINES");
	unsigned r = tty_size().ws_row;

	if (r == 0 && env != NULL && *env >= '1' && *env <= '9')
		r = (unsigned)strtoul(env, NULL, 10);
	return r ? r : 24;
}

void text_write(const char *s, size_t n)
{
	if (n > 0 && fwrite(s, 1, n, stdout) != n)
		text_die(_("cannot write the standard output"));
}

void text_put_para(const char *text, size_t len, const char *first,
                   const char *hang, unsigned cols)
{
	size_t cap = (len + 1) * (strlen(first) + strlen(hang) + 3) + 64;
	char *out = text_alloc(cap);
	int n = wrap_para(text, len, first, hang, cols, out, cap);

	if (n < 0)
		text_die(_("a paragraph did not fit its buffer"));
	text_write(out, (size_t)n);
	free(out);
}

void text_put_folded(const char *first, const char *prefix, const char *line,
                     size_t len, unsigned cols)
{
	size_t pcols = wrap_cols(prefix, strlen(prefix));
	size_t cap = len * (WRAP_FOLD_INDENT + 3) + 64;
	char *out = text_alloc(cap);
	unsigned width = cols == 0 ? 0 : cols > pcols + 20 ? cols - pcols : 20;
	int n = wrap_fold(line, len, width, out, cap);

	if (n < 0)
		text_die(_("a line did not fit its buffer"));
	for (char *p = out; p < out + n;) {
		char *nl = memchr(p, '\n', (size_t)(out + n - p));

		fputs(p == out ? first : prefix, stdout);
		text_write(p, (size_t)(nl - p) + 1);
		p = nl + 1;
	}
	free(out);
}

unsigned text_width_arg(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || *s == '\0' || v > 100000)
		text_die(_("-w needs a number of columns (0: no wrapping)"));
	return (unsigned)v;
}

static int cmd_size(int argc, char **argv, bool rows)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		fputs(rows ? _("usage: tcplab-text rows\n"
		               "The terminal's height: /dev/tty, stdout, "
		               "LINES, else 24.\n")
		           : _("usage: tcplab-text cols\n"
		               "The terminal's width: TCPLAB_COLS when set "
		               "(0: no wrapping), else\n/dev/tty, stdout, "
		               "stderr, COLUMNS (a number of at least 20), "
		               "else 80.\n"),
		      stdout);
		return 0;
	}
	if (argc > 1)
		text_die(_("cols and rows take no arguments (see --help)"));
	printf("%u\n", rows ? text_rows() : text_cols());
	return 0;
}

/* The paragraph that `wrap` is collecting. */
struct para {
	char *text; /* the lines joined, without the first's indent */
	size_t len, cap;
	size_t indent; /* the first line's leading spaces */
	size_t hang;   /* the other lines' indent, in columns */
	bool open;
};

/* Whether the character that ends text[0..len) is wide. */
static bool ends_wide(const char *text, size_t len)
{
	size_t i = len;
	unsigned c;

	while (i > 0 && ((unsigned char)text[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return false;
	wrap_next(text + i - 1, len - i + 1, &c);
	return c == 2;
}

/* Adds a line to the paragraph: after a space, or directly when both
 * sides of the join are wide (Chinese lines join without one). */
static void para_add(struct para *p, const char *s, size_t n)
{
	unsigned c = 0;

	if (p->len + n + 2 > p->cap) {
		p->cap = (p->len + n + 2) * 2;
		p->text = realloc(p->text, p->cap);
		if (p->text == NULL)
			text_die(_("out of memory"));
	}
	wrap_next(s, n, &c);
	if (p->len > 0 && !(c == 2 && ends_wide(p->text, p->len)))
		p->text[p->len++] = ' ';
	memcpy(p->text + p->len, s, n);
	p->len += n;
	p->open = true;
}

static char *spaces(size_t n)
{
	char *s = text_alloc(n + 1);

	memset(s, ' ', n);
	s[n] = '\0';
	return s;
}

static void para_flush(struct para *p, const char *first, const char *hang,
                       unsigned cols)
{
	char *f, *h;

	if (!p->open)
		return;
	f = first ? NULL : spaces(p->indent);
	h = hang ? NULL : spaces(p->hang);
	text_put_para(p->text, p->len, first ? first : f, hang ? hang : h,
	              cols);
	free(f);
	free(h);
	p->open = false;
	p->len = 0;
}

/*
 * Whether line[0..n) (not blank) continues the open paragraph. A line
 * that starts with a space or "-" starts a new one, unless it is indented
 * exactly as the paragraph's hanging indent and is no list item or table
 * row itself; any other line continues a paragraph without indent.
 */
static bool para_continues(const struct para *p, const char *line, size_t n)
{
	size_t indent = 0;

	if (!p->open)
		return false;
	while (indent < n && line[indent] == ' ')
		indent++;
	if (line[0] != ' ' && line[0] != '-')
		return p->hang == 0;
	return indent > 0 && indent == p->hang && wrap_hang(line, n) == indent;
}

static void wrap_lines(char *in, size_t len, const char *first,
                       const char *hang, unsigned cols, bool each)
{
	struct para p = {0};
	char *line = in;

	while (line < in + len) {
		char *nl = memchr(line, '\n', (size_t)(in + len - line));
		char *next = nl ? nl + 1 : in + len;
		size_t n = (size_t)((nl ? nl : in + len) - line);
		size_t indent = 0;

		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\r' ||
		                 line[n - 1] == '\t'))
			n--;
		while (indent < n && line[indent] == ' ')
			indent++;
		if (indent == n) {
			para_flush(&p, first, hang, cols);
			text_write("\n", 1);
		} else if (!each && para_continues(&p, line, n)) {
			para_add(&p, line + indent, n - indent);
		} else {
			para_flush(&p, first, hang, cols);
			p.indent = indent;
			p.hang = wrap_hang(line, n);
			para_add(&p, line + indent, n - indent);
		}
		line = next;
	}
	para_flush(&p, first, hang, cols);
	free(p.text);
}

static const char wrap_help[] = N_(
        "usage: tcplab-text wrap [--first S] [--hang S] [--lines] [-w COLS]\n"
        "Wraps the paragraphs on stdin to the terminal's width. Blank lines\n"
        "are kept. A line that starts with a space or \"-\" starts a new\n"
        "paragraph; the lines after it that are indented past its list\n"
        "mark (\"- \", \"1. \") or to its table column continue it, and so\n"
        "are its wrapped lines. --first and --hang replace the indents:\n"
        "S starts the first line, or each other line, of every paragraph\n"
        "(--hang defaults to as many spaces as --first is wide). With\n"
        "--lines, every line is a paragraph of its own.\n");

static int cmd_wrap(int argc, char **argv)
{
	static const struct option opts[] = {
	        {"first", required_argument, NULL, 'f'},
	        {"hang", required_argument, NULL, 'g'},
	        {"lines", no_argument, NULL, 'l'},
	        {"width", required_argument, NULL, 'w'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	const char *first = NULL, *hang = NULL;
	unsigned cols = text_cols();
	bool each = false;
	size_t len;
	char *in;
	int c;

	while ((c = getopt_long(argc, argv, "w:", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			first = optarg;
			break;
		case 'g':
			hang = optarg;
			break;
		case 'l':
			each = true;
			break;
		case 'w':
			cols = text_width_arg(optarg);
			break;
		case 'h':
			fputs(_(wrap_help), stdout);
			return 0;
		default:
			return 2;
		}
	}
	in = text_read_all(stdin, &len);
	if (first != NULL && hang == NULL) {
		/* The other lines align with the text after the first's. */
		char *h = spaces(wrap_cols(first, strlen(first)));

		wrap_lines(in, len, first, h, cols, each);
		free(h);
	} else {
		/* --hang alone: no text before the first line. */
		if (hang != NULL && first == NULL)
			first = "";
		wrap_lines(in, len, first, hang, cols, each);
	}
	free(in);
	return 0;
}

/* Parses -w, --help and, when extra is 'p' (--prefix) or 'o' (--over),
 * that option into *value. */
static void simple_opts(int argc, char **argv, const char *help, unsigned *cols,
                        int extra, const char **value)
{
	static const struct option opts[] = {
	        {"width", required_argument, NULL, 'w'},
	        {"prefix", required_argument, NULL, 'p'},
	        {"over", required_argument, NULL, 'o'},
	        {"help", no_argument, NULL, 'h'},
	        {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "w:", opts, NULL)) != -1) {
		if (c == 'w') {
			*cols = text_width_arg(optarg);
		} else if (c != '?' && c != 'h' && c == extra) {
			*value = optarg;
		} else if (c == 'h') {
			fputs(_(help), stdout);
			exit(0);
		} else {
			if (c != '?')
				/* TRANSLATORS: "fold takes no --over": a
				   command, and an option it does not have. */
				text_warn(_("%s takes no %s"), argv[0],
				          argv[optind - 1]);
			exit(2);
		}
	}
	if (optind < argc)
		text_die(_("unexpected argument (the text comes on stdin)"));
}

/* Unfolds the whole input, in place. */
static char *read_unfolded(size_t *len)
{
	char *in = text_read_all(stdin, len);
	int n = wrap_unfold(in, *len, in, *len + 1);

	if (n < 0)
		text_die(_("cannot unfold the input"));
	*len = (size_t)n;
	return in;
}

/* Calls fn for each line of text[0..len), without its newline. */
static void each_line(char *text, size_t len,
                      void (*fn)(const char *line, size_t n, void *arg),
                      void *arg)
{
	char *line = text;

	while (line < text + len) {
		char *nl = memchr(line, '\n', (size_t)(text + len - line));
		size_t n = (size_t)((nl ? nl : text + len) - line);

		fn(line, n, arg);
		line += n + 1;
	}
}

struct fold_arg {
	const char *prefix;
	unsigned cols;
};

static void fold_one(const char *line, size_t n, void *arg)
{
	const struct fold_arg *a = arg;

	text_put_folded(a->prefix, a->prefix, line, n, a->cols);
}

static const char fold_help[] =
        N_("usage: tcplab-text fold [--prefix S] [-w COLS]\n"
           "Folds each line of tcpdump output on stdin at its field "
           "boundaries\n"
           "(after \", \", else at a space) to the terminal's width; each\n"
           "continuation line starts with 8 spaces, which unfold joins back.\n"
           "Lines folded before are unfolded first. --prefix S starts every\n"
           "line written, and the lines fold that much narrower.\n");

static int cmd_fold(int argc, char **argv)
{
	struct fold_arg a = {"", text_cols()};
	size_t len;
	char *in;

	simple_opts(argc, argv, fold_help, &a.cols, 'p', &a.prefix);
	in = read_unfolded(&len);
	each_line(in, len, fold_one, &a);
	free(in);
	return 0;
}

static const char unfold_help[] =
        N_("usage: tcplab-text unfold\n"
           "Joins each line on stdin that starts with 8 spaces to the line\n"
           "before it, with one space: the lines that tcplab's programs fold\n"
           "come back as tcpdump printed them. tcpdump's own lines never\n"
           "start with 8 spaces, so its output passes unchanged.\n");

static int cmd_unfold(int argc, char **argv)
{
	unsigned cols = 0;
	size_t len;
	char *in;

	simple_opts(argc, argv, unfold_help, &cols, 0, NULL);
	in = read_unfolded(&len);
	text_write(in, len);
	free(in);
	return 0;
}

/* The display width of a line, its terminal escape sequences (ESC [ ...
 * letter) taking no column. */
static size_t shown_cols(const char *s, size_t n)
{
	size_t i = 0, total = 0;

	while (i < n) {
		if (s[i] == '\033' && i + 1 < n && s[i + 1] == '[') {
			i += 2;
			while (i < n && !((s[i] >= '@' && s[i] <= '~')))
				i++;
			i++;
			continue;
		}
		size_t start = i;
		unsigned c;

		i += wrap_next(s + i, n - i, &c);
		total += s[start] == '\t' ? 8 - total % 8 : c;
	}
	return total;
}

struct width_arg {
	long over;  /* -1: print every width */
	bool found; /* a line was wider than over */
};

static void width_one(const char *line, size_t n, void *arg)
{
	struct width_arg *a = arg;
	size_t w = shown_cols(line, n);

	if (a->over < 0) {
		printf("%zu\n", w);
	} else if (w > (size_t)a->over) {
		printf("%zu: %.*s\n", w, (int)n, line);
		a->found = true;
	}
}

static const char width_help[] =
        N_("usage: tcplab-text width [--over N]\n"
           "Prints the display width of each line on stdin (a wide character\n"
           "takes 2 columns, a tab up to the next multiple of 8, a terminal\n"
           "escape sequence none). With --over N, prints only the lines wider\n"
           "than N columns, each after its width, and exits 1 if there is\n"
           "one.\n");

static int cmd_width(int argc, char **argv)
{
	struct width_arg a = {-1, false};
	const char *over = NULL;
	unsigned cols = 0;
	size_t len;
	char *in;

	simple_opts(argc, argv, width_help, &cols, 'o', &over);
	if (over != NULL)
		a.over = (long)text_width_arg(over);
	in = text_read_all(stdin, &len);
	each_line(in, len, width_one, &a);
	free(in);
	return a.found ? 1 : 0;
}

/* What `show` holds while it reads: the note it is joining. */
struct show {
	unsigned cols;
	struct para note; /* a note and its continuation lines */
};

static void show_flush(struct show *sh)
{
	if (!sh->note.open)
		return;
	text_put_para(sh->note.text, sh->note.len, "  | ", "  |   ", sh->cols);
	sh->note.open = false;
	sh->note.len = 0;
}

static void show_one(const char *line, size_t n, void *arg)
{
	struct show *sh = arg;

	/* A note's continuation, wrapped before under its bar: joined back
	 * so that the note wraps anew at this width. */
	if (sh->note.open && n > 6 && memcmp(line, "  |   ", 6) == 0 &&
	    line[6] != ' ') {
		para_add(&sh->note, line + 6, n - 6);
		return;
	}
	show_flush(sh);
	if (n > 4 && memcmp(line, "  | ", 4) == 0)
		para_add(&sh->note, line + 4, n - 4);
	else
		text_put_folded("", "", line, n, sh->cols);
}

static const char show_help[] =
        N_("usage: tcplab-text show [-w COLS]\n"
           "Fits the output of tcplab-client, tcplab-server or tcplab-explain\n"
           "to the terminal's width: unfolds it, then folds each tcpdump line\n"
           "at its fields and wraps each note (\"  | \") under its bar, its\n"
           "continuation lines (\"  |   \") joined to it first.\n");

static int cmd_show(int argc, char **argv)
{
	struct show sh = {text_cols(), {0}};
	size_t len;
	char *in;

	simple_opts(argc, argv, show_help, &sh.cols, 0, NULL);
	in = read_unfolded(&len);
	each_line(in, len, show_one, &sh);
	show_flush(&sh);
	free(sh.note.text);
	free(in);
	return 0;
}

static const char usage[] =
        N_("usage: tcplab-text COMMAND [OPTIONS] < TEXT\n"
           "The lab runner's helper for text that fits the terminal.\n"
           "\n"
           "  cols, rows       the terminal's width and height\n"
           "  wrap             wrap paragraphs, with hanging indents\n"
           "  fold             fold tcpdump lines at their fields\n"
           "  unfold           join folded lines back\n"
           "  width            the display width of each line\n"
           "  show             fit a tcplab program's output\n"
           "  beside           the comparison of a program with tcpdump\n"
           "  grade            the table of a class's lab records\n"
           "\n"
           "Each command has --help; -w COLS sets the width (0: no\n"
           "wrapping), else TCPLAB_COLS, else the terminal's.\n");

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	i18n_init();
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(_(usage), stdout);
		return 0;
	}
	argc--;
	argv++;
	if (strcmp(cmd, "cols") == 0 || strcmp(cmd, "rows") == 0)
		return cmd_size(argc, argv, cmd[0] == 'r');
	if (strcmp(cmd, "wrap") == 0)
		return cmd_wrap(argc, argv);
	if (strcmp(cmd, "fold") == 0)
		return cmd_fold(argc, argv);
	if (strcmp(cmd, "unfold") == 0)
		return cmd_unfold(argc, argv);
	if (strcmp(cmd, "width") == 0)
		return cmd_width(argc, argv);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(argc, argv);
	if (strcmp(cmd, "beside") == 0)
		return text_beside(argc, argv);
	if (strcmp(cmd, "grade") == 0)
		return text_grade(argc, argv);
	if (*cmd != '\0')
		text_warn(_("unknown command %s (see %s --help)"), cmd, prog);
	else
		text_warn(_("which command? (see %s --help)"), prog);
	return 2;
}
