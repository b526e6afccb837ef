"""Where a Terraform command spends its CPU, by Go function, from a `perf record -g` of it.

Release builds of Terraform are stripped of ELF symbols, but every Go binary keeps its function
table (the `.gopclntab` section) for the runtime; this reads function names from there, so no Go
toolchain is needed. Only the `terraform` process is counted (not the provider plugin).

    perf record -F 299 -g -o plan.perf -- terraform plan -refresh=false -out=plan.bin
    perf script -i plan.perf -F comm,ip | .venv/bin/python benchmarks/profile_terraform.py
    ... | .venv/bin/python benchmarks/profile_terraform.py --callers markSafeLengthInt

Prints each function's share of the samples: inclusive (on the stack), or, with --callers NAME,
the call chains that lead to the first function whose name contains NAME.
"""

from __future__ import annotations

import argparse
import bisect
import shutil
import struct
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

# Magic numbers of the function table layout used since Go 1.18 (1.18-1.19, and 1.20 on).
PCLNTAB_MAGICS = (0xFFFFFFF0, 0xFFFFFFF1)
ELF_MAGIC = b"\x7fELF"


class GoFunctions:
    """Function names by address, from a Go (>= 1.18) ELF binary's `.gopclntab`."""

    def __init__(self, binary: Path) -> None:
        data = binary.read_bytes()
        if not data.startswith(ELF_MAGIC):
            raise ValueError(f"{binary}: not an ELF binary (a version manager's shim?): pass --binary")
        offset, self.load_bias = pclntab_offset(binary)
        (magic,) = struct.unpack_from("<I", data, offset)
        if magic not in PCLNTAB_MAGICS:
            raise ValueError(f"{binary}: not a Go 1.18+ function table (magic {magic:#x})")
        nfunc, _nfiles, text, names, _cu, _files, _pc, functab = struct.unpack_from("<8Q", data, offset + 8)
        if text == 0:
            raise ValueError(f"{binary}: a position-independent build (its addresses are known only when loaded)")
        (end,) = struct.unpack_from("<I", data, offset + functab + 8 * nfunc)
        self.end = text + end  # the function table closes with the end of the last function
        self.entries: list[int] = []
        self.names: list[str] = []
        for i in range(nfunc):
            entry, func = struct.unpack_from("<II", data, offset + functab + 8 * i)
            (name,) = struct.unpack_from("<i", data, offset + functab + func + 4)
            start = offset + names + name
            self.entries.append(text + entry)
            self.names.append(data[start : data.index(b"\0", start)].decode(errors="replace"))

    def name(self, address: int) -> str:
        i = bisect.bisect_right(self.entries, address) - 1
        return self.names[i] if i >= 0 and address < self.end else "?"


def pclntab_offset(binary: Path) -> tuple[int, int]:
    """File offset of `.gopclntab`, and what perf's printed addresses lack: the load address of
    the first segment (perf 6 prints a stripped binary's addresses relative to it; an older perf
    prints them whole: then pass --bias 0)."""
    sections = subprocess.run(["readelf", "-SW", str(binary)], capture_output=True, text=True, check=True).stdout
    segments = subprocess.run(["readelf", "-lW", str(binary)], capture_output=True, text=True, check=True).stdout
    offset = next(int(line.split()[-7], 16) for line in sections.splitlines() if ".gopclntab" in line)
    load = next(int(line.split()[2], 16) for line in segments.splitlines() if line.strip().startswith("LOAD"))
    return offset, load


def stacks(lines: Iterable[str], command: str = "terraform") -> Iterator[list[int]]:
    """The sampled call stacks (innermost first) of ``command`` in `perf script -F comm,ip` output."""
    stack: list[int] = []
    current = None
    for line in lines:
        if not line.strip():
            if current == command and stack:
                yield stack
            stack, current = [], None
        elif line[0] not in " \t":
            current = line.split()[0]
        else:
            stack.append(int(line.split()[0], 16))
    if current == command and stack:
        yield stack


def short(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", type=Path, default=Path(shutil.which("terraform") or "terraform"))
    parser.add_argument("--callers", metavar="NAME", help="call chains into the first function matching NAME")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--bias", type=lambda v: int(v, 0), help="add this to perf's addresses (default: the load address)"
    )
    args = parser.parse_args(argv)
    try:
        functions = GoFunctions(args.binary)
    except ValueError as error:
        parser.error(str(error))
    bias = functions.load_bias if args.bias is None else args.bias
    kernel = 0xFFFF000000000000
    shares: Counter[str] = Counter()
    total = 0
    for stack in stacks(sys.stdin):
        total += 1
        names = [functions.name(a + bias) if a < kernel else "[kernel]" for a in stack]
        if args.callers:
            hit = next((i for i, n in enumerate(names) if args.callers in n), None)
            if hit is not None:
                shares[" <- ".join(short(n) for n in names[hit : hit + 5])] += 1
        else:
            shares.update(set(names))
    print(f"{total} samples of {args.binary.name}")
    for name, count in shares.most_common(args.top):
        print(f"{100 * count / max(total, 1):5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
