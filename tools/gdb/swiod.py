"""swiod.py - kernel-aware gdb commands for swiod (sourced by tools/gdb/gdbinit).

Commands:
  khelp     list these commands
  kdmesg    print the kernel log ring, oldest line first  (kdmesg [N]: last N lines)
  kmem      page allocator totals, buddy free blocks per order, slab caches
  kps       every task: id, name, state, priority, wait channel, held locks
  kbt       backtrace of one task (kbt NAME or kbt ID), switched out or current
  kiodq     the kswiods' queues: the page writes reclaim handed over, per device
  kuser     load a user program's symbols (kuser PROG: build/user/root/bin/PROG)

Convenience function:
  $kcurrent("NAME")  1 when the current task is named NAME, else 0: the
                     condition that makes `break main` stop in one program

Rules for every command here:
  - Read kernel memory through gdb only; never call a kernel function.  The
    kernel may be stopped anywhere -- in a fault handler, with interrupts
    off, half way through printk -- and calling into it from gdb would run
    code in that state, change it, or hang.  Reading is always safe.
  - Find kernel data by its symbol and type from the DWARF, not by a copied
    constant, so the command follows the kernel when a size changes.
  - A kernel structure gdb cannot read (paging not on yet, bad pointer) is
    reported as one gdb error line, not a Python traceback.

To add a command: write a small KernelCommand subclass
with a NAME, a docstring whose first line khelp prints, and invoke(); put
@register above it; add a line to the list above.
"""
import re
import struct

import gdb

COMMANDS = []                   # every registered command class, for khelp
KERNEL_ELF = "swiod.elf"        # gdbinit's `file build/swiod.elf`


def register(cls):
    """Class decorator: create the gdb command and list it for khelp."""
    cls()
    COMMANDS.append(cls)
    return cls


class KernelCommand(gdb.Command):
    """Base class: a user command named cls.NAME (shown by `help user-defined`)."""
    NAME = None

    def __init__(self):
        super().__init__(self.NAME, gdb.COMMAND_USER)


# --- reading kernel memory --------------------------------------------------

def symbol_value(name):
    """The gdb.Value of a kernel global, or a gdb error naming it."""
    try:
        return gdb.parse_and_eval(name)
    except gdb.error as e:
        raise gdb.GdbError(f"{name}: {e} (is build/swiod.elf loaded?)")


def kernel_global_symbol(name):
    """The kernel's global symbol `name`, or None.  Looked up in the
    kernel's objfile: stopped in a user program kuser loaded,
    gdb.lookup_global_symbol searches that program's symbols only."""
    try:
        return gdb.lookup_objfile(KERNEL_ELF).lookup_global_symbol(name)
    except ValueError:
        return None                 # no kernel objfile


def global_value(name):
    """The gdb.Value of the kernel global `name`, looked up among globals
    only: parse_and_eval would find a local or parameter of the same name in
    the frame the kernel is stopped in first."""
    sym = kernel_global_symbol(name)
    # Before gdb has read the DWARF of the file that defines it, the symbol
    # found may be an extern declaration's (LOC_UNRESOLVED: not is_variable);
    # its value() is still the variable's, found by its ELF symbol.
    if sym is None or not (sym.is_variable or sym.addr_class == gdb.SYMBOL_LOC_UNRESOLVED):
        raise gdb.GdbError(f"no kernel global {name} (is build/swiod.elf loaded and current?)")
    return sym.value()


def file_static(path, name):
    """The gdb.Value of the static variable `name` of source file `path`
    ("mm/page_alloc.c").  Looked up in that file's static block, so neither a
    local of the same name where the kernel is stopped nor a static of the
    same name in another file can be taken for it."""
    for sym in gdb.lookup_static_symbols(name):
        file = sym.symtab.filename if sym.symtab else ""
        if sym.is_variable and (file == path or file.endswith("/" + path)):
            return sym.value()
    raise gdb.GdbError(f"{path}: no static variable {name} "
                       "(is build/swiod.elf loaded and current?)")


def unmapped(addr):
    """The error for kernel memory gdb could not read: until boot.asm turns
    paging on, no higher-half address is mapped, so say so."""
    return gdb.GdbError(f"cannot read kernel memory at {addr:#x}: not mapped "
                        "(before kmain paging is off: break kmain, continue, retry)")


def read_bytes(addr, length):
    """length bytes of kernel memory at virtual address addr."""
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, length))
    except gdb.MemoryError:
        raise unmapped(addr)


def fetch(value):
    """value (a kernel variable or structure) read from the target now, in
    one piece: gdb reads lazily, and would otherwise fail later, on first use,
    with a bare 'Cannot access memory'."""
    try:
        value.fetch_lazy()
    except gdb.MemoryError:
        raise unmapped(int(value.address))
    return value


def read_u32(name):
    """A 32-bit kernel global, read as raw bytes so an unmapped address gives
    read_bytes' explanation rather than gdb's bare 'Cannot access memory'."""
    addr = int(symbol_value("&" + name))
    return int.from_bytes(read_bytes(addr, 4), "little")


# --- commands ---------------------------------------------------------------

@register
class KHelp(KernelCommand):
    """List the swiod gdb commands."""
    NAME = "khelp"

    def invoke(self, arg, from_tty):
        gdb.write("swiod commands (tools/gdb/swiod.py):\n")
        for cls in COMMANDS:
            gdb.write(f"  {cls.NAME:<9} {cls.__doc__.splitlines()[0]}\n")


@register
class KDmesg(KernelCommand):
    """Print the kernel log ring, oldest first; kdmesg N prints the last N lines.

    Reads log_buf and log_next (kernel/printk.c): log_next counts every byte
    ever logged, so once it passes sizeof(log_buf) the ring has wrapped and
    the oldest byte is the one at log_next % size, about to be overwritten."""
    NAME = "kdmesg"

    def invoke(self, arg, from_tty):
        try:
            last = int(arg) if arg.strip() else None
        except ValueError:
            raise gdb.GdbError("usage: kdmesg [N]")
        buf = symbol_value("log_buf")
        size = buf.type.sizeof
        end = read_u32("log_next")
        if end == 0:
            gdb.write("kdmesg: the log is empty (kmain has not printed yet)\n")
            return
        raw = read_bytes(int(buf.address), size)
        if end <= size:
            text = raw[:end]
        else:
            head = end % size
            text = raw[head:] + raw[:head]
        lines = text.decode("utf-8", errors="replace").splitlines(keepends=True)
        if end > size and lines:
            lines[0] = "[...] " + lines[0]      # the ring has likely cut its start off
        if last is not None:
            lines = lines[-last:] if last > 0 else []
        gdb.write("".join(lines))
        if lines and not lines[-1].endswith("\n"):
            gdb.write("\n")                     # a printk without a newline yet


# x86 32-bit paging maps 4 KiB pages (Intel SDM vol. 3A, 4.3).  PAGE_SIZE in
# include/mm.h is a macro, and -g puts no macros into the DWARF.
X86_PAGE_KIB = 4
MAX_CACHES = 1000               # a cache list longer than this is a corrupt one (a loop)


@register
class KMem(KernelCommand):
    """Page allocator totals, buddy free blocks per order, slab caches.

    What the monitor's free, buddy and slab commands print, read from
    mm/page_alloc.c (free_count, managed_count, hot_count, wmark,
    free_area[]) and mm/slab.c (the list all_caches), without calling
    nr_free_pages(), buddy_check() or slab_for_each_cache().

    The books: every free page is either in a buddy block or on the hot
    list, so sum(nr_blocks[k] << k) + hot_count == free_count.  The kernel
    updates these one at a time with interrupts off, so if it is stopped
    inside mm/page_alloc.c they may disagree for a moment: kmem then prints
    a WARNING line; `finish` out of the allocator and look again.  A
    disagreement anywhere else is a bug.  (Only the counts are compared;
    walking every free list, as buddy_check() does, is for the monitor.)"""
    NAME = "kmem"

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("usage: kmem")
        managed = self.totals()
        if managed == 0:
            gdb.write("kmem: the page allocator owns no pages yet (mm_init has not run)\n")
            return
        self.buddy()
        self.caches()

    @staticmethod
    def totals():
        pa = "mm/page_alloc.c"
        free = int(fetch(file_static(pa, "free_count")))
        managed = int(fetch(file_static(pa, "managed_count")))
        hot = int(fetch(file_static(pa, "hot_count")))
        w = fetch(file_static(pa, "wmark"))
        max_pfn = int(fetch(global_value("max_pfn")))
        gdb.write(f"free: {free} pages ({free * X86_PAGE_KIB} KiB) of {managed} managed; "
                  f"hot list {hot}; watermarks min {int(w['min'])} low {int(w['low'])} "
                  f"high {int(w['high'])}; max_pfn {max_pfn}\n")
        return managed

    @staticmethod
    def buddy():
        pa = "mm/page_alloc.c"
        area = fetch(file_static(pa, "free_area"))
        first, last = area.type.range()             # 0 .. MAX_ORDER
        blocks = [int(area[k]["nr_blocks"]) for k in range(first, last + 1)]
        gdb.write("buddy: " + "  ".join(f"order {k}: {n}" if k == 0 else f"{k}: {n}"
                                        for k, n in enumerate(blocks)) + "\n")
        # Read free_count and hot_count again, after free_area: the same
        # moment, since the kernel is stopped, and this line stands alone.
        free = int(fetch(file_static(pa, "free_count")))
        hot = int(fetch(file_static(pa, "hot_count")))
        in_blocks = sum(n << k for k, n in enumerate(blocks))
        if in_blocks + hot == free:
            gdb.write(f"buddy: books balance: {in_blocks} pages in blocks + {hot} hot "
                      f"= {free} free\n")
        else:
            gdb.write(f"buddy: WARNING: books do not balance: {in_blocks} pages in blocks "
                      f"+ {hot} hot = {in_blocks + hot}, but free_count is {free} "
                      "(stopped inside mm/page_alloc.c? finish and retry; else a bug)\n")

    @staticmethod
    def caches():
        head = file_static("mm/slab.c", "all_caches")
        head_addr = int(head.address)
        cache_type = gdb.lookup_type("struct kmem_cache")
        # list_entry(link, struct kmem_cache, caches): the member's offset
        # from the DWARF, so the walk follows the struct if it changes.
        link_offset = next(f.bitpos for f in cache_type.fields() if f.name == "caches") // 8
        gdb.write(f"{'cache':<14} {'size':>6} {'slot':>6} {'objects':>8} {'slabs':>6} "
                  f"{'order':>5} {'per_slab':>8}\n")
        link = int(fetch(head)["next"])
        count = 0
        while link != head_addr:
            if link == 0:
                raise gdb.GdbError("kmem: all_caches: a NULL link (a cache was list_del'ed "
                                   "while on the list?)")
            count += 1
            if count > MAX_CACHES:
                raise gdb.GdbError(f"kmem: all_caches: more than {MAX_CACHES} caches; "
                                   "the list is corrupt (a loop?)")
            c = fetch(gdb.Value(link - link_offset).cast(cache_type.pointer()).dereference())
            try:
                name = c["name"].string(errors="replace") if int(c["name"]) else "(no name)"
            except gdb.MemoryError:
                name = f"(name at {int(c['name']):#x} unreadable)"
            gdb.write(f"{name:<14} {int(c['object_size']):>6} {int(c['slot_size']):>6} "
                      f"{int(c['active']):>8} {int(c['nr_slabs']):>6} {int(c['order']):>5} "
                      f"{int(c['per_slab']):>8}\n")
            link = int(c["caches"]["next"])


# --- tasks (kernel/sched.c, include/sched.h) --------------------------------

SCHED = "kernel/sched.c"
KERNEL_VMA = 0xC0000000          # include/mm.h: the direct map's base
MAX_TASKS = 1000                # a task list longer than this is a corrupt one (a loop)
MAX_FRAMES = 32                 # kbt stops after this many frames: a corrupt chain
MAX_NAME = 64                   # a longer lock or channel name is no name (as kernel/hung.c)
X86_PAGE_BYTES = X86_PAGE_KIB * 1024


def member_offset(struct_type, member):
    """offsetof(struct_type, member), from the DWARF."""
    return next(f.bitpos for f in struct_type.fields() if f.name == member) // 8


def read_word(addr):
    """The 32-bit word of kernel memory at addr."""
    return int.from_bytes(read_bytes(addr, 4), "little")


def read_cstring(addr):
    """The NUL-terminated string at addr, or None when it is NULL, unreadable
    or longer than MAX_NAME: a pointer from a task that may be corrupt is
    read with care, as kernel/hung.c's name_ok does."""
    if addr == 0:
        return None
    raw = b""
    while len(raw) < MAX_NAME:
        at = addr + len(raw)
        # One page at a time: the string may end just before an unmapped page.
        chunk = min(MAX_NAME - len(raw), X86_PAGE_BYTES - at % X86_PAGE_BYTES)
        try:
            raw += bytes(gdb.selected_inferior().read_memory(at, chunk))
        except gdb.MemoryError:
            return None
        if b"\0" in raw:
            return raw[:raw.index(b"\0")].decode("utf-8", errors="replace")
    return None


def pc_symbol(pc):
    """(name, offset) of the ELF symbol containing pc, as `info symbol` finds
    it -- C functions, static ones and assembly labels alike -- or (None, 0)."""
    out = gdb.execute(f"info symbol {pc:#x}", to_string=True)
    m = re.match(r"(\S+)(?: \+ (\d+))? in section ", out)
    return (m.group(1), int(m.group(2) or 0)) if m else (None, 0)


def describe_pc(pc, return_address):
    """"symbol+0xoff (file.c:line)" for a code address, the offset as the
    kernel's ksym_describe prints it.  A return address points after its
    call: symbol and line are looked up at pc - 1, so a call that ends a
    function (to a noreturn one) is not blamed on the function after it."""
    look = pc - 1 if return_address else pc
    name, off = pc_symbol(look)
    if not name:
        return "??"
    where = f"{name}+{off + pc - look:#x}"
    if off == 0:
        # A function's first instruction: its own line, not that of whatever
        # the line table says was inlined there first.  (Several files may
        # have a static function of that name: take the one at this address.)
        for sym in gdb.lookup_static_symbols(name) + [kernel_global_symbol(name)]:
            if (sym and sym.is_function and sym.symtab
                    and int(sym.value().address) == look):
                return where + f" ({sym.symtab.filename}:{sym.line})"
    sal = gdb.find_pc_line(look)
    if sal.symtab:
        where += f" ({sal.symtab.filename}:{sal.line})"
    return where


def enum_word(value, prefix):
    """An enum value as the word its enumerator says: TASK_SLEEPING with
    prefix "TASK_" is "sleeping".  A value no enumerator has (a corrupt
    task) is shown as a number with a question mark."""
    text = str(value)
    return text[len(prefix):].lower() if text.startswith(prefix) else f"{int(value)}?"


def state_names():
    """task_state_name()'s table of state names, read out of the kernel so
    that kps says what the monitor's ps says ("blocked" for
    TASK_UNINTERRUPTIBLE); {} if gdb cannot find it (then kps falls back to
    the enumerators' names)."""
    try:
        fn = kernel_global_symbol("task_state_name")
        block = gdb.block_for_pc(int(fn.value().address))
        table = gdb.lookup_symbol("names", block)[0].value()
        first, last = table.type.range()
        return {k: read_cstring(int(table[k])) for k in range(first, last + 1)}
    except (AttributeError, TypeError, gdb.error, gdb.GdbError):
        return {}


def state_word(t, names):
    """t's state as kps and kbt print it: names (state_names()) or, failing
    that, the enumerator's word."""
    return names.get(int(t["state"])) or enum_word(t["state"], "TASK_")


def all_tasks():
    """Every task on the list all_tasks (kernel/sched.c), oldest first, each
    a struct task gdb.Value read from the target."""
    head = file_static(SCHED, "all_tasks")
    head_addr = int(head.address)
    task_type = gdb.lookup_type("struct task")
    link_offset = member_offset(task_type, "all_link")
    tasks = []
    link = int(fetch(head)["next"])
    while link != head_addr:
        if link == 0:
            raise gdb.GdbError("all_tasks: a NULL link (a task was list_del'ed while on it?)")
        if len(tasks) == MAX_TASKS:
            raise gdb.GdbError(f"all_tasks: more than {MAX_TASKS} tasks; "
                               "the list is corrupt (a loop?)")
        t = fetch(gdb.Value(link - link_offset).cast(task_type.pointer()).dereference())
        tasks.append(t)
        link = int(t["all_link"]["next"])
    return tasks


def task_name(t):
    """t->name, a char array, up to its NUL."""
    raw = read_bytes(int(t["name"].address), t["name"].type.sizeof)
    return raw.split(b"\0")[0].decode("utf-8", errors="replace")


def task_magic():
    """TASK_MAGIC, a macro (not in the DWARF): read from boot_task, which
    kernel/sched.c initialises with it."""
    return int(fetch(file_static(SCHED, "boot_task"))["magic"])


def blocked(t):
    return str(t["state"]) in ("TASK_SLEEPING", "TASK_UNINTERRUPTIBLE")


def current_task():
    """The address of the task `current` points at."""
    return int(fetch(global_value("current")))


@register
class KPs(KernelCommand):
    """Every task: id, name, state, priority, wait channel, held locks.

    Walks all_tasks (kernel/sched.c) the way the monitor's ps does, without
    calling task_for_each(): '*' marks `current`, the task whose code the
    CPU is running.  A task blocked (TASK_SLEEPING, TASK_UNINTERRUPTIBLE)
    shows its wait channel -- the wchan name and the wait_kind enumerator,
    which say what kind of object wait_obj is; both mean something only
    while the task is blocked.  Each lock the task holds (held[], innermost
    last) follows on a line of its own with the place it was taken.

    A task is stopped anywhere, so a task may be half way through set_wait()
    or a lock call: its fields are exactly what the kernel has written so
    far.  A task whose magic number is wrong is shown, marked CORRUPT."""
    NAME = "kps"

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("usage: kps")
        tasks = all_tasks()
        if not tasks:
            gdb.write("kps: no tasks yet (sched_init has not run)\n")
            return
        cur, magic, names = current_task(), task_magic(), state_names()
        gdb.write(f"  {'id':>3} {'name':<15} {'state':<9} {'prio':<6}  waits on\n")
        for t in tasks:
            self.show(t, int(t.address) == cur, magic, names)

    @staticmethod
    def show(t, is_current, magic, names):
        state = state_word(t, names)
        waits = ""
        if blocked(t):
            wchan = read_cstring(int(t["wchan"])) or "?"
            waits = f"{wchan} ({t['wait_kind']})"
        if int(t["magic"]) != magic:
            waits += f"  CORRUPT: magic {int(t['magic']):#x} (stack overflow, or freed?)"
        gdb.write(f"{'*' if is_current else ' '} {int(t['id']):>3} {task_name(t):<15} "
                  f"{state:<9} {enum_word(t['prio'], 'PRIO_'):<6}  {waits}".rstrip() + "\n")
        held = t["held"]
        nr_held = int(t["nr_held"])
        first, last = held.type.range()
        if not 0 <= nr_held <= last + 1:
            gdb.write(f"        nr_held is {nr_held}, not 0..{last + 1}: corrupt\n")
            return
        for i in range(nr_held):
            lock_map = int(held[i]["map"])
            name = None
            if lock_map:
                try:
                    name = read_cstring(int(held[i]["map"].dereference()["name"]))
                except gdb.MemoryError:
                    pass
            gdb.write(f"        holds {name or f'? (lockdep_map at {lock_map:#x})'}, "
                      f"taken at {describe_pc(int(held[i]['site']), True)}\n")
        if int(t["proc"]):
            KPs.show_process(t)

    @staticmethod
    def show_process(t):
        """A user process's line: its parent's pid and its pages in memory
        and in swap, counted from its page tables as vm_count_pages() does
        (read through the direct map; a table gdb cannot read is said)."""
        proc = fetch(t["proc"].dereference())
        parent = int(proc["parent"])
        ppid = int(fetch(proc["parent"].dereference()["task"].dereference())["id"]) \
            if parent else 0
        if not int(proc["vm"]):
            gdb.write(f"        process: parent {ppid}, exited (no memory)\n")
            return
        pgdir = int(fetch(proc["vm"].dereference())["pgdir"])
        resident = swapped = 0
        try:
            pdes = struct.unpack("<768I", read_bytes(pgdir, 768 * 4))
            for pde in pdes:
                if pde & 1:
                    table = struct.unpack("<1024I", read_bytes(KERNEL_VMA + (pde & ~0xFFF), 4096))
                    resident += sum(1 for pte in table if pte & 1)
                    swapped += sum(1 for pte in table if not pte & 1 and pte & 2)
        except gdb.MemoryError as e:
            gdb.write(f"        process: parent {ppid}, page tables unreadable ({e})\n")
            return
        gdb.write(f"        process: parent {ppid}, {resident} pages resident, "
                  f"{swapped} swapped\n")


@register
class KBt(KernelCommand):
    """Backtrace of one task: kbt NAME or kbt ID (as kps lists them).

    The current task (kps's '*') is running where gdb stopped: kbt runs
    gdb's own `bt`.  Any other task is switched out: its registers are on
    its own stack, where switch_to (kernel/switch.asm) pushed them, and
    task->esp points at that frame (struct switch_frame in kernel/sched.c:
    eflags, edi, esi, ebx, ebp, then the address switch_to returns to).
    That return address is frame #0 -- in __schedule(), or in its caller
    if the compiler inlined it -- and the saved ebp starts the walk up the
    chain of [saved ebp][return address] pairs the kernel's frame pointers
    leave (-fno-omit-frame-pointer).  The walk ends at a saved ebp of 0
    (the outermost frame: task_start's in every task, boot.asm's for
    kmain), at an ebp that does not increase (stacks grow down, so callers
    sit higher), or after 32 frames.

    A task that has never run shows only task_start: the frame task_create()
    built for the first switch_to.  A task switched out from an interrupt
    (preempted, or idle after its hlt) shows interrupt_common; kbt then
    reads the struct int_frame it passed to interrupt_dispatch() and goes
    on from the interrupted eip and ebp, so the interrupted function is
    shown too.  (Its caller is missing when it had no frame of its own
    yet: interrupted in its prologue, or a frameless leaf such as idle()'s
    sti;hlt loop.  The frame-pointer chain cannot show what was never
    pushed; gdb's own bt, which reads the DWARF call frame information,
    can -- but only for the current task.)

    Stopped inside switch_to itself, `current` may already name the next
    task while the CPU is still on the previous one's stack: step out of
    switch_to first."""
    NAME = "kbt"

    def invoke(self, arg, from_tty):
        arg = arg.strip()
        if not arg or len(arg.split()) != 1:
            raise gdb.GdbError("usage: kbt NAME|ID   (kps lists the tasks)")
        t = self.find(arg)
        name, state = task_name(t), state_word(t, state_names())
        if int(t.address) == current_task():
            gdb.write(f"kbt: task {int(t['id'])} \"{name}\" is current (running where "
                      "gdb stopped): gdb's own backtrace\n")
            gdb.execute("bt")
            return
        esp = int(t["esp"])
        if esp == 0:
            raise gdb.GdbError(f"kbt: task \"{name}\" ({state}) is not current but has "
                               "no saved stack pointer (esp 0): corrupt?")
        gdb.write(f"kbt: task {int(t['id'])} \"{name}\" ({state}) is switched out; "
                  f"switch_to saved its registers at esp {esp:#x}\n")
        self.walk(esp)

    @staticmethod
    def find(arg):
        tasks = all_tasks()
        if arg.isdigit():
            by_id = [t for t in tasks if int(t["id"]) == int(arg)]
            if by_id:
                return by_id[0]
        by_name = [t for t in tasks if task_name(t) == arg]
        if len(by_name) == 1:
            return by_name[0]
        if by_name:
            ids = ", ".join(str(int(t["id"])) for t in by_name)
            raise gdb.GdbError(f"kbt: {len(by_name)} tasks are named \"{arg}\" (ids {ids}); "
                               "give the id")
        known = ", ".join(f"{int(t['id'])} {task_name(t)}" for t in tasks)
        raise gdb.GdbError(f"kbt: no task {arg} (tasks: {known or 'none yet'})")

    @staticmethod
    def walk(esp):
        frame_type = gdb.lookup_type("struct switch_frame")
        try:
            saved = fetch(gdb.Value(esp).cast(frame_type.pointer()).dereference())
        except gdb.GdbError:
            raise gdb.GdbError(f"kbt: the saved esp {esp:#x} is unreadable "
                               "(its stack freed? the task corrupt?)")
        pc, ebp = int(saved["ret"]), int(saved["ebp"])
        if ebp == 0 and pc_symbol(pc) == ("task_start", 0):
            gdb.write(f"#0  {pc:#010x} in {describe_pc(pc, False)}  "
                      "(never run: its first switch_to enters here)\n")
            return
        gdb.write(f"#0  {pc:#010x} in {describe_pc(pc, True)}\n")
        n = 1
        while ebp != 0 and n < MAX_FRAMES:
            next_ebp = None
            try:
                next_ebp = read_word(ebp)
                ret = read_word(ebp + 4)
            except gdb.GdbError:
                if next_ebp == 0:
                    # The outermost frame: task_start's sits at the very top
                    # of its stack, with no return address above it, since
                    # switch_to entered it and nothing called it.
                    return
                gdb.write(f"(the frame at ebp {ebp:#x} is unreadable: walk stopped)\n")
                return
            gdb.write(f"#{n:<2} {ret:#010x} in {describe_pc(ret, True)}\n")
            n += 1
            if pc_symbol(ret - 1)[0] == "interrupt_common" and n < MAX_FRAMES:
                # interrupt_common pushed a struct int_frame * and called
                # interrupt_dispatch: the argument sits above its return address.
                f = fetch(gdb.Value(read_word(ebp + 8))
                          .cast(gdb.lookup_type("struct int_frame").pointer()).dereference())
                eip = int(f["eip"])
                gdb.write(f"    -- interrupt, vector {int(f['vector'])}; interrupted at --\n")
                gdb.write(f"#{n:<2} {eip:#010x} in {describe_pc(eip, False)}\n")
                n += 1
                next_ebp = int(f["ebp"])
            if next_ebp != 0 and next_ebp <= ebp:
                gdb.write(f"(the next frame pointer {next_ebp:#x} is not above {ebp:#x}: "
                          "a corrupt chain; walk stopped)\n")
                return
            ebp = next_ebp
        if ebp != 0:
            gdb.write(f"(more frames: kbt stops after {MAX_FRAMES})\n")


KSWIOD = "mm/kswiod.c"
MAX_QUEUE = 4096                # far above KSWIOD_MAX_PAGES: a longer list is a loop


def swap_area_name(index):
    """The device name of swap area `index` (mm/swapfile.c by_index[])."""
    areas = fetch(file_static("mm/swapfile.c", "by_index"))
    first, last = areas.type.range()
    if not first <= index <= last or int(areas[index]) == 0:
        return f"area {index}?"
    bdev = areas[index].dereference()["bdev"].dereference()
    return read_bytes(int(bdev["name"].address), bdev["name"].type.sizeof).split(b"\0")[0].decode()


def list_entries(head, struct_type, member):
    """The structs of struct_type linked through member on the list whose
    head is the gdb.Value head, in order, each read from the target."""
    offset = member_offset(struct_type, member)
    head_addr = int(head.address)
    entries = []
    link = int(fetch(head)["next"])
    while link != head_addr:
        if link == 0 or len(entries) == MAX_QUEUE:
            raise gdb.GdbError(f"{head}: a NULL link or a loop: corrupt")
        entries.append(fetch(gdb.Value(link - offset).cast(struct_type.pointer()).dereference()))
        link = int(entries[-1][member]["next"])
    return entries


def page_write_target(p, pg):
    """What a queued page is written to: a swap slot (area device and slot,
    from page->swap) or a file page (inode and index, from wb_mapping)."""
    if int(p["flags"]) & pg["PG_anon"]:
        swap = int(p["swap"])
        what = f"swap  {swap_area_name((swap >> 2) & 15)} slot {swap >> 12}"
        if not int(p["flags"]) & pg["PG_swapcache"]:
            what += "  (slot given up: dropped unwritten)"
        return what
    mapping = p["wb_mapping"]
    ino = int(mapping.dereference()["host"].dereference()["ino"]) if int(mapping) else 0
    return f"file  inode {ino} page {int(p['index'])}"


@register
class KIodq(KernelCommand):
    """The kswiods' queues: the page writes reclaim handed over, per device,
    oldest first.

    Reads mm/kswiod.c (devs, each device's struct kswiod_dev: queue,
    nr_queued, nr_in_flight, bios_in_flight) and vm_events without calling
    kswiod_counts().  First the totals, then each device's kswiod and its
    queued pages: pfn and what each is written to -- a swap slot or a file
    page.  Pages in flight are in bios the block driver owns and are only
    counted.  A page whose slot was given up while it waited (PG_swapcache
    clear) is marked: kswiod will drop it unwritten."""
    NAME = "kiodq"

    def invoke(self, arg, from_tty):
        if arg.strip():
            raise gdb.GdbError("usage: kiodq")
        devs = list_entries(file_static(KSWIOD, "devs"), gdb.lookup_type("struct kswiod_dev"),
                            "link")
        ev = fetch(symbol_value("vm_events"))
        total = [sum(int(d[f]) for d in devs)
                 for f in ("nr_queued", "nr_in_flight", "bios_in_flight")]
        gdb.write(f"kswiod: {total[0]} queued, {total[1]} in flight in {total[2]} bios; "
                  f"{int(ev['kswiod_completed'])} completed, {int(ev['kswiod_errors'])} errors "
                  f"since boot; {len(devs)} devices\n")
        page_type = gdb.lookup_type("struct page")
        mem_map = int(fetch(symbol_value("mem_map")))
        pg = {name: int(gdb.parse_and_eval(name)) for name in ("PG_anon", "PG_swapcache")}
        for d in devs:
            queued = int(d["nr_queued"])
            gdb.write(f"{task_name(d['task'].dereference())}: {queued} queued, "
                      f"{int(d['nr_in_flight'])} in flight in {int(d['bios_in_flight'])} bios\n")
            pages = list_entries(d["queue"], page_type, "lru")
            for n, p in enumerate(pages):
                pfn = (int(p.address) - mem_map) // page_type.sizeof
                gdb.write(f"  {n:>4}  pfn {pfn:#07x}  {page_write_target(p, pg)}\n")
            if len(pages) != queued:
                gdb.write(f"kiodq: WARNING: {len(pages)} pages on the queue but nr_queued is "
                          f"{queued} (stopped inside kswiod.c while it changes them?)\n")


# --- user programs (user/, build/user/root/bin) ------------------------------

USER_BIN = "build/user/root/bin"


def current_task_name():
    """The name of the task `current` points at ("" before sched_init)."""
    cur = current_task()
    if cur == 0:
        return ""
    return task_name(gdb.Value(cur).cast(gdb.lookup_type("struct task").pointer()).dereference())


class KCurrent(gdb.Function):
    """$kcurrent("NAME"): 1 when the current task is named NAME, else 0.

    For a breakpoint condition: `break main if $kcurrent("hello")`.  A task
    that execs takes its program's name (kps shows it), so this picks one
    program out of every process whose code runs at the same user address."""

    def __init__(self):
        super().__init__("kcurrent")

    def invoke(self, name):
        return int(current_task_name() == name.string())


KCurrent()


@register
class KUser(KernelCommand):
    """Load a user program's symbols: kuser PROG (build/user/root/bin/PROG).

    The programs are static ELF32 executables linked at 0x08048000 (the
    Makefile's user link), so their symbols are loaded at the addresses the
    file gives (add-symbol-file without an address): `break main`, `bt`,
    `list` and `print argv[0]` then work while the CPU runs that program.
    A second kuser replaces the program loaded before (both have a main,
    at different addresses in different address spaces).

    Every process runs at the same user addresses, each in its own address
    space, and QEMU's gdb stub matches a breakpoint by virtual address
    alone: `break main` stops in whichever process runs that address first
    -- the program kuser loaded, or another one (then bt shows the wrong
    program's source).  Make it stop in the right one with a condition on
    the current task's name (a process's task takes its program's name at
    exec): `break main if $kcurrent("PROG")`, or boot with only that
    program running (init=/bin/PROG)."""
    NAME = "kuser"
    loaded = None                   # the file of the program loaded last

    def invoke(self, arg, from_tty):
        args = arg.split()
        if len(args) != 1:
            raise gdb.GdbError("usage: kuser PROG   (a program of build/user/root/bin)")
        path = f"{USER_BIN}/{args[0]}"
        try:
            with open(path, "rb") as f:
                head = f.read(20)
        except OSError as e:
            raise gdb.GdbError(f"kuser: cannot read {path}: {e.strerror} (run make; "
                               f"the programs are those of user/)")
        # e_ident: ELFCLASS32, ELFDATA2LSB; e_type ET_EXEC; e_machine EM_386.
        if head[:6] != b"\x7fELF\x01\x01" or struct.unpack("<HH", head[16:20]) != (2, 3):
            raise gdb.GdbError(f"kuser: {path} is not a static i386 ELF32 executable")
        confirm = gdb.parameter("confirm")
        gdb.execute("set confirm off")      # add/remove-symbol-file would ask
        try:
            if KUser.loaded:
                try:
                    old = gdb.lookup_objfile(KUser.loaded).filename
                except ValueError:
                    old = None          # removed by hand (remove-symbol-file)
                if old:
                    # By the objfile's own (absolute) name: gdb matches no other.
                    gdb.execute(f"remove-symbol-file {old}", to_string=True)
                KUser.loaded = None
            gdb.execute(f"add-symbol-file {path}", to_string=True)
        finally:
            gdb.execute(f"set confirm {'on' if confirm else 'off'}")
        KUser.loaded = path
        main = gdb.lookup_objfile(path).lookup_global_symbol("main")
        where = f"; main at {int(main.value().address):#x}" if main else ""
        gdb.write(f"kuser: {path} symbols loaded at its link addresses{where}; to stop in "
                  f"it: break main if $kcurrent(\"{args[0]}\")\n")
