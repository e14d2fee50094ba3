/*
 * reclaim.c - getting memory back when an allocation cannot be met.
 *
 * try_to_free_pages() is the one place the page allocator calls when an
 * allocation that may sleep finds free memory at its watermark.  Reclaim
 * -- the LRU lists, handing dirty pages to kswiod, sleeping on "any page
 * was freed" -- arrives with issue 6.  Until then there is nothing that can
 * be given back, so it reports no progress and the allocation fails.
 */
#include "mm.h"

uint32_t try_to_free_pages(gfp_t gfp, unsigned order)
{
    (void)gfp;
    (void)order;
    return 0;
}
