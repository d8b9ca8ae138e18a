/*
 * Constants shared by the assembly files and C: control-register bits,
 * model-specific registers, segment selectors and the layout of a saved
 * register frame.
 */
#pragma once

#define KERNEL_VMA 0xffffffff80000000
#define DIRECT_MAP 0xffff800000000000

#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_WP (1 << 16)
#define CR0_PG 0x80000000
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_SMEP (1 << 20)
#define CR4_SMAP (1 << 21)

#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_PAT 0x277
#define MSR_APIC_BASE 0x1b

/* GDT layout; user selectors in the order sysret wants them. */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA 0x1b
#define SEL_UCODE 0x23
#define SEL_TSS 0x28

/* Saved frame: 15 registers, vector, error code, then the CPU's frame. */
#define FRAME_VECTOR (15 * 8)
#define FRAME_RIP (17 * 8)
#define FRAME_SIZE (22 * 8)
#define VECTOR_SYSCALL 0x100

/* Per-CPU block reached through GS in the kernel (struct cpu). */
#define CPU_KSTACK 0
#define CPU_FRAME_TOP 8
#define CPU_USER_RSP 16
