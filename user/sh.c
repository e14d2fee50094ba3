/*
 * sh.c - the shell: reads command lines from fd 0 and runs them.
 *
 *   NAME ARGS...        runs NAME, found in the directories of $PATH
 *                       (colon-separated; /bin when PATH is not set; a
 *                       NAME with a slash: that path) with its arguments
 *                       and the shell's environment, by fork, execve and
 *                       wait4
 *   A | B | C           a pipeline: each one's output is the next's input
 *   < FILE  > FILE  >> FILE   input from, output to (made or emptied),
 *                       output added to the end of FILE
 *   'a b'  "a b"        one argument with spaces (no escapes inside)
 *   $?                  the exit status of the last command (in any word,
 *                       and inside "...", not inside '...')
 *   $NAME               NAME's value in the environment (empty when it is
 *                       not set), where $? may be
 *   NAME=value          sets NAME in the shell's environment, which every
 *                       command it runs gets; before a command's name,
 *                       in that command's environment only
 *   export [NAME=value...]  the same; with no words, prints the
 *                       environment (as env does)
 *   unset NAME...       removes NAME from the environment
 *   # ...               a comment, to the end of the line
 *   cd [DIR]            change directory (default /)
 *   exit [N]            leave the shell with N (default: $?)
 *   monitor             leave for the kernel's monitor: the shell exits
 *                       with SH_EXIT_MONITOR, which init (user/init.c)
 *                       takes as "end", and the kernel then starts its
 *                       monitor when the command line says monitor
 *   monitor CMD [ARGS]  run one monitor command and stay: `monitor demo
 *                       deadlock user`, `monitor ps` (swiod_monitor(), the
 *                       kernel's answers on the console); status 1 when
 *                       the kernel refused the line
 *
 * The status of a command is its exit code, or 128 + the signal that
 * ended it (said on fd 2, as "sh: NAME: killed by signal 11", except for
 * SIGPIPE: a writer whose reader went first); a program
 * that cannot be run is 127 (not found) or 126 (any other reason), said
 * on fd 2.  The prompt "$ " goes to fd 1 before each line; `sh -c LINE`
 * runs one line, and `sh FILE` reads lines from FILE, both without it.
 *
 * Limits, said when reached: lines of LINE_MAX bytes, ARGS_MAX words
 * per command, PIPELINE_MAX commands per pipeline.
 */
#include <stdbool.h>
#include "ulib.h"

#define LINE_MAX        1024
#define ARGS_MAX        32
#define PIPELINE_MAX    8
#define SH_EXIT_MONITOR 200             /* init.c knows this number too */

struct command {
    char *argv[ARGS_MAX + 1];           /* NULL-ended */
    int argc;
    const char *in, *out;               /* < and > files, or NULL */
    bool append;                        /* >> rather than > */
};

static int last_status;

/* ---- reading lines ---- */

struct reader {
    int fd;
    char buf[LINE_MAX];
    size_t len;                         /* bytes in buf */
    bool eof;
};

static char *find_newline(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            return s + i;
    return 0;
}

/* The next line into line[LINE_MAX] (NUL-ended, no newline): 0, or -1 at
 * the end of the input.  A line too long for the buffer is dropped whole
 * with a word on fd 2 (line then empty). */
static int read_line(struct reader *r, char *line)
{
    bool too_long = false;
    for (;;) {
        char *nl = find_newline(r->buf, r->len);
        if (!nl && r->len == sizeof(r->buf)) {
            too_long = true;            /* drop what came, and the rest up to a newline */
            r->len = 0;
            continue;
        }
        if (nl || r->eof) {
            if (!nl && r->len == 0 && !too_long)
                return -1;
            size_t n = nl ? (size_t)(nl - r->buf) : r->len;
            memcpy(line, r->buf, n);
            line[n] = 0;
            size_t used = n + (nl ? 1 : 0);
            memmove(r->buf, r->buf + used, r->len - used);
            r->len -= used;
            if (too_long) {
                dprintf(2, "sh: a line longer than LINE_MAX (%d bytes): not run\n",
                        LINE_MAX - 1);
                line[0] = 0;
            }
            return 0;
        }
        ssize_t got = read(r->fd, r->buf + r->len, sizeof(r->buf) - r->len);
        if (got < 0)
            perror("sh: read");
        if (got <= 0)
            r->eof = true;
        else
            r->len += (size_t)got;
    }
}

/* ---- parsing ---- */

enum token { T_END, T_WORD, T_PIPE, T_IN, T_OUT, T_APPEND, T_ERROR };

struct lexer {
    const char *p;                      /* the rest of the line */
    char *store, *store_end;            /* where words are copied, NUL-ended */
    char *word;                         /* the last T_WORD */
};

static bool put_char(struct lexer *lx, char c)
{
    if (lx->store == lx->store_end)
        return false;
    *lx->store++ = c;
    return true;
}

static bool name_start(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9');
}

/* At p: $? or $NAME, which expand() replaces. */
static bool is_var(const char *p)
{
    return p[0] == '$' && (p[1] == '?' || name_start(p[1]));
}

/* Copies the value of the $? or $NAME at lx->p into the word (NAME not
 * set: nothing) and leaves lx->p on its last character; false when the
 * store is full. */
static bool expand(struct lexer *lx)
{
    char buf[LINE_MAX];                 /* the number, or the name: shorter than the line */
    const char *value = buf;
    if (lx->p[1] == '?') {
        snprintf(buf, sizeof(buf), "%d", last_status);
        lx->p++;
    } else {
        size_t n = 0;
        for (; name_char(lx->p[1 + n]); n++)
            buf[n] = lx->p[1 + n];
        buf[n] = 0;
        lx->p += n;
        value = getenv(buf);
        if (!value)
            value = "";
    }
    bool ok = true;
    for (; *value; value++)
        ok &= put_char(lx, *value);
    return ok;
}

static enum token next_token(struct lexer *lx)
{
    while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r')
        lx->p++;
    switch (*lx->p) {
    case 0: case '#': return T_END;
    case '|': lx->p++; return T_PIPE;
    case '<': lx->p++; return T_IN;
    case '>':
        lx->p++;
        if (*lx->p == '>') {
            lx->p++;
            return T_APPEND;
        }
        return T_OUT;
    }
    lx->word = lx->store;
    char quote = 0;
    bool ok = true;
    for (; *lx->p; lx->p++) {
        char c = *lx->p;
        if (quote && c == quote) {
            quote = 0;
        } else if (quote == '\'' || (quote && !is_var(lx->p))) {
            ok &= put_char(lx, c);
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (!quote && (c == ' ' || c == '\t' || c == '\r' || c == '|' || c == '<' ||
                              c == '>')) {
            break;
        } else if (is_var(lx->p)) {     /* also inside "..." */
            ok &= expand(lx);
        } else {
            ok &= put_char(lx, c);
        }
    }
    ok &= put_char(lx, 0);
    if (quote) {
        dprintf(2, "sh: no closing %c\n", quote);
        return T_ERROR;
    }
    if (!ok) {
        dprintf(2, "sh: the line's words, $? and $NAME expanded, are longer than %d bytes\n",
                LINE_MAX * 2);
        return T_ERROR;
    }
    return T_WORD;
}

/* Splits line into up to PIPELINE_MAX commands: how many (0: an empty
 * line), or -1 after saying on fd 2 what is wrong. */
static int parse(const char *line, char *store, size_t store_size, struct command *cmds)
{
    struct lexer lx = { line, store, store + store_size, 0 };
    int n = 0;
    struct command *c = &cmds[0];
    memset(c, 0, sizeof(*c));
    for (;;) {
        enum token t = next_token(&lx);
        switch (t) {
        case T_ERROR:
            return -1;
        case T_WORD:
            if (c->argc == ARGS_MAX) {
                dprintf(2, "sh: more than ARGS_MAX (%d) words in a command\n", ARGS_MAX);
                return -1;
            }
            c->argv[c->argc++] = lx.word;
            break;
        case T_IN: case T_OUT: case T_APPEND:
            if (next_token(&lx) != T_WORD) {
                dprintf(2, "sh: %s with no file name\n", t == T_IN ? "<" : t == T_OUT ? ">" : ">>");
                return -1;
            }
            if (t == T_IN)
                c->in = lx.word;
            else
                c->out = lx.word, c->append = t == T_APPEND;
            break;
        case T_PIPE: case T_END:
            if (c->argc == 0) {
                if (t == T_END && n == 0 && !c->in && !c->out)
                    return 0;           /* an empty line */
                dprintf(2, "sh: a command is missing around |\n");
                return -1;
            }
            n++;
            if (t == T_END)
                return n;
            if (n == PIPELINE_MAX) {
                dprintf(2, "sh: more than PIPELINE_MAX (%d) commands in a pipeline\n",
                        PIPELINE_MAX);
                return -1;
            }
            c = &cmds[n];
            memset(c, 0, sizeof(*c));
            break;
        }
    }
}

/* ---- running ---- */

/* In the child: fd becomes target (and is closed under its old number). */
static void move_fd(int fd, int target)
{
    if (fd < 0 || fd == target)
        return;
    if (dup2(fd, target) < 0) {
        perror("sh: dup2");
        exit(126);
    }
    close(fd);
}

/* How many of c's first words are NAME=value. */
static int assignments(const struct command *c)
{
    int i = 0;
    for (; i < c->argc; i++) {
        const char *w = c->argv[i];
        if (!name_start(*w))
            break;
        while (name_char(*w))
            w++;
        if (*w != '=')
            break;
    }
    return i;
}

/* setenv for one NAME=value word: 0, or 1 after saying why not. */
static int assign(char *word)
{
    char *eq = strchr(word, '=');
    *eq = 0;
    int r = setenv(word, eq + 1, 1);
    *eq = '=';
    if (r < 0)
        dprintf(2, "sh: %s: %s\n", word, strerror(errno));
    return r < 0;
}

/* In the child: run name with argv, trying each directory of $PATH for a
 * name without a slash.  Returns only when none could be run: with the
 * errno to say (the first that is not ENOENT, as other shells do). */
static int exec_path(const char *name, char **argv)
{
    char path[LINE_MAX + 8];
    if (strchr(name, '/')) {
        execve(name, argv, environ);
        return errno;
    }
    const char *dirs = getenv("PATH");
    int err = ENOENT;
    for (const char *d = dirs ? dirs : "/bin";; d++) {
        const char *end = strchr(d, ':');
        size_t len = end ? (size_t)(end - d) : strlen(d);
        snprintf(path, sizeof(path), "%.*s%s%s", (int)len, d, len ? "/" : "", name);
        execve(path, argv, environ);
        if (err == ENOENT)
            err = errno;
        if (!end)
            return err;
        d = end;
    }
}

/* In the child: the redirections, then the program.  Never returns. */
static void exec_command(struct command *c, int in, int out, int spare)
{
    if (spare >= 0)
        close(spare);                   /* the next command's read end */
    move_fd(in, 0);
    move_fd(out, 1);
    if (c->in) {
        int fd = open(c->in, O_RDONLY);
        if (fd < 0) {
            dprintf(2, "sh: %s: %s\n", c->in, strerror(errno));
            exit(1);
        }
        move_fd(fd, 0);
    }
    if (c->out) {
        int fd = open(c->out, O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC), 0644);
        if (fd < 0) {
            dprintf(2, "sh: %s: %s\n", c->out, strerror(errno));
            exit(1);
        }
        move_fd(fd, 1);
    }
    int n = assignments(c);             /* NAME=value before the name: its own */
    for (int i = 0; i < n; i++)
        if (assign(c->argv[i]))
            exit(1);
    if (n == c->argc)
        exit(0);                        /* only assignments: nothing to run */
    const char *name = c->argv[n];
    int err = exec_path(name, c->argv + n);
    dprintf(2, "sh: %s: %s\n", name, strerror(err));
    exit(err == ENOENT ? 127 : 126);
}

static int status_of(const char *name, int ws)
{
    if (WIFEXITED(ws))
        return WEXITSTATUS(ws);
    /* A writer that outlived its pipe's reader is no news (as in bash). */
    if (WTERMSIG(ws) != SIGPIPE)
        dprintf(2, "sh: %s: killed by signal %d\n", name, WTERMSIG(ws));
    return 128 + WTERMSIG(ws);
}

/* Runs the n commands as a pipeline; the status of the last one. */
static int run_pipeline(struct command *cmds, int n)
{
    pid_t pids[PIPELINE_MAX];
    int in = -1, started = 0, status = 1;
    for (int i = 0; i < n; i++) {
        int fds[2] = { -1, -1 };
        if (i < n - 1 && pipe(fds) < 0) {
            perror("sh: pipe");
            break;
        }
        pid_t pid = fork();
        if (pid == 0)
            exec_command(&cmds[i], in, fds[1], fds[0]);
        if (pid < 0)
            perror("sh: fork");
        if (in >= 0)
            close(in);
        if (fds[1] >= 0)
            close(fds[1]);
        in = fds[0];
        if (pid < 0)
            break;
        pids[started++] = pid;
    }
    if (in >= 0)
        close(in);
    for (int i = 0; i < started; i++) {
        int ws;
        if (waitpid(pids[i], &ws, 0) < 0) {
            perror("sh: wait4");
            continue;
        }
        int s = status_of(cmds[i].argv[0], ws);
        if (i == n - 1)
            status = s;
    }
    return status;
}

/* cd, exit, NAME=value, export, unset and monitor, which change the
 * shell itself: true when the command was one of them. */
static bool builtin(const struct command *c)
{
    const char *name = c->argv[0];
    if (strcmp(name, "cd") == 0) {
        const char *dir = c->argc > 1 ? c->argv[1] : "/";
        last_status = chdir(dir) < 0;
        if (last_status)
            dprintf(2, "sh: cd: %s: %s\n", dir, strerror(errno));
        return true;
    }
    if (strcmp(name, "exit") == 0)
        exit(c->argc > 1 ? (int)atol_or(c->argv[1], 1) : last_status);
    if (assignments(c) == c->argc) {    /* NAME=value...: the shell's own */
        last_status = 0;
        for (int i = 0; i < c->argc; i++)
            last_status |= assign(c->argv[i]);
        return true;
    }
    if (strcmp(name, "export") == 0) {
        last_status = 0;
        for (char **e = environ; c->argc == 1 && *e; e++)
            printf("%s\n", *e);
        for (int i = 1; i < c->argc; i++) {
            if (strchr(c->argv[i], '=')) {
                last_status |= assign(c->argv[i]);
            } else if (!getenv(c->argv[i])) {
                /* Every variable is in the environment: nothing to export. */
                dprintf(2, "sh: export: %s is not set\n", c->argv[i]);
                last_status = 1;
            }
        }
        return true;
    }
    if (strcmp(name, "unset") == 0) {
        last_status = 0;
        for (int i = 1; i < c->argc; i++) {
            if (unsetenv(c->argv[i]) < 0) {
                dprintf(2, "sh: unset: %s: %s\n", c->argv[i], strerror(errno));
                last_status = 1;
            }
        }
        return true;
    }
    if (strcmp(name, "monitor") == 0 && c->argc > 1) {
        static char line[LINE_MAX];
        size_t len = 0;
        for (int i = 1; i < c->argc && len < sizeof(line); i++)
            len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s", i > 1 ? " " : "",
                                    c->argv[i]);
        if (len >= sizeof(line)) {              /* $NAME made the words longer than a line */
            dprintf(2, "sh: monitor: the command is longer than LINE_MAX (%d)\n", LINE_MAX);
            last_status = 1;
            return true;
        }
        last_status = swiod_monitor(line) < 0;
        if (last_status)
            dprintf(2, "sh: monitor: %s\n", strerror(errno));
        return true;
    }
    if (strcmp(name, "monitor") == 0) {
        printf("sh: leaving for the kernel's monitor\n");
        exit(SH_EXIT_MONITOR);
    }
    return false;
}

static void run_line(const char *line)
{
    static char store[LINE_MAX * 2];
    struct command cmds[PIPELINE_MAX];
    int n = parse(line, store, sizeof(store), cmds);
    if (n < 0) {
        last_status = 2;
        return;
    }
    if (n == 0)
        return;
    if (n == 1 && !cmds[0].in && !cmds[0].out && builtin(&cmds[0]))
        return;
    last_status = run_pipeline(cmds, n);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "-c") == 0) {
        run_line(argv[2]);
        return last_status;
    }
    static struct reader r;
    bool prompt = argc < 2;
    if (!prompt && (r.fd = open(argv[1], O_RDONLY)) < 0) {
        dprintf(2, "sh: %s: %s\n", argv[1], strerror(errno));
        return 127;
    }
    char line[LINE_MAX];
    for (;;) {
        if (prompt)
            write(1, "$ ", 2);
        if (read_line(&r, line) < 0)
            break;
        run_line(line);
    }
    return last_status;
}
