#!/usr/bin/env python3
# seam.py SRCDIR - the engine reaches libc's hooked names only through its
# seam (engine/sys.h): no file of engine/ but sys_libc.c calls a name
# libmrtshim.so interposes (libmrtshim/exports.map), nor closes an fd with
# syscall(SYS_close); and libmrtshim/ includes no engine header but
# engine.h. Prints each violation with its line; exit 1 if any.
import pathlib
import re
import sys

src = pathlib.Path(sys.argv[1])
exports = (src / "libmrtshim/exports.map").read_text()
block = exports.split("global:")[1].split("local:")[0]
names = sorted({n for n in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", block)
                if not n.startswith("mrtshim")})
call = re.compile(r"(?<![\w.>])(" + "|".join(names) + r")\s*\(")
raw_close = re.compile(r"syscall\s*\(\s*SYS_close\b")


def code_lines(path):
    """(line number, text) of code, with comments and strings blanked."""
    text = path.read_text()
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()),
                  text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"//[^\n]*", "", text)
    return enumerate(text.split("\n"), 1)


bad = []
for path in sorted((src / "engine").glob("*.c")):
    if path.name == "sys_libc.c":
        continue
    for no, line in code_lines(path):
        if line.lstrip().startswith("#"):
            continue
        for m in call.finditer(line):
            bad.append(f"{path.relative_to(src)}:{no}: calls {m.group(1)}()"
                       " outside engine/sys.h")
        if raw_close.search(line):
            bad.append(f"{path.relative_to(src)}:{no}: syscall(SYS_close)"
                       " outside engine/sys.h")

engine_headers = {p.name for p in (src / "engine").glob("*.h")}
for path in sorted((src / "libmrtshim").glob("*.[ch]")):
    for no, line in enumerate(path.read_text().split("\n"), 1):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if m and m.group(1) in engine_headers and m.group(1) != "engine.h":
            bad.append(f"{path.relative_to(src)}:{no}: includes the engine's"
                       f" private {m.group(1)} (only engine.h)")

for b in bad:
    print(b)
print(f"seam: {len(bad)} violations")
sys.exit(1 if bad else 0)
