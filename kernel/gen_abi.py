#!/usr/bin/env python3
"""Generate the kernel's system-call dispatch and the user-side stubs from
kernel/syscalls.def, so that the ABI is written down exactly once."""
import sys

ARG_REGS = ["rdi", "rsi", "rdx", "r10", "r8", "r9"]
OUT_REGS = ["rdi", "rsi"]
HEADER = "/* Generated from kernel/syscalls.def by kernel/gen_abi.py. Do not edit. */\n"


def parse(path):
    calls = []
    for lineno, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        outs = []
        if "->" in words:
            i = words.index("->")
            words, outs = words[:i], words[i + 1:]
        name, args = words[0], words[1:]
        if len(args) > len(ARG_REGS) or len(outs) > len(OUT_REGS):
            sys.exit(f"{path}:{lineno}: {name}: too many arguments or outputs")
        calls.append((name, args, outs))
    return calls


def kernel_header(calls):
    s = [HEADER, "#pragma once\n"]
    for nr, (name, _, _) in enumerate(calls):
        s.append(f"#define SYS_{name.upper()} {nr}")
    s.append("\n#ifndef __ASSEMBLER__")
    s.append("#include <stdint.h>\n")
    s.append("struct regs;\n")
    for name, args, _ in calls:
        params = ", ".join(f"uint64_t {a}" for a in args) or "void"
        s.append(f"long sys_{name}({params});")
    s.append("\nstatic inline long\nsyscall_dispatch(struct regs *r)\n{")
    s.append("\tswitch (r->rax) {")
    for nr, (name, args, _) in enumerate(calls):
        actual = ", ".join(f"r->{ARG_REGS[i]}" for i in range(len(args)))
        s.append(f"\tcase {nr}:\n\t\treturn sys_{name}({actual});")
    s.append("\tdefault:\n\t\treturn -E_NOSYS;\n\t}\n}")
    s.append("#endif")
    return "\n".join(s) + "\n"


def user_header(calls):
    s = [HEADER, "#pragma once\n", "#include <stdint.h>\n"]
    for nr, (name, _, _) in enumerate(calls):
        s.append(f"#define SYS_{name.upper()} {nr}")
    s.append("")
    for nr, (name, args, outs) in enumerate(calls):
        params = [f"uint64_t {a}" for a in args] + [f"uint64_t *out_{o}" for o in outs]
        s.append(f"static inline long\nsys_{name}({', '.join(params) or 'void'})\n{{")
        s.append(f"\tlong ret = {nr};")
        regs = {}
        for i, a in enumerate(args):
            regs[ARG_REGS[i]] = a
        for i, o in enumerate(outs):
            regs.setdefault(OUT_REGS[i], "0")
        for reg, val in regs.items():
            s.append(f'\tregister uint64_t {reg} __asm__("{reg}") = {val};')
        ops = ", ".join(f'"+r"({reg})' for reg in regs)
        s.append(f'\t__asm__ volatile("syscall" : "+a"(ret){", " + ops if ops else ""}')
        s.append('\t\t: : "rcx", "r11", "memory");')
        for i, o in enumerate(outs):
            s.append(f"\tif (out_{o})\n\t\t*out_{o} = {OUT_REGS[i]};")
        s.append("\treturn ret;\n}\n")
    return "\n".join(s)


def main():
    src, kout, uout = sys.argv[1:4]
    calls = parse(src)
    open(kout, "w").write(kernel_header(calls))
    open(uout, "w").write(user_header(calls))


if __name__ == "__main__":
    main()
