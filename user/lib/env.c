/*
 * env.c - the environment (ulib.h): environ, getenv(), setenv() and
 * unsetenv(), with the C library's meanings.
 *
 * At the start environ points at the vector execve left on the stack
 * (ulib_start() sets it).  The first change copies the vector and its
 * strings to the heap; from then on every string is the library's own,
 * so one that is replaced or removed is freed, and the vector grows as
 * needed.  A name may not be empty or hold '=' (EINVAL).
 */
#include <stdbool.h>
#include "ulib.h"

char **environ;
static bool environ_owned;              /* environ and its strings are malloc's */
static int environ_count;               /* strings in environ, once owned */
static int environ_room;                /* its entries, the NULL excluded, once owned */

/* The entry for name ("NAME=..."), or NULL. */
static char **find(const char *name, size_t len)
{
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
            return e;
    return 0;
}

char *getenv(const char *name)
{
    char **e = find(name, strlen(name));
    return e ? *e + strlen(name) + 1 : 0;
}

static int valid_name(const char *name)
{
    if (!name || !*name || strchr(name, '=')) {
        errno = EINVAL;
        return 0;
    }
    return 1;
}

/* A heap string "name=value". */
static char *join(const char *name, const char *value)
{
    size_t n = strlen(name), v = strlen(value);
    char *s = malloc(n + 1 + v + 1);
    if (s) {
        memcpy(s, name, n);
        s[n] = '=';
        memcpy(s + n + 1, value, v + 1);
    }
    return s;
}

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    if (c)
        memcpy(c, s, n);
    return c;
}

/* Room for one more entry, the environment on the heap; -1 (ENOMEM). */
static int make_room(void)
{
    if (environ_owned && environ_count < environ_room)
        return 0;
    int count = 0;
    while (environ && environ[count])
        count++;
    int room = count * 2 + 8;
    char **v = malloc((size_t)(room + 1) * sizeof(*v));
    if (!v)
        return -1;
    for (int i = 0; i < count; i++) {
        v[i] = environ_owned ? environ[i] : copy(environ[i]);
        if (!v[i]) {
            while (i--)
                free(v[i]);
            free(v);
            return -1;
        }
    }
    v[count] = 0;
    if (environ_owned)
        free(environ);
    environ = v;
    environ_owned = true;
    environ_count = count;
    environ_room = room;
    return 0;
}

int setenv(const char *name, const char *value, int overwrite)
{
    if (!valid_name(name))
        return -1;
    char **e = find(name, strlen(name));
    if (e && !overwrite)
        return 0;
    if (make_room() < 0)
        return -1;
    char *s = join(name, value);
    if (!s)
        return -1;
    e = find(name, strlen(name));       /* again: make_room may have moved it */
    if (e) {
        free(*e);
        *e = s;
    } else {
        environ[environ_count++] = s;
        environ[environ_count] = 0;
    }
    return 0;
}

int unsetenv(const char *name)
{
    if (!valid_name(name))
        return -1;
    if (!find(name, strlen(name)))
        return 0;
    if (make_room() < 0)
        return -1;
    char **e = find(name, strlen(name));
    free(*e);
    for (; *e; e++)
        e[0] = e[1];
    environ_count--;
    return 0;
}
