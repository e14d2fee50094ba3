"""swiod.py - kernel-aware gdb commands for swiod (sourced by tools/gdb/gdbinit).

Commands:
  khelp     list these commands
  kdmesg    print the kernel log ring, oldest line first  (kdmesg [N]: last N lines)

Rules for every command here:
  - Read kernel memory through gdb only; never call a kernel function.  The
    kernel may be stopped anywhere -- in a fault handler, with interrupts
    off, half way through printk -- and calling into it from gdb would run
    code in that state, change it, or hang.  Reading is always safe.
  - Find kernel data by its symbol and type from the DWARF, not by a copied
    constant, so the command follows the kernel when a size changes.
  - A kernel structure gdb cannot read (paging not on yet, bad pointer) is
    reported as one gdb error line, not a Python traceback.

To add a command (kps, kbt, kmem, ...): write a small KernelCommand subclass
with a NAME, a docstring whose first line khelp prints, and invoke(); put
@register above it; add a line to the list above.
"""
import gdb

COMMANDS = []                   # every registered command class, for khelp


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


def read_bytes(addr, length):
    """length bytes of kernel memory at virtual address addr.  Until boot.asm
    turns paging on, no higher-half address is mapped: say so."""
    try:
        return bytes(gdb.selected_inferior().read_memory(addr, length))
    except gdb.MemoryError:
        raise gdb.GdbError(f"cannot read kernel memory at {addr:#x}: not mapped "
                           "(before kmain paging is off: break kmain, continue, retry)")


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
