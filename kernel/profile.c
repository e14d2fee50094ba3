/*
 * profile.c - the tick-sampled kernel profile (see include/profile.h).
 *
 * The histogram is one counter per 2^shift bytes of kernel text, taken
 * from the page allocator at boot when profile= asks for it.  The timer
 * interrupt only adds one to a counter; the report walks the buckets in
 * address order, sums runs that belong to the same function (ksyms), and
 * keeps the n largest sums in a small table.
 */
#include "profile.h"
#include "cmdline.h"
#include "console.h"
#include "interrupts.h"
#include "kstring.h"
#include "ksyms.h"
#include "mm.h"
#include "monitor.h"
#include "printk.h"
#include "sched.h"
#include "vm.h"
#include "x86.h"

KERNEL_PARAM(profile, "", "SHIFT (1..12): count timer ticks per 2^SHIFT bytes of kernel text");

#define PROFILE_MAX_SHIFT   12
#define PROFILE_TOP_MAX     32          /* the longest report */

static struct {
    uint32_t *hits;                     /* NULL: off */
    uint32_t buckets;
    uint32_t shift;
    uint32_t user, kernel;              /* ticks in each mode since the reset */
} prof;

void profile_init(void)
{
    uint32_t shift;
    if (!cmdline_get("profile"))
        return;
    shift = cmdline_get_u32("profile", 0);
    if (shift < 1 || shift > PROFILE_MAX_SHIFT) {
        pr_err("profile: profile=%u: the shift must be 1..%u; no profile\n", shift,
               PROFILE_MAX_SHIFT);
        return;
    }
    uint32_t text = (uint32_t)(kernel_text_end - kernel_text_start);
    uint32_t buckets = (text >> shift) + 1, bytes = buckets * sizeof(uint32_t);
    unsigned order = 0;
    while ((PAGE_SIZE << order) < bytes)
        order++;
    struct page *p = alloc_pages(GFP_KERNEL | __GFP_ZERO, order);
    if (!p) {
        pr_err("profile: no %u KiB for %u buckets; no profile\n", bytes >> 10, buckets);
        return;
    }
    prof.shift = shift;
    prof.buckets = buckets;
    prof.hits = page_address(p);        /* last: the tick may count from now on */
    pr_info("profile: %u buckets of %u bytes over %u KiB of kernel text, one sample a tick\n",
            buckets, 1u << shift, text >> 10);
}

bool profile_enabled(void)
{
    return prof.hits != NULL;
}

/*
 * Where the tick counts.  A tick that came while interrupts were off is
 * taken where they come back on, and that is nearly always the call to
 * preempt_enable() just after spin_unlock_irqrestore()'s sti: counted
 * there, half the samples would name preempt_enable.  As Linux's
 * profile_pc() does for lock functions, count it in the code that held
 * the lock instead: the caller of the unlock.  Interrupted in the
 * kernel, the CPU pushed no esp: the interrupted stack's top is where
 * user_esp would be, and at preempt_enable's first instruction it holds
 * the return address; the frame pointer is still the caller's.
 */
static uint32_t sample_pc(const struct int_frame *f)
{
    if (f->eip != (uint32_t)preempt_enable)
        return f->eip;
    uint32_t ret = *(const uint32_t *)&f->user_esp, off, size;
    const char *in = ksym_lookup(ret, &off, &size);
    if (!in || strcmp(in, "spin_unlock_irqrestore") != 0)
        return ret;                     /* preempt_enable's own caller */
    if (!kernel_addr_mapped(f->ebp, 8))
        return f->eip;
    return ((const uint32_t *)f->ebp)[1];   /* the unlock's caller */
}

void profile_tick(const struct int_frame *frame)
{
    if (!prof.hits)
        return;
    if (frame_from_user(frame)) {
        prof.user++;
        return;
    }
    uint32_t off = sample_pc(frame) - (uint32_t)kernel_text_start;
    if (off >> prof.shift < prof.buckets) {
        prof.hits[off >> prof.shift]++;
        prof.kernel++;
    }
}

void profile_reset(void)
{
    if (!prof.hits)
        return;
    uint32_t flags = irq_save();
    memset(prof.hits, 0, prof.buckets * sizeof(uint32_t));
    prof.user = prof.kernel = 0;
    irq_restore(flags);
}

struct fn_ticks { const char *name; uint32_t ticks; };

/* Put (name, ticks) into top[0..n), largest first, if it belongs there. */
static void keep_top(struct fn_ticks *top, uint32_t n, const char *name, uint32_t ticks)
{
    if (!ticks || (n && top[n - 1].ticks >= ticks))
        return;
    uint32_t i = n - 1;
    for (; i > 0 && top[i - 1].ticks < ticks; i--)
        top[i] = top[i - 1];
    top[i] = (struct fn_ticks){ name, ticks };
}

void profile_report(const char *title, uint32_t n)
{
    static struct fn_ticks top[PROFILE_TOP_MAX];
    if (!prof.hits)
        return;
    if (n > PROFILE_TOP_MAX)
        n = PROFILE_TOP_MAX;
    memset(top, 0, sizeof(top));
    uint32_t functions = 0, total = prof.kernel + prof.user;
    const char *name = NULL;
    uint32_t sum = 0;
    for (uint32_t b = 0; b <= prof.buckets; b++) {
        const char *here = NULL;
        if (b < prof.buckets && prof.hits[b]) {
            uint32_t off, size;
            here = ksym_lookup((uint32_t)kernel_text_start + (b << prof.shift), &off, &size);
            if (!here)
                here = "(no symbol)";
        }
        if (b == prof.buckets || (here && here != name)) {
            functions += sum != 0;
            keep_top(top, n, name, sum);
            name = here;
            sum = 0;
        }
        if (here)
            sum += prof.hits[b];
    }
    pr_info("profile %s: %u ticks, %u in the kernel (%u functions), %u in user mode\n",
            title, total, prof.kernel, functions, prof.user);
    for (uint32_t i = 0; i < n && top[i].ticks; i++)
        pr_info("profile %s: %6u %3u%% %s\n", title, top[i].ticks,
                total ? top[i].ticks * 100 / total : 0, top[i].name);
    if (functions > n)
        pr_info("profile %s: ... %u more functions\n", title, functions - n);
}

static void cmd_profile(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "reset") == 0) {
        profile_reset();
        console_puts(profile_enabled() ? "profile: reset\n" : "profile: off\n");
        return;
    }
    if (!profile_enabled())
        console_puts("profile: off (boot with profile=SHIFT)\n");
    profile_report("monitor", 20);
}

MONITOR_COMMAND("profile", "[reset]", "where the ticks went since boot or the last reset (profile=)",
                cmd_profile);
