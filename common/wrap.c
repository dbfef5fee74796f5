/*
 * wrap.c: fits text to a terminal's width (see wrap.h).
 *
 * The width of a character comes from two small tables of code point
 * ranges written for tcplab: the marks that take no column, and the East
 * Asian wide and fullwidth characters that take two. Where a table is in
 * doubt (emoji, symbols that are wide only in East Asian fonts) it counts
 * the character wide: a line that ends a little early is harmless, one
 * that overflows the terminal is not.
 *
 * Must never do I/O, allocate, keep state between calls, or look at the
 * locale: the same bytes always measure and wrap the same way.
 */
#include "common/wrap.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/err.h"
#include "common/outbuf.h"

struct range {
	uint32_t lo, hi;
};

/* Characters that take no column: combining marks (the general blocks,
 * and those of Hebrew, Arabic and Thai), Hangul vowel and final jamo that
 * join the syllable before them, kana voicing marks, zero-width spaces and
 * joiners, direction marks and variation selectors. */
static const struct range zero_width[] = {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD},
        {0x05BF, 0x05BF}, {0x05C1, 0x05C2}, {0x05C4, 0x05C5},
        {0x05C7, 0x05C7}, {0x0610, 0x061A}, {0x064B, 0x065F},
        {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
        {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0E31, 0x0E31},
        {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1160, 0x11FF},
        {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
        {0x202A, 0x202E}, {0x2060, 0x2064}, {0x20D0, 0x20FF},
        {0x302A, 0x302D}, {0x3099, 0x309A}, {0xFE00, 0xFE0F},
        {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xE0100, 0xE01EF},
};

/* Characters that take two columns: Hangul leading jamo and syllables,
 * the CJK blocks (radicals, punctuation, kana, bopomofo, ideographs and
 * their extensions, Yi, compatibility forms), fullwidth forms, and the
 * emoji that terminals draw wide. */
static const struct range wide[] = {
        {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},
        {0x23E9, 0x23EC},   {0x23F0, 0x23F0},   {0x23F3, 0x23F3},
        {0x25FD, 0x25FE},   {0x2614, 0x2615},   {0x2648, 0x2653},
        {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
        {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},
        {0x26CE, 0x26CE},   {0x26D4, 0x26D4},   {0x26EA, 0x26EA},
        {0x26F2, 0x26F3},   {0x26F5, 0x26F5},   {0x26FA, 0x26FA},
        {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
        {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},
        {0x2753, 0x2755},   {0x2757, 0x2757},   {0x2795, 0x2797},
        {0x27B0, 0x27B0},   {0x27BF, 0x27BF},   {0x2B1B, 0x2B1C},
        {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
        {0x3041, 0x33FF},   {0x3400, 0xA4CF},   {0xA960, 0xA97F},
        {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
        {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},
        {0x16FE0, 0x16FE3}, {0x16FF0, 0x16FF1}, {0x17000, 0x18DFF},
        {0x1AFF0, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
        {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F2FF},
        {0x1F300, 0x1F64F}, {0x1F680, 0x1F6FF}, {0x1F7E0, 0x1F7F0},
        {0x1F900, 0x1F9FF}, {0x1FA70, 0x1FAFF}, {0x20000, 0x2FFFD},
        {0x30000, 0x3FFFD},
};

/* CJK closing punctuation, which must not start a line: 、。〉》」』】〕〗〙〛
 * and the fullwidth ！），．：；？］｝｠. */
static const struct range closing[] = {
        {0x3001, 0x3002}, {0x3009, 0x3009}, {0x300B, 0x300B}, {0x300D, 0x300D},
        {0x300F, 0x300F}, {0x3011, 0x3011}, {0x3015, 0x3015}, {0x3017, 0x3017},
        {0x3019, 0x3019}, {0x301B, 0x301B}, {0xFF01, 0xFF01}, {0xFF09, 0xFF09},
        {0xFF0C, 0xFF0C}, {0xFF0E, 0xFF0E}, {0xFF1A, 0xFF1B}, {0xFF1F, 0xFF1F},
        {0xFF3D, 0xFF3D}, {0xFF5D, 0xFF5D}, {0xFF60, 0xFF60},
};

/* Opening punctuation of CJK text: no line ends after it. 〈 《 「 『 【
 * 〔 〖 〘 〚 （ ［ ｛ ｟ and the curly quotes ‘ “. */
static const struct range opening[] = {
        {0x2018, 0x2018}, {0x201C, 0x201C}, {0x3008, 0x3008},
        {0x300A, 0x300A}, {0x300C, 0x300C}, {0x300E, 0x300E},
        {0x3010, 0x3010}, {0x3014, 0x3014}, {0x3016, 0x3016},
        {0x3018, 0x3018}, {0x301A, 0x301A}, {0xFF08, 0xFF08},
        {0xFF3B, 0xFF3B}, {0xFF5B, 0xFF5B}, {0xFF5F, 0xFF5F},
};

#define NRANGES(t) (sizeof(t) / sizeof((t)[0]))

static bool in_table(uint32_t cp, const struct range *t, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < t[mid].lo)
			hi = mid;
		else if (cp > t[mid].hi)
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static unsigned cp_cols(uint32_t cp)
{
	/* C0 controls, DEL and C1 controls move no column forward. */
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (cp < 0x300)
		return 1;
	if (in_table(cp, zero_width, NRANGES(zero_width)))
		return 0;
	return in_table(cp, wide, NRANGES(wide)) ? 2 : 1;
}

static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/*
 * Decodes the UTF-8 character at s[0..len) into *cp; returns its length,
 * or 0 when s does not start a valid sequence. Overlong forms, surrogates
 * and values past U+10FFFF are invalid (RFC 3629, section 4).
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n;
	unsigned char lo = 0x80, hi = 0xBF; /* the second byte's range */

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4;
	else
		return 0;
	if (c == 0xE0)
		lo = 0xA0; /* shorter forms are overlong */
	else if (c == 0xED)
		hi = 0x9F; /* U+D800..U+DFFF are surrogates */
	else if (c == 0xF0)
		lo = 0x90;
	else if (c == 0xF4)
		hi = 0x8F; /* beyond U+10FFFF */
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	*cp = c & (0xFF >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if (!is_cont(s[i]))
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3F);
	}
	return n;
}

size_t wrap_next(const char *s, size_t len, unsigned *cols)
{
	uint32_t cp;
	size_t n;

	if (len == 0) {
		*cols = 0;
		return 0;
	}
	if ((unsigned char)s[0] < 0x80) {
		/* ASCII: a control takes no column, the rest one. */
		*cols = (unsigned char)s[0] >= 0x20 && s[0] != 0x7f;
		return 1;
	}
	n = utf8_decode((const unsigned char *)s, len, &cp);
	if (n == 0) {
		*cols = 1; /* an invalid byte shows as one replacement mark */
		return 1;
	}
	*cols = cp_cols(cp);
	return n;
}

size_t wrap_cols(const char *s, size_t len)
{
	size_t i = 0, total = 0;
	unsigned c;

	while (i < len) {
		i += wrap_next(s + i, len - i, &c);
		total += c;
	}
	return total;
}

/* One character of a paragraph as the wrapper sees it. */
struct wch {
	size_t len;    /* bytes */
	unsigned cols; /* display columns */
	bool space;    /* a place to break, dropped at the break */
	bool wide;     /* two columns: a break may fall between two */
	bool closing;  /* closing punctuation: no break before it */
	bool opening;  /* opening punctuation: no break after it */
};

/* ASCII's closing punctuation: no break before it. */
static bool ascii_closing(unsigned char c)
{
	switch (c) {
	case ',':
	case '.':
	case ';':
	case ':':
	case '!':
	case '?':
	case ')':
	case ']':
	case '}':
	case '%':
	case '\'':
	case '"':
		return true;
	default:
		return false;
	}
}

static void wch_at(const char *s, size_t len, struct wch *w)
{
	unsigned char c = (unsigned char)s[0];
	uint32_t cp = 0;
	size_t n;

	/* ASCII, most of what is wrapped, without decoding. */
	if (c < 0x80) {
		w->len = 1;
		w->space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
		w->cols = w->space ? 1 : c >= 0x20 && c < 0x7f ? 1 : 0;
		w->wide = false;
		w->closing = ascii_closing(c);
		w->opening = c == '(' || c == '[' || c == '{';
		return;
	}
	n = utf8_decode((const unsigned char *)s, len, &cp);

	w->len = n ? n : 1;
	w->space = n && (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r');
	w->cols = w->space ? 1 : n ? cp_cols(cp) : 1;
	w->wide = w->cols == 2;
	w->closing = n && in_table(cp, closing, NRANGES(closing));
	w->opening = n && in_table(cp, opening, NRANGES(opening));
}

static size_t skip_spaces(const char *s, size_t len, size_t i)
{
	struct wch w;

	while (i < len) {
		wch_at(s + i, len - i, &w);
		if (!w.space)
			break;
		i += w.len;
	}
	return i;
}

/*
 * Where the line that starts at text[pos] ends (exclusive) when it may
 * take avail columns: at the last break that fits, else cut after the
 * last character that fits (at least one character, so that wrapping
 * always moves on). Returns len when the rest fits.
 */
static size_t para_line_end(const char *text, size_t len, size_t pos,
                            size_t avail)
{
	size_t i = pos, width = 0, brk = pos;
	bool prev_wide = false, prev_opening = false;
	struct wch w;

	while (i < len) {
		wch_at(text + i, len - i, &w);
		if (w.space) {
			brk = i;
			width += w.cols;
			i += w.len;
			prev_wide = false;
			prev_opening = false;
			continue;
		}
		/* Chinese has no spaces: a line may end before or after any
		 * wide character, unless what follows closes a clause or
		 * what precedes opens one. */
		if (i > pos && (prev_wide || w.wide) && !w.closing &&
		    !prev_opening)
			brk = i;
		if (width + w.cols > avail) {
			if (brk > pos)
				return brk;
			return i > pos ? i : i + w.len;
		}
		width += w.cols;
		prev_wide = w.wide;
		prev_opening = w.opening;
		i += w.len;
	}
	return len;
}

/* Appends text[from..to) without its trailing spaces, a tab or newline
 * written as a space. The spaces are ASCII, so the end is found by bytes. */
static void put_trimmed(struct outbuf *ob, const char *text, size_t from,
                        size_t to)
{
	size_t end = to, i;

	while (end > from && (text[end - 1] == ' ' || text[end - 1] == '\t' ||
	                      text[end - 1] == '\n' || text[end - 1] == '\r'))
		end--;
	for (i = from; i < end; i++)
		ob_char(ob,
		        text[i] == '\t' || text[i] == '\n' || text[i] == '\r'
		                ? ' '
		                : text[i]);
}

/* Whether text is printable ASCII without spaces at either end, that fits
 * on one line after prefix: then wrapping leaves it as it is. */
static bool short_ascii(const char *text, size_t len, const char *prefix,
                        unsigned cols)
{
	size_t i, plen = strlen(prefix);

	if (len == 0 || text[0] == ' ' || text[len - 1] == ' ')
		return false;
	if (cols != 0 && plen + len > cols)
		return false;
	for (i = 0; i < plen; i++)
		if ((unsigned char)prefix[i] < 0x20 ||
		    (unsigned char)prefix[i] >= 0x7f)
			return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)text[i] < 0x20 ||
		    (unsigned char)text[i] >= 0x7f)
			return false;
	return true;
}

int wrap_para(const char *text, size_t len, const char *first, const char *hang,
              unsigned cols, char *buf, size_t cap)
{
	struct outbuf ob;
	const char *prefix = first ? first : "";
	size_t pos = skip_spaces(text, len, 0);

	ob_init(&ob, buf, cap);
	if (short_ascii(text, len, prefix, cols)) {
		/* One line, as it is: most of what is wrapped. */
		ob_str(&ob, prefix);
		ob_mem(&ob, text, len);
		ob_char(&ob, '\n');
		return ob_finish(&ob, buf) < 0 ? TCPLAB_ENOSPC
		                               : (int)(ob.p - buf);
	}
	while (pos < len) {
		size_t pcols = wrap_cols(prefix, strlen(prefix));
		/* A prefix as wide as the terminal still leaves one column,
		 * so that every line carries some of the text. */
		size_t avail = cols == 0      ? SIZE_MAX
		               : cols > pcols ? cols - pcols
		                              : 1;
		size_t end = para_line_end(text, len, pos, avail);

		ob_str(&ob, prefix);
		put_trimmed(&ob, text, pos, end);
		ob_char(&ob, '\n');
		pos = skip_spaces(text, len, end);
		prefix = hang ? hang : "";
	}
	return ob_finish(&ob, buf) < 0 ? TCPLAB_ENOSPC : (int)(ob.p - buf);
}

/* The columns a tab takes when it starts at column col. */
static size_t tab_cols(size_t col)
{
	return 8 - col % 8;
}

/* The display columns of a whole line, tabs to multiples of 8. */
static size_t line_cols(const char *s, size_t len)
{
	size_t i = 0, col = 0;
	unsigned c;

	while (i < len) {
		if (s[i] == '\t') {
			col += tab_cols(col);
			i++;
			continue;
		}
		i += wrap_next(s + i, len - i, &c);
		col += c;
	}
	return col;
}

/*
 * Where the piece of a folded line that starts at line[pos] ends: the
 * index of the space to drop, or of the first character of the next
 * piece after a cut, or len when the rest fits. col is the column the
 * piece starts at (0 for the line's first piece, whose leading spaces are
 * its own indent and no place to break); it may take avail columns.
 */
static size_t fold_piece_end(const char *line, size_t len, size_t pos,
                             size_t col, size_t avail)
{
	size_t i = pos, width = 0, comma = 0, space = 0, blank = SIZE_MAX;
	bool word = false; /* a character other than a space came before */

	while (i < len) {
		unsigned c;
		size_t n = 1;

		if (line[i] == ' ') {
			if (col > 0)
				blank = i;
			if (word)
				space = i;
			if (word && line[i - 1] == ',')
				comma = i;
		}
		if (line[i] == '\t')
			c = (unsigned)tab_cols(col + width);
		else
			n = wrap_next(line + i, len - i, &c);
		if (width + c > avail)
			break;
		if (line[i] != ' ')
			word = true;
		width += c;
		i += n;
	}
	if (i == len)
		return len;
	if (comma)
		return comma;
	if (space)
		return space;
	/* Only spaces before the first word (as in tcpdump -X's runs of
	 * spaces): a piece of spaces, even an empty one, still folds back
	 * since each break drops exactly one space; a cut would not. */
	if (blank != SIZE_MAX)
		return blank;
	if (i == pos) /* not even one character fits: take it anyway */
		i += wrap_next(line + i, len - i, &(unsigned){0});
	return i;
}

int wrap_fold(const char *line, size_t len, unsigned cols, char *buf,
              size_t cap)
{
	struct outbuf ob;
	size_t pos = 0;
	bool first = true;

	ob_init(&ob, buf, cap);
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (cols == 0 || line_cols(line, len) <= cols) {
		ob_mem(&ob, line, len);
		ob_char(&ob, '\n');
		return ob_finish(&ob, buf) < 0 ? TCPLAB_ENOSPC : (int)len + 1;
	}
	for (;;) {
		size_t col = first ? 0 : WRAP_FOLD_INDENT;
		size_t avail = cols > col ? cols - col : 1;
		size_t end = fold_piece_end(line, len, pos, col, avail);

		if (!first)
			ob_lit(&ob, "        ");
		ob_mem(&ob, line + pos, end - pos);
		ob_char(&ob, '\n');
		if (end == len)
			break;
		/* The space at a break is dropped: unfolding puts it back.
		 * A break at a last space leaves an empty continuation. */
		pos = line[end] == ' ' ? end + 1 : end;
		first = false;
	}
	return ob_finish(&ob, buf) < 0 ? TCPLAB_ENOSPC : (int)(ob.p - buf);
}

/* Whether text[i..len) starts with the continuation indent. */
static bool fold_indent_at(const char *text, size_t len, size_t i)
{
	if (len - i < WRAP_FOLD_INDENT)
		return false;
	for (size_t k = 0; k < WRAP_FOLD_INDENT; k++)
		if (text[i + k] != ' ')
			return false;
	return true;
}

int wrap_unfold(const char *text, size_t len, char *buf, size_t cap)
{
	struct outbuf ob;
	size_t i = 0;

	ob_init(&ob, buf, cap);
	while (i < len) {
		if (text[i] == '\n' && fold_indent_at(text, len, i + 1)) {
			ob_char(&ob, ' ');
			i += 1 + WRAP_FOLD_INDENT;
			continue;
		}
		ob_char(&ob, text[i]);
		i++;
	}
	return ob_finish(&ob, buf) < 0 ? TCPLAB_ENOSPC : (int)(ob.p - buf);
}

/* The length of a list mark at s[0..len) ("- ", "* ", "| ", "12. ",
 * "3) "), or 0. */
static size_t list_mark(const char *s, size_t len)
{
	size_t i = 0;

	if (len >= 2 && (s[0] == '-' || s[0] == '*' || s[0] == '|') &&
	    s[1] == ' ')
		return 2;
	while (i < len && i < 3 && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i > 0 && i + 1 < len && (s[i] == '.' || s[i] == ')') &&
	    s[i + 1] == ' ')
		return i + 2;
	return 0;
}

size_t wrap_hang(const char *line, size_t len)
{
	size_t indent = 0, i, mark;

	while (indent < len && line[indent] == ' ')
		indent++;
	mark = list_mark(line + indent, len - indent);
	if (mark > 0)
		return wrap_cols(line, indent + mark);
	/* A table: a name, two or more spaces, the text. */
	for (i = indent; i + 1 < len; i++) {
		size_t j = i;

		if (line[i] != ' ' || line[i + 1] != ' ')
			continue;
		while (j < len && line[j] == ' ')
			j++;
		if (j < len && wrap_cols(line, j) <= 40)
			return wrap_cols(line, j);
		break;
	}
	return indent;
}

size_t wrap_cut(const char *s, size_t len, size_t cols, size_t *width)
{
	size_t i = 0, w = 0;

	while (i < len) {
		unsigned c;
		size_t n = wrap_next(s + i, len - i, &c);

		if (w + c > cols)
			break;
		w += c;
		i += n;
	}
	if (width != NULL)
		*width = w;
	return i;
}

size_t wrap_utf8_whole(const char *s, size_t n)
{
	size_t i = n, k = 0, need;
	unsigned char c;

	while (i > 0 && k < 3 && ((unsigned char)s[i - 1] & 0xc0) == 0x80) {
		i--;
		k++;
	}
	if (i == 0)
		return n;
	c = (unsigned char)s[i - 1];
	if (c < 0xc0)
		return n;
	need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
	return k + 1 < need ? i - 1 : n;
}
