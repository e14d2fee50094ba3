/*
 * cmdline.c - the kernel's own command line and its parameter table (see
 * include/cmdline.h).  The line is copied once at boot and split in
 * place; lookups are linear scans of a few dozen arguments at most, and
 * each first scans the table of a few dozen registered parameters.
 */
#include "cmdline.h"
#include "cmdline_parse.h"
#include "kerrno.h"
#include "kstring.h"
#include "panic.h"
#include "printk.h"

#define CMDLINE_MAX_ARGS 32
#define CMDLINE_MAX_LEN  512

extern const struct kernel_param kernel_params_start[], kernel_params_end[];

static char raw[CMDLINE_MAX_LEN];
static char split_buf[CMDLINE_MAX_LEN];
static struct cmdline_arg args[CMDLINE_MAX_ARGS];
static int nargs;

void cmdline_init(const char *line)
{
    if (strlcpy(raw, line, sizeof(raw)) >= sizeof(raw))
        pr_warn("cmdline: longer than %d bytes; cut short\n", CMDLINE_MAX_LEN - 1);
    strlcpy(split_buf, raw, sizeof(split_buf));
    nargs = cmdline_split(split_buf, args, CMDLINE_MAX_ARGS);
    if (nargs == -E2BIG) {
        pr_warn("cmdline: more than %d arguments; ignoring the rest\n", CMDLINE_MAX_ARGS);
        nargs = CMDLINE_MAX_ARGS;
    } else if (nargs < 0) {
        pr_err("cmdline: cannot parse \"%s\" (unbalanced quote or empty key); ignoring it\n",
               raw);
        nargs = 0;
    }
}

const struct kernel_param *kernel_param_find(const char *name)
{
    for (const struct kernel_param *p = kernel_params_start; p < kernel_params_end; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

void kernel_param_for_each(void (*fn)(const struct kernel_param *p))
{
    for (const struct kernel_param *p = kernel_params_start; p < kernel_params_end; p++)
        fn(p);
}

static const struct kernel_param *registered(const char *key)
{
    const struct kernel_param *p = kernel_param_find(key);
    if (!p)
        panic("cmdline: %s= is read but not registered: add KERNEL_PARAM(%s, ...) "
              "(include/cmdline.h)", key, key);
    return p;
}

static const struct cmdline_arg *find(const char *key)
{
    registered(key);
    /* The last occurrence wins, so a later argument overrides an earlier. */
    for (int i = nargs - 1; i >= 0; i--)
        if (strcmp(args[i].key, key) == 0)
            return &args[i];
    return NULL;
}

const char *cmdline_get(const char *key)
{
    const struct cmdline_arg *a = find(key);
    return a ? a->value : NULL;
}

bool cmdline_has(const char *key)
{
    return find(key) != NULL;
}

uint32_t cmdline_get_u32(const char *key, uint32_t dflt)
{
    uint32_t n;
    if (parse_u32(registered(key)->dflt, &n) == 0 && n != dflt)
        panic("cmdline: %s= has the default %u here but %s in its KERNEL_PARAM", key, dflt,
              registered(key)->dflt);
    const char *v = cmdline_get(key);
    if (!v)
        return dflt;
    if (parse_u32(v, &n) < 0) {
        pr_warn("cmdline: %s=%s is not a number; using %u\n", key, v, dflt);
        return dflt;
    }
    return n;
}

const char *cmdline_raw(void)
{
    return raw;
}
